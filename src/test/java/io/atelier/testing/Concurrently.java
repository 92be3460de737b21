package io.atelier.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Clients that run at once, each on a thread of its own, as concurrent load on the code under test. */
public final class Concurrently {

	private Concurrently() {
	}

	/** What one client does; {@code client} numbers it from 0. */
	@FunctionalInterface
	public interface Client {

		void run(int client) throws Exception;

	}

	/** What the test does on its own thread while the clients run. */
	@FunctionalInterface
	public interface Meanwhile {

		void run() throws Exception;

	}

	/** Runs {@code count} clients at once and returns when all have finished; a client's failure fails the caller. */
	public static void run(int count, Client client) throws Exception {
		run(count, client, () -> {
		});
	}

	/**
	 * As {@link #run(int, Client)}, with {@code meanwhile} run on the caller's thread once the clients have
	 * started. The clients are awaited only after it returns, so whatever tells them to stop belongs in it.
	 */
	public static void run(int count, Client client, Meanwhile meanwhile) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(count);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int c = 0; c < count; c++) {
				int number = c;
				running.add(threads.submit(() -> {
					client.run(number);
					return null;
				}));
			}
			meanwhile.run();
			for (Future<?> future : running) {
				future.get();
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

}
