package io.atelier.security;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.atelier.AtelierClient;
import io.atelier.testing.FixtureService;
import io.atelier.testing.SecretMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keys rotated in a mounted Secret, through real HTTP: the old key stops working and the new one
 * starts within a few seconds, without a restart; a broken update keeps the keys that worked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class KeysFileIntegrationTests {

	private static final String KEY_A = "rotation-key-a-0123456789abcdef0123456789";

	private static final String KEY_B = "rotation-key-b-0123456789abcdef0123456789";

	@TempDir
	static Path tmp;

	static SecretMount secret;

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws IOException {
		FixtureService.register(registry, tmp, 200, 100);
		secret = new SecretMount(tmp.resolve("secret"));
		secret.write("# Atelier's API keys\ntrainer:" + KEY_A + "\n");
		registry.add("atelier.security.keys-file", () -> secret.file().toString());
		registry.add("atelier.security.keys-file-interval", () -> "1s");
	}

	@Test
	void aRotatedKeyWorksWithinSecondsAndTheOldOneNoLonger(CapturedOutput output) throws IOException {
		AtelierClient a = new AtelierClient("http://localhost:" + port, KEY_A);
		AtelierClient b = new AtelierClient("http://localhost:" + port, KEY_B);
		assertThat(a.get("/jobs").statusCode()).isEqualTo(200);
		assertThat(b.get("/jobs").statusCode()).isEqualTo(401);

		secret.write("trainer:" + KEY_B + "\n");
		await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200))
			.until(() -> a.get("/jobs").statusCode() == 401 && b.get("/jobs").statusCode() == 200);

		secret.write("trainer:" + KEY_A.substring(0, 20) + "\n");
		await().atMost(Duration.ofSeconds(5)).until(() -> output.getAll().contains("Keeping the API keys"));
		assertThat(b.get("/jobs").statusCode()).isEqualTo(200);
		assertThat(a.get("/jobs").statusCode()).isEqualTo(401);
		assertThat(output.getAll()).contains("line 1 is shorter than 32 characters")
			.doesNotContain(KEY_A, KEY_B, KEY_A.substring(0, 20));
	}

}
