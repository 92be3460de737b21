package io.atelier.store;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where checkpoints and models are kept.
 *
 * @param type {@code filesystem}: the data directory (on Kubernetes, a ReadWriteMany volume several pods
 * share); {@code s3}: a bucket of any S3-compatible store
 * @param s3 the bucket, when {@code type} is {@code s3}
 * @param leftoverAge how old what an interrupted write left behind must be before the clean-up at
 * start removes it. 0 removes all of it, right for one process that owns its storage; when several
 * processes share the storage, set it above the longest checkpoint write, since another may be writing.
 */
@Validated
@ConfigurationProperties("atelier.storage")
record StorageProperties(@NotNull @DefaultValue("filesystem") Type type, @Valid @DefaultValue S3 s3,
		@NotNull @DefaultValue("0s") Duration leftoverAge) {

	enum Type {

		FILESYSTEM, S3

	}

	/**
	 * @param endpoint the store's address, such as {@code http://minio:9000}; absent for AWS itself.
	 * With an endpoint, checksums are computed and checked only where S3's API requires them, as most
	 * other stores do not implement the newer ones.
	 * @param bucket the bucket, which must exist
	 * @param region the region to sign requests for; other stores mostly accept any
	 * @param accessKey the access key; absent to use the AWS SDK's default chain (environment,
	 * web identity on EKS, instance profile)
	 * @param secretKey its secret
	 * @param pathStyle {@code http://host/bucket/key} rather than {@code http://bucket.host/key}, as
	 * MinIO and most self-hosted stores need
	 * @param prefix a folder within the bucket for everything Atelier keeps, so that several
	 * installations can share one bucket
	 */
	record S3(URI endpoint, String bucket, @NotBlank @DefaultValue("us-east-1") String region, String accessKey,
			String secretKey, @DefaultValue("false") boolean pathStyle,
			@Pattern(regexp = "|[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*",
					message = "must be empty or folder names separated by '/'") @DefaultValue("") String prefix) {

		/** The secret must not reach a log or an error page through a record's generated text. */
		@Override
		public String toString() {
			return "S3[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region + ", accessKey="
					+ (accessKey != null ? "(set)" : null) + ", secretKey=" + (secretKey != null ? "(set)" : null)
					+ ", pathStyle=" + pathStyle + ", prefix=" + prefix + "]";
		}

	}

}
