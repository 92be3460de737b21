package io.atelier.security;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityPropertiesTests {

	@Test
	void anEmptyKeysFileSettingMeansNoKeysFile() {
		// As a chart leaves ATELIER_SECURITY_KEYS_FILE when no Secret is mounted.
		SecurityProperties properties = bind(Map.of("atelier.security.keys-file", ""));
		assertThat(properties.keysFile()).isNull();
		assertThat(properties.hasKeys()).isFalse();
	}

	private static SecurityProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings))
			.bindOrCreate("atelier.security", Bindable.of(SecurityProperties.class));
	}

}
