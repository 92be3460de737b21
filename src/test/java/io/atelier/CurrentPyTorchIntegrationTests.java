package io.atelier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.atelier.dataset.RealFashionMnist;
import io.atelier.testing.Need;
import io.atelier.testing.Requires;
import io.atelier.testing.ServiceProcess;
import io.atelier.testing.TorchEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar on a current PyTorch's libtorch, through an engine folder that
 * {@code native/build-engine.sh} built, with oneDNN's fast kernels allowed (the libtorch 2.7.1 that DJL
 * ships is capped in tests, having computed garbage with them on this project's AVX-512 machines): the
 * service runs on that libtorch, the seed job on the real Fashion-MNIST reaches its usual accuracy, and
 * its model serves.
 */
@Requires(Need.TORCH_ENGINE)
class CurrentPyTorchIntegrationTests {

	@TempDir
	Path tmp;

	@Test
	void theSeedJobTrainsAndServesOnACurrentPyTorchWithOneDnnUncapped() throws Exception {
		try (ServiceProcess service = ServiceProcess.start(tmp.resolve("service.log"), environment -> {
			environment.remove("DNNL_MAX_CPU_ISA");
			environment.putAll(TorchEngine.environment());
		}, List.of("--atelier.data-dir=" + tmp.resolve("data"), "--atelier.security.insecure-local-mode=true",
				"--atelier.datasets.fashion-mnist.system-dir=" + RealFashionMnist.dir()))) {
			assertThat(mappedLibtorch(service.pid())).as("the libtorch the service runs on")
				.isEqualTo(TorchEngine.folder().resolve("libtorch_cpu.so").toRealPath());

			AtelierClient client = new AtelierClient(service.url(), null);
			String id = client.startJob("{\"epochs\": 2, \"seed\": 0}");
			JsonNode last = JsonMapper.builder().build().readTree(client.awaitSuccess(id, Duration.ofMinutes(4)))
				.path("history").get(1);
			// The seed network reaches 0.85-0.86 in two epochs; a JNI library that mistranslates an operation does not.
			assertThat(last.path("trainAccuracy").asDouble()).isGreaterThan(0.83);
			assertThat(last.path("testAccuracy").asDouble()).isGreaterThan(0.80);
			assertThat(client.predictBlackImage()).contains("\"jobId\":\"" + id + "\"");
		}
	}

	/** The file behind the libtorch_cpu.so the process has mapped, from Linux's view of its memory. */
	private static Path mappedLibtorch(long pid) throws Exception {
		String library = Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps"))
			.stream()
			.filter(line -> line.endsWith("/libtorch_cpu.so"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no libtorch_cpu.so mapped by process " + pid));
		return Path.of(library.substring(library.indexOf('/')));
	}

}
