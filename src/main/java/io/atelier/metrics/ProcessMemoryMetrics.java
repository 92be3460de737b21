package io.atelier.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * The process's resident memory. libtorch's tensors live outside the JVM heap, so the JVM's own
 * memory metrics cannot show a native leak; this can.
 */
@Component
class ProcessMemoryMetrics implements MeterBinder {

	private static final Path STATUS = Path.of("/proc/self/status");

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("atelier.process.resident.memory", ProcessMemoryMetrics::residentBytes)
			.description("Resident set size of the process, including native memory outside the JVM heap")
			.baseUnit("bytes")
			.register(registry);
	}

	static double residentBytes() {
		try {
			for (String line : Files.readAllLines(STATUS)) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("\\D", "")) * 1024.0;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// Not Linux, or /proc unreadable: report no value rather than a wrong one.
		}
		return Double.NaN;
	}

}
