package io.atelier.store;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import io.atelier.system.AtelierProperties;
import io.atelier.system.Role;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class StorageConfigurationTests {

	private final AtelierProperties atelier = new AtelierProperties(Path.of("data"), Role.ALL);

	@Test
	void theDefaultIsTheDataDirectory() {
		assertThat(new StorageConfiguration().objectStore(storage(s3("bucket", null, null)), atelier))
			.isInstanceOf(FileSystemObjectStore.class);
	}

	@Test
	void s3WithoutABucketStopsStartUpSayingWhatToSet() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new StorageConfiguration().objectStore(
					new StorageProperties(StorageProperties.Type.S3, s3(null, null, null), Duration.ZERO), atelier))
			.withMessageContaining("atelier.storage.s3.bucket");
	}

	@Test
	void anAccessKeyWithoutItsSecretStopsStartUp() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new StorageConfiguration().objectStore(
					new StorageProperties(StorageProperties.Type.S3, s3("bucket", "access", null), Duration.ZERO),
					atelier))
			.withMessageContaining("atelier.storage.s3.secret-key");
	}

	@Test
	void theSecretKeyNeverShowsInTheSettingsText() {
		assertThat(s3("bucket", "access-key-id", "the-secret-value")).asString()
			.doesNotContain("the-secret-value", "access-key-id")
			.contains("bucket");
	}

	private static StorageProperties storage(StorageProperties.S3 s3) {
		return new StorageProperties(StorageProperties.Type.FILESYSTEM, s3, Duration.ZERO);
	}

	private static StorageProperties.S3 s3(String bucket, String accessKey, String secretKey) {
		return new StorageProperties.S3(URI.create("http://localhost:9000"), bucket, "us-east-1", accessKey, secretKey,
				true, "");
	}

}
