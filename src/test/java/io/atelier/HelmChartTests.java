package io.atelier;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chart lints strictly, renders with its defaults and with every optional feature on, in both
 * modes, and every object it renders is valid against the Kubernetes API's own models, so a misspelt
 * field fails here. Values are checked by the chart's values.schema.json as Helm renders.
 */
class HelmChartTests {

	private static final Path CHART = Path.of("helm/atelier");

	private static final Map<String, Class<?>> MODELS = Map.of("Deployment", V1Deployment.class, "Service",
			V1Service.class, "ServiceAccount", V1ServiceAccount.class, "PersistentVolumeClaim",
			V1PersistentVolumeClaim.class, "Ingress", V1Ingress.class, "Secret", V1Secret.class,
			"PodDisruptionBudget", V1PodDisruptionBudget.class);

	private static final String DATABASE_URL = "jdbc:postgresql://db:5432/atelier";

	@Test
	void lintsStrictly() {
		LintResult result = new Helm(CHART).lint().strict().call();
		assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
	}

	@Test
	void rendersValidObjectsWithTheDefaults() throws Exception {
		List<Map<String, Object>> objects = render(new Helm(CHART).template().withName("atelier"));
		assertThat(kinds(objects)).containsExactlyInAnyOrder("ServiceAccount", "PersistentVolumeClaim", "Service",
				"Deployment");
		validate(objects);
		Map<String, Object> deployment = find(objects, "Deployment");
		assertThat(path(deployment, "spec", "strategy", "type")).isEqualTo("Recreate");
		assertThat(path(deployment, "spec", "replicas")).isEqualTo(1);
		assertThat(path(deployment, "spec", "template", "spec", "terminationGracePeriodSeconds")).isEqualTo(60);
		Map<String, Object> container = container(deployment);
		assertThat(path(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
		assertThat(path(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
		assertThat(path(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
		assertThat(path(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
		assertThat(path(deployment, "spec", "template", "metadata", "annotations", "prometheus.io/path"))
			.isEqualTo("/actuator/prometheus");
		assertThat(path(deployment, "metadata", "name")).isEqualTo("atelier");
		assertThat(String.valueOf(path(container, "env"))).doesNotContain("ATELIER_ROLE", "ATELIER_STORAGE",
				"ATELIER_JOBS_LEASEDURATION");
		assertThat(String.valueOf(path(deployment, "spec", "selector"))).doesNotContain("component");
	}

	@Test
	void rendersValidObjectsWithEveryOptionalFeatureOn() throws Exception {
		List<Map<String, Object>> objects = render(new Helm(CHART).template()
			.withName("atelier")
			.set("ingress.enabled", true)
			.set("ingress.className", "nginx")
			.set("ingress.tls[0].secretName", "atelier-tls")
			.set("ingress.tls[0].hosts[0]", "atelier.local")
			.set("metrics.serviceMonitor.enabled", true)
			.set("database.url", "jdbc:postgresql://db:5432/atelier")
			.set("database.username", "atelier")
			.set("database.password", "s3cret")
			.set("auth.trainerKeys[0]", "trainer-key-0123456789abcdef0123456789")
			.set("auth.predictorKeys[0]", "predictor-key-0123456789abcdef012345678")
			.set("config.jobs.concurrency", 2));
		assertThat(kinds(objects)).contains("Ingress", "ServiceMonitor", "Secret");
		validate(objects);
		Map<String, Object> monitor = find(objects, "ServiceMonitor");
		assertThat(path(monitor, "apiVersion")).isEqualTo("monitoring.coreos.com/v1");
		assertThat(String.valueOf(path(monitor, "spec", "endpoints"))).contains("/actuator/prometheus");
		String environment = String.valueOf(path(container(find(objects, "Deployment")), "env"));
		assertThat(environment)
			.contains("ATELIER_JOBS_CONCURRENCY, value=2", "SPRING_DATASOURCE_PASSWORD", "ATELIER_SECURITY_TRAINERKEYS",
					"ATELIER_SECURITY_PREDICTORKEYS")
			.doesNotContain("s3cret", "trainer-key-0123");
		assertThat(objects).filteredOn(object -> "Secret".equals(object.get("kind")))
			.extracting(object -> String.valueOf(object.get("data")))
			.anySatisfy(data -> assertThat(data)
				.contains("trainer-keys=" + base64("trainer-key-0123456789abcdef0123456789")));
	}

	@Test
	void rendersAnApiAndAWorkerDeploymentInDistributedMode() throws Exception {
		List<Map<String, Object>> objects = render(distributed().set("persistence.accessModes[0]", "ReadWriteMany")
			.set("database.existingSecret", "my-postgres")
			.set("auth.existingSecret", "my-keys")
			.set("auth.keysFile.existingSecret", "my-keys-file")
			.set("api.replicas", 3)
			.set("worker.replicas", 4)
			.set("metrics.serviceMonitor.enabled", true)
			.set("ingress.enabled", true));
		validate(objects);
		assertThat(kinds(objects)).containsExactlyInAnyOrder("ServiceAccount", "PersistentVolumeClaim", "Service",
				"Service", "Deployment", "Deployment", "PodDisruptionBudget", "Ingress", "ServiceMonitor");

		Map<String, Object> api = named(objects, "Deployment", "atelier-api");
		assertThat(path(api, "spec", "replicas")).isEqualTo(3);
		assertThat(path(api, "spec", "strategy", "type")).isEqualTo("RollingUpdate");
		assertThat(path(api, "spec", "strategy", "rollingUpdate", "maxUnavailable")).isEqualTo(0);
		assertThat(env(api)).containsEntry("ATELIER_ROLE", "api").doesNotContainKey("ATELIER_WORKER_ID");
		assertThat(path(container(api), "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
		assertThat(path(container(api), "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");

		Map<String, Object> worker = named(objects, "Deployment", "atelier-worker");
		assertThat(path(worker, "spec", "replicas")).isEqualTo(4);
		assertThat(env(worker)).containsEntry("ATELIER_ROLE", "worker")
			.containsEntry("ATELIER_WORKER_ID", "fieldRef:metadata.name")
			.containsEntry("ATELIER_JOBS_LEASEDURATION", "30s")
			.containsEntry("ATELIER_JOBS_MAXATTEMPTS", "3");
		assertThat((Integer) path(worker, "spec", "template", "spec", "terminationGracePeriodSeconds"))
			.isGreaterThanOrEqualTo(90);
		assertThat(path(worker, "spec", "selector", "matchLabels", "app.kubernetes.io/component")).isEqualTo("worker");

		for (Map<String, Object> deployment : List.of(api, worker)) {
			assertThat(env(deployment)).containsEntry("SPRING_DATASOURCE_URL", DATABASE_URL)
				.containsEntry("SPRING_DATASOURCE_USERNAME", "atelier")
				.containsEntry("SPRING_DATASOURCE_PASSWORD", "secret:my-postgres/password")
				.containsEntry("ATELIER_SECURITY_TRAINERKEYS", "secret:my-keys/trainer-keys")
				.containsEntry("ATELIER_SECURITY_KEYSFILE", "/etc/atelier/keys/keys")
				.doesNotContainKey("ATELIER_STORAGE_TYPE");
			assertThat(String.valueOf(path(deployment, "spec", "template", "spec", "volumes")))
				.contains("claimName=atelier-data", "secretName=my-keys-file");
			assertThat(String.valueOf(path(container(deployment), "volumeMounts")))
				.contains("mountPath=/etc/atelier/keys,");
		}
		assertThat(path(named(objects, "PersistentVolumeClaim", "atelier-data"), "spec", "accessModes"))
			.isEqualTo(List.of("ReadWriteMany"));
		assertThat(path(named(objects, "Service", "atelier"), "spec", "selector", "app.kubernetes.io/component"))
			.isEqualTo("api");
		Map<String, Object> budget = find(objects, "PodDisruptionBudget");
		assertThat(path(budget, "spec", "selector", "matchLabels", "app.kubernetes.io/component")).isEqualTo("api");
		assertThat(path(budget, "spec", "maxUnavailable")).isEqualTo(1);
		assertThat(objects).noneMatch(object -> "Secret".equals(object.get("kind")));
	}

	@Test
	void keepsCheckpointsInS3WithCredentialsFromASecretInDistributedMode() throws Exception {
		List<Map<String, Object>> objects = render(distributed().set("database.password", "pg-password-value")
			.set("storage.type", "s3")
			.set("storage.s3.endpoint", "http://minio:9000")
			.set("storage.s3.bucket", "models")
			.set("storage.s3.region", "eu-west-1")
			.set("storage.s3.pathStyle", true)
			.set("storage.s3.accessKey", "access-key-value")
			.set("storage.s3.secretKey", "secret-key-value"));
		validate(objects);
		assertThat(kinds(objects)).doesNotContain("PersistentVolumeClaim").contains("PodDisruptionBudget");
		for (String name : List.of("atelier-api", "atelier-worker")) {
			Map<String, Object> deployment = named(objects, "Deployment", name);
			assertThat(env(deployment)).containsEntry("ATELIER_STORAGE_TYPE", "s3")
				.containsEntry("ATELIER_STORAGE_S3_ENDPOINT", "http://minio:9000")
				.containsEntry("ATELIER_STORAGE_S3_BUCKET", "models")
				.containsEntry("ATELIER_STORAGE_S3_REGION", "eu-west-1")
				.containsEntry("ATELIER_STORAGE_S3_PATHSTYLE", "true")
				.containsEntry("ATELIER_STORAGE_S3_ACCESSKEY", "secret:atelier-s3/access-key")
				.containsEntry("ATELIER_STORAGE_S3_SECRETKEY", "secret:atelier-s3/secret-key")
				.containsEntry("SPRING_DATASOURCE_PASSWORD", "secret:atelier-database/password");
			assertThat(String.valueOf(path(deployment, "spec", "template", "spec", "volumes")))
				.contains("name=data, emptyDir={}")
				.doesNotContain("persistentVolumeClaim");
		}
		assertThat(String.valueOf(objects)).doesNotContain("access-key-value", "secret-key-value", "pg-password-value");
		assertThat(String.valueOf(named(objects, "Secret", "atelier-s3").get("data")))
			.contains("secret-key=" + base64("secret-key-value"));
		assertThat(String.valueOf(named(objects, "Secret", "atelier-database").get("data")))
			.contains("password=" + base64("pg-password-value"));
	}

	@Test
	void takesExistingSecretsForTheDatabaseAndS3() throws Exception {
		List<Map<String, Object>> objects = render(distributed().set("database.existingSecret", "pg")
			.set("storage.type", "s3")
			.set("storage.s3.bucket", "models")
			.set("storage.s3.existingSecret", "s3-credentials"));
		validate(objects);
		assertThat(kinds(objects)).doesNotContain("Secret", "PersistentVolumeClaim");
		assertThat(env(named(objects, "Deployment", "atelier-worker")))
			.containsEntry("ATELIER_STORAGE_S3_ACCESSKEY", "secret:s3-credentials/access-key")
			.containsEntry("ATELIER_STORAGE_S3_SECRETKEY", "secret:s3-credentials/secret-key")
			.containsEntry("SPRING_DATASOURCE_PASSWORD", "secret:pg/password");
	}

	@Test
	void theExampleValuesLintStrictlyAndRender(@TempDir Path chartCopy) throws Exception {
		for (String example : List.of("distributed-s3.yaml", "distributed-rwx.yaml")) {
			Path values = CHART.resolve("examples").resolve(example);
			List<Map<String, Object>> objects = render(
					new Helm(CHART).template().withName("atelier").withValuesFile(values));
			validate(objects);
			assertThat(kinds(objects)).as(example).contains("PodDisruptionBudget").doesNotContain("Secret");
			assertThat(lint(chartWithValues(chartCopy.resolve(example), values))).as(example).isEmpty();
		}
	}

	@Test
	void refusesDistributedModeWithoutPostgresql() {
		assertThatThrownBy(() -> new Helm(CHART).template()
			.withName("atelier")
			.set("mode", "distributed")
			.set("persistence.accessModes[0]", "ReadWriteMany")
			.call()).hasMessageContaining("/database/url");
	}

	@Test
	void refusesDistributedModeOnAVolumeThatOnlyOnePodCanMount() {
		assertThatThrownBy(() -> distributed().set("database.password", "x").call())
			.hasMessageContaining("persistence.accessModes to [ReadWriteMany]");
	}

	@Test
	void refusesS3WithoutABucketAndAnUnknownMode() {
		assertThatThrownBy(() -> new Helm(CHART).template().withName("atelier").set("storage.type", "s3").call())
			.hasMessageContaining("/storage/s3/bucket");
		assertThatThrownBy(() -> new Helm(CHART).template().withName("atelier").set("mode", "distribued").call())
			.hasMessageContaining("/mode");
		assertThatThrownBy(() -> new Helm(CHART).template().withName("atelier").set("mdoe", "distributed").call())
			.hasMessageContaining("mdoe");
	}

	@Test
	void theValidationCatchesAMisspeltField() {
		Map<String, Object> service = Map.of("apiVersion", "v1", "kind", "Service", "metadata", Map.of("name", "x"),
				"spec", Map.of("prots", List.of()));
		assertThatThrownBy(() -> validate(List.of(service))).hasStackTraceContaining("prots");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> render(TemplateCommand template) {
		List<Map<String, Object>> objects = new ArrayList<>();
		for (Object document : new Yaml().loadAll(template.call())) {
			if (document != null) {
				objects.add((Map<String, Object>) document);
			}
		}
		return objects;
	}

	private static void validate(List<Map<String, Object>> objects) throws Exception {
		Gson gson = new Gson();
		for (Map<String, Object> object : objects) {
			Class<?> model = MODELS.get((String) object.get("kind"));
			if (model == null) {
				continue;
			}
			Method validate = model.getMethod("validateJsonElement", JsonElement.class);
			try {
				validate.invoke(null, gson.toJsonTree(object));
			}
			catch (java.lang.reflect.InvocationTargetException ex) {
				throw new AssertionError(object.get("kind") + " is not valid: " + ex.getCause().getMessage(),
						ex.getCause());
			}
		}
	}

	/** Distributed mode with the least it needs; callers add the password and the storage. */
	private static TemplateCommand distributed() {
		return new Helm(CHART).template()
			.withName("atelier")
			.set("mode", "distributed")
			.set("database.url", DATABASE_URL)
			.set("database.username", "atelier");
	}

	private static List<String> lint(Path chart) {
		LintResult result = new Helm(chart).lint().strict().call();
		return result.isFailed() ? result.getMessages() : List.of();
	}

	/** A copy of the chart whose values.yaml has {@code overrides} merged in, for lint, which takes no values. */
	@SuppressWarnings("unchecked")
	private static Path chartWithValues(Path copy, Path overrides) throws IOException {
		try (var files = Files.walk(CHART)) {
			for (Path file : files.toList()) {
				Path target = copy.resolve(CHART.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(file, target);
				}
			}
		}
		Yaml yaml = new Yaml();
		Map<String, Object> values = yaml.load(Files.readString(CHART.resolve("values.yaml")));
		merge(values, yaml.load(Files.readString(overrides)));
		Files.writeString(copy.resolve("values.yaml"), yaml.dump(values));
		return copy;
	}

	@SuppressWarnings("unchecked")
	private static void merge(Map<String, Object> into, Map<String, Object> from) {
		from.forEach((key, value) -> {
			if (value instanceof Map && into.get(key) instanceof Map) {
				merge((Map<String, Object>) into.get(key), (Map<String, Object>) value);
			}
			else {
				into.put(key, value);
			}
		});
	}

	/**
	 * A Deployment's environment as name to value; a value from a Secret as {@code secret:name/key},
	 * from the pod's fields as {@code fieldRef:path}.
	 */
	@SuppressWarnings("unchecked")
	private static Map<String, String> env(Map<String, Object> deployment) {
		Map<String, String> env = new LinkedHashMap<>();
		for (Map<String, Object> variable : (List<Map<String, Object>>) path(container(deployment), "env")) {
			Map<String, Object> from = (Map<String, Object>) variable.get("valueFrom");
			String value;
			if (from == null) {
				value = String.valueOf(variable.get("value"));
			}
			else if (from.containsKey("secretKeyRef")) {
				Map<String, Object> ref = (Map<String, Object>) from.get("secretKeyRef");
				value = "secret:" + ref.get("name") + "/" + ref.get("key");
			}
			else {
				value = "fieldRef:" + path(from, "fieldRef", "fieldPath");
			}
			assertThat(env.put((String) variable.get("name"), value)).as("duplicate %s", variable.get("name")).isNull();
		}
		return env;
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes());
	}

	private static Map<String, Object> named(List<Map<String, Object>> objects, String kind, String name) {
		return objects.stream()
			.filter(object -> kind.equals(object.get("kind")) && name.equals(path(object, "metadata", "name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + kinds(objects)));
	}

	private static List<String> kinds(List<Map<String, Object>> objects) {
		return objects.stream().map(object -> (String) object.get("kind")).toList();
	}

	private static Map<String, Object> find(List<Map<String, Object>> objects, String kind) {
		return objects.stream().filter(object -> kind.equals(object.get("kind"))).findFirst().orElseThrow();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> container(Map<String, Object> deployment) {
		return ((List<Map<String, Object>>) path(deployment, "spec", "template", "spec", "containers")).get(0);
	}

	@SuppressWarnings("unchecked")
	private static Object path(Map<String, Object> object, String... keys) {
		Object current = object;
		for (String key : keys) {
			current = ((Map<String, Object>) current).get(key);
		}
		return current;
	}

}
