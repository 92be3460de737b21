package io.atelier.store;

import io.atelier.system.AtelierProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/** The object store that {@code atelier.storage.type} names. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

	private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

	@Bean
	ObjectStore objectStore(StorageProperties storage, AtelierProperties atelier) {
		if (storage.type() == StorageProperties.Type.FILESYSTEM) {
			return new FileSystemObjectStore(atelier.dataDir());
		}
		StorageProperties.S3 s3 = storage.s3();
		if (!StringUtils.hasText(s3.bucket())) {
			throw new IllegalStateException(
					"atelier.storage.type is s3 but atelier.storage.s3.bucket is not set; name an existing bucket.");
		}
		if (StringUtils.hasText(s3.accessKey()) != StringUtils.hasText(s3.secretKey())) {
			throw new IllegalStateException("Set both atelier.storage.s3.access-key and atelier.storage.s3.secret-key, "
					+ "or neither to use the AWS SDK's default credentials.");
		}
		String root = s3.prefix().isEmpty() ? "" : s3.prefix() + "/";
		String endpoint = s3.endpoint() != null ? s3.endpoint().toString() : null;
		log.info("Checkpoints and models in s3://{}/{}{}", s3.bucket(), root,
				endpoint != null ? " at " + endpoint : "");
		return new S3ObjectStore(client(s3), s3.bucket(), root, endpoint);
	}

	private static S3Client client(StorageProperties.S3 s3) {
		S3ClientBuilder builder = S3Client.builder()
			.region(Region.of(s3.region()))
			.forcePathStyle(s3.pathStyle())
			.credentialsProvider(credentials(s3));
		if (s3.endpoint() != null) {
			// Stores other than AWS mostly reject or ignore the SDK's default CRC checksums.
			builder.endpointOverride(s3.endpoint())
				.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
				.responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
		}
		return builder.build();
	}

	private static AwsCredentialsProvider credentials(StorageProperties.S3 s3) {
		if (StringUtils.hasText(s3.accessKey())) {
			return StaticCredentialsProvider.create(AwsBasicCredentials.create(s3.accessKey(), s3.secretKey()));
		}
		return DefaultCredentialsProvider.builder().build();
	}

}
