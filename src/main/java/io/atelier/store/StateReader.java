package io.atelier.store;

import java.io.DataInputStream;
import java.io.IOException;

/** Reads what a {@link StateWriter} wrote. */
@FunctionalInterface
public interface StateReader {

	void read(DataInputStream in) throws IOException;

}
