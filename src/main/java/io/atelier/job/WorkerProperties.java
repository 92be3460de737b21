package io.atelier.job;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.validation.constraints.Size;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * This process as a worker.
 *
 * @param id the name a job's record gives the worker that runs it; by default the host name (the pod's,
 * on Kubernetes) and the process id
 */
@Validated
@ConfigurationProperties("atelier.worker")
record WorkerProperties(@Size(min = 1, max = 200) String id) {

	WorkerProperties {
		if (id == null) {
			id = hostName() + "-" + ProcessHandle.current().pid();
		}
	}

	private static String hostName() {
		String fromEnvironment = System.getenv("HOSTNAME");
		if (fromEnvironment != null && !fromEnvironment.isBlank()) {
			return fromEnvironment;
		}
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (UnknownHostException ex) {
			return ManagementFactory.getRuntimeMXBean().getName();
		}
	}

}
