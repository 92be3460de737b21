package io.atelier.store;

import java.nio.file.Files;
import java.nio.file.Path;

import io.atelier.system.AtelierProperties;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * Ready only if the data directory takes a write: jobs checkpoint into it and record themselves in it.
 */
@Component
class DataVolumeHealthIndicator extends AbstractHealthIndicator {

	private final Path dataDir;

	DataVolumeHealthIndicator(AtelierProperties atelier) {
		super("The data directory is not writable");
		this.dataDir = atelier.dataDir();
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		Files.createDirectories(dataDir);
		Path probe = Files.createTempFile(dataDir, ".health-", ".probe");
		try {
			Files.write(probe, new byte[] { 1 });
		}
		finally {
			Files.deleteIfExists(probe);
		}
		builder.up().withDetail("usableBytes", Files.getFileStore(dataDir).getUsableSpace());
	}

}
