package io.atelier.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.atelier.system.AtelierProperties;
import io.atelier.system.Role;
import io.atelier.testing.S3Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class DataVolumeHealthIndicatorTests {

	@RegisterExtension
	static final S3Server s3 = new S3Server();

	@TempDir
	Path tmp;

	@Test
	void aWritableDirectoryIsUpAndLeavesNoProbeBehind() throws Exception {
		Path dataDir = tmp.resolve("data");
		var health = new DataVolumeHealthIndicator(new FileSystemObjectStore(dataDir)).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("storage", "filesystem").containsKey("usableBytes");
		try (var files = Files.list(dataDir)) {
			assertThat(files).isEmpty();
		}
	}

	@Test
	void aDataDirectoryThatCannotBeWrittenIsDown() throws Exception {
		Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
		var health = new DataVolumeHealthIndicator(new FileSystemObjectStore(notADirectory)).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void aWritableBucketIsUpAndLeavesNoProbeBehind() throws Exception {
		try (S3ObjectStore bucket = s3Store(s3.bucket())) {
			Health health = new DataVolumeHealthIndicator(bucket).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("storage", "s3").containsEntry("bucket", s3.bucket());
			assertThat(bucket.list("")).isEmpty();
		}
	}

	@Test
	void aMissingBucketIsDownAndSaysWhich() throws Exception {
		try (S3ObjectStore bucket = s3Store("no-such-bucket")) {
			Health health = new DataVolumeHealthIndicator(bucket).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(String.valueOf(health.getDetails().get("error"))).contains("s3://no-such-bucket/");
		}
	}

	private S3ObjectStore s3Store(String bucket) {
		var storage = new StorageProperties(StorageProperties.Type.S3, new StorageProperties.S3(s3.endpoint(), bucket,
				"us-east-1", S3Server.ACCESS_KEY, S3Server.SECRET_KEY, true, "health"), Duration.ZERO);
		return (S3ObjectStore) new StorageConfiguration().objectStore(storage, new AtelierProperties(tmp, Role.ALL));
	}

}
