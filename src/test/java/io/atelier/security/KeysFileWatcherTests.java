package io.atelier.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.atelier.testing.SecretMount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class KeysFileWatcherTests {

	private static final String CONFIGURED = "c".repeat(40);

	private static final String KEY_A = "a".repeat(36) + "-key-a";

	private static final String KEY_B = "b".repeat(36) + "-key-b";

	@TempDir
	Path tmp;

	private SecretMount secret;

	private ApiKeyAuthenticationProvider provider;

	private KeysFileWatcher watcher;

	@AfterEach
	void stopWatching() {
		if (watcher != null) {
			watcher.destroy();
		}
	}

	@Test
	void aRotatedSecretReplacesTheFilesKeysAndKeepsTheConfiguredOnes(CapturedOutput output) throws IOException {
		watchASecretHoldingKeyA();
		assertThat(provider.authenticate(presented(KEY_A)).getName()).isEqualTo("trainer-file-line-1");

		secret.write("# rotated\npredictor:" + KEY_B + "\n");
		watcher.check();

		assertThatThrownBy(() -> provider.authenticate(presented(KEY_A))).isInstanceOf(BadCredentialsException.class);
		assertThat(provider.authenticate(presented(KEY_B)).getAuthorities()).extracting(Object::toString)
			.containsExactly("ROLE_PREDICTOR");
		assertThat(provider.authenticate(presented(CONFIGURED)).getName()).isEqualTo("trainer-1");
		assertThat(output.getAll()).contains("API keys from " + secret.file() + ": 0 trainer, 1 predictor")
			.doesNotContain(KEY_A, KEY_B);
	}

	@Test
	void anInvalidOrVanishedFileKeepsTheLastGoodKeysAndSaysWhyOnce(CapturedOutput output) throws IOException {
		watchASecretHoldingKeyA();
		String tooShort = "short-but-secret";
		secret.write("trainer:" + tooShort + "\n");
		watcher.check();
		watcher.check();
		assertThat(provider.authenticate(presented(KEY_A)).isAuthenticated()).isTrue();
		assertThat(output.getAll().split("Keeping the API keys", -1)).hasSize(2);
		assertThat(output.getAll()).contains("line 1 is shorter than 32 characters").doesNotContain(tooShort);

		Files.delete(secret.file());
		watcher.check();
		assertThat(provider.authenticate(presented(KEY_A)).isAuthenticated()).isTrue();
		assertThat(output.getAll()).contains("it cannot be read").doesNotContain(KEY_A);
	}

	@Test
	void aKeysFileThatIsInvalidAtStartStopsStartUp() throws IOException {
		Path file = Files.writeString(tmp.resolve("keys"), "trainer:short");
		assertThatIllegalStateException()
			.isThrownBy(() -> new KeysFileWatcher(properties(file), new ApiKeyAuthenticationProvider(properties(file))))
			.withMessageContaining("line 1")
			.withMessageNotContaining("trainer:short");
		Path missing = tmp.resolve("missing");
		assertThatIllegalStateException().isThrownBy(
				() -> new KeysFileWatcher(properties(missing), new ApiKeyAuthenticationProvider(properties(missing))))
			.withMessageContaining(missing.toString());
	}

	@Test
	void withoutAKeysFileThereIsNothingToWatch() {
		long before = watchingThreads();
		watcher = new KeysFileWatcher(properties(null), new ApiKeyAuthenticationProvider(properties(null)));
		assertThat(watchingThreads()).isLessThanOrEqualTo(before);
	}

	/** A mounted Secret holding {@code KEY_A} as a trainer's, read and watched as the application wires them. */
	private void watchASecretHoldingKeyA() throws IOException {
		secret = new SecretMount(tmp.resolve("secret"));
		secret.write("trainer:" + KEY_A + "\n");
		provider = new ApiKeyAuthenticationProvider(properties(secret.file()));
		watcher = new KeysFileWatcher(properties(secret.file()), provider);
	}

	private static long watchingThreads() {
		return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals("atelier-keys-file"))
			.count();
	}

	private static SecurityProperties properties(Path keysFile) {
		return new SecurityProperties(List.of(CONFIGURED), List.of(), true, false, keysFile, Duration.ofHours(1));
	}

	private static Authentication presented(String key) {
		return new PreAuthenticatedAuthenticationToken("api-key", key);
	}

}
