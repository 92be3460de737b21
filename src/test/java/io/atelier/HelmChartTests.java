package io.atelier;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
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
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chart lints strictly, renders with its defaults and with every optional feature on, and every
 * object it renders is valid against the Kubernetes API's own models, so a misspelt field fails here.
 */
class HelmChartTests {

	private static final Path CHART = Path.of("helm/atelier");

	private static final Map<String, Class<?>> MODELS = Map.of("Deployment", V1Deployment.class, "Service",
			V1Service.class, "ServiceAccount", V1ServiceAccount.class, "PersistentVolumeClaim",
			V1PersistentVolumeClaim.class, "Ingress", V1Ingress.class, "Secret", V1Secret.class);

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
			.anySatisfy(data -> assertThat(data).contains("trainer-keys=" + java.util.Base64.getEncoder()
				.encodeToString("trainer-key-0123456789abcdef0123456789".getBytes())));
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
