package io.atelier.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Ports for servers a test starts as processes of their own. */
public final class FreePorts {

	private FreePorts() {
	}

	/** A port free on this machine now; the process it is for should bind it soon. */
	public static int next() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
