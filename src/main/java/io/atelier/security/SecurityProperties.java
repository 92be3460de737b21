package io.atelier.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

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
 * @param keysFile more keys, from a file such as a mounted Kubernetes Secret, one {@code role:key} a
 * line ({@code trainer:…} or {@code predictor:…}; blank lines and lines starting with {@code #} are
 * skipped). It is read again whenever its content changes, so keys rotate without a restart; a file
 * that cannot be read or is invalid keeps the keys last read from it.
 * @param keysFileInterval how often the keys file is checked for changes
 */
@Validated
@ConfigurationProperties("atelier.security")
public record SecurityProperties(@DefaultValue List<String> trainerKeys, @DefaultValue List<String> predictorKeys,
		@DefaultValue("true") boolean metricsPublic, @DefaultValue("false") boolean insecureLocalMode, Path keysFile,
		@DurationMin(millis = 100) @DefaultValue("5s") Duration keysFileInterval) {

	boolean hasKeys() {
		return !trainerKeys.isEmpty() || !predictorKeys.isEmpty() || keysFile != null;
	}

}
