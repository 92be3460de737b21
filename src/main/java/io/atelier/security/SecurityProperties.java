package io.atelier.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call Atelier. Keys are bearer tokens ({@code Authorization: Bearer <key>}), at least 32
 * characters each; set them from a secret, e.g. {@code ATELIER_SECURITY_TRAINER_KEYS=k1,k2}.
 *
 * @param trainerKeys keys that may do everything: start and cancel jobs, pin the default model,
 * read and predict
 * @param predictorKeys keys that may only read jobs and models and predict
 * @param metricsPublic whether {@code /actuator/prometheus} is open, as scrapers usually expect;
 * when false it takes any valid key
 * @param insecureLocalMode every endpoint open to anyone, for a developer's own machine only; without
 * it and without keys, the service refuses every call but health
 */
@ConfigurationProperties("atelier.security")
public record SecurityProperties(@DefaultValue List<String> trainerKeys, @DefaultValue List<String> predictorKeys,
		@DefaultValue("true") boolean metricsPublic, @DefaultValue("false") boolean insecureLocalMode) {

	boolean hasKeys() {
		return !trainerKeys.isEmpty() || !predictorKeys.isEmpty();
	}

}
