package io.atelier.store;

import java.io.DataOutputStream;
import java.io.IOException;

/** Writes one file's content: a checkpoint's parameters, state that travels with them, a small record. */
@FunctionalInterface
public interface StateWriter {

	void write(DataOutputStream out) throws IOException;

}
