package io.atelier.testing;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real S3 server in the test JVM: S3Proxy on jclouds' in-memory blob store, on a free port, with one
 * bucket and signed requests (AWS Signature V4, as the SDK sends them). Register it as a static field
 * with {@code @RegisterExtension}; it runs for the class.
 */
public final class S3Server implements BeforeAllCallback, AfterAllCallback {

	public static final String ACCESS_KEY = "atelier-test";

	public static final String SECRET_KEY = "atelier-test-secret";

	private final String bucket;

	private BlobStoreContext blobs;

	private S3Proxy proxy;

	public S3Server() {
		this("atelier-test");
	}

	public S3Server(String bucket) {
		this.bucket = bucket;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		blobs = ContextBuilder.newBuilder("transient")
			.credentials(ACCESS_KEY, SECRET_KEY)
			.build(BlobStoreContext.class);
		blobs.getBlobStore().createContainerInLocation(null, bucket);
		proxy = S3Proxy.builder()
			.blobStore(blobs.getBlobStore())
			.endpoint(URI.create("http://127.0.0.1:0"))
			.awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
			.build();
		proxy.start();
		Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
		while (!"STARTED".equals(proxy.getState())) {
			if (Instant.now().isAfter(deadline)) {
				throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
			}
			Thread.sleep(10);
		}
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		if (proxy != null) {
			proxy.stop();
		}
		if (blobs != null) {
			blobs.close();
		}
	}

	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + proxy.getPort());
	}

	public String bucket() {
		return bucket;
	}

	/** What points Atelier at this server, keys under {@code prefix} (empty for the bucket's root). */
	public Map<String, String> properties(String prefix) {
		return Map.of("atelier.storage.type", "s3", "atelier.storage.s3.endpoint", endpoint().toString(),
				"atelier.storage.s3.bucket", bucket, "atelier.storage.s3.access-key", ACCESS_KEY,
				"atelier.storage.s3.secret-key", SECRET_KEY, "atelier.storage.s3.path-style", "true",
				"atelier.storage.s3.prefix", prefix);
	}

}
