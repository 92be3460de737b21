package io.atelier.dataset;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

import lombok.AccessLevel;
import lombok.RequiredArgsConstructor;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A zip archive read defensively. Nothing is ever extracted to a path the archive names, yet an entry
 * that would climb out of its folder ({@code ../}), an absolute path and a symbolic link are refused
 * outright: they mean a crafted archive. The entry count is checked as the central directory is walked,
 * and the bytes each entry inflates to are counted as they are read, so neither limit trusts a header.
 */
@RequiredArgsConstructor(access = AccessLevel.PRIVATE)
final class ArchiveEntries implements AutoCloseable {

	private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

	private final ZipFile zip;

	private final DatasetProperties.Uploads limits;

	private long inflated;

	static ArchiveEntries open(Path file, DatasetProperties.Uploads limits) {
		try {
			return new ArchiveEntries(ZipFile.builder().setPath(file).get(), limits);
		}
		catch (IOException | RuntimeException ex) {
			throw DatasetProblems.badRequest("The file is not a readable zip archive: " + ex.getMessage());
		}
	}

	/** Every entry, its path checked and normalised to forward slashes without empty or {@code .} parts. */
	List<Entry> list() {
		List<Entry> entries = new ArrayList<>();
		for (ZipArchiveEntry raw : Collections.list(zip.getEntries())) {
			if (entries.size() >= limits.maxEntries()) {
				throw DatasetProblems.tooLarge("The archive holds more than " + limits.maxEntries()
						+ " entries (atelier.datasets.uploads.max-entries).");
			}
			String name = raw.getName();
			List<String> segments = segments(name);
			if (raw.isUnixSymlink()) {
				throw DatasetProblems.unacceptable("Entry '" + name + "' is a symbolic link; links are refused.");
			}
			if (!raw.isDirectory() && !zip.canReadEntryData(raw)) {
				throw DatasetProblems.unacceptable("Entry '" + name
						+ "' is encrypted or compressed with an unsupported method; use plain deflate or store.");
			}
			if (!segments.isEmpty()) {
				entries.add(new Entry(String.join("/", segments), segments, raw.isDirectory(), raw));
			}
		}
		return entries;
	}

	/** An entry's bytes, counted against the limit on what the archive may inflate to. */
	byte[] read(Entry entry) {
		long budget = limits.maxUncompressedSize().toBytes();
		try (InputStream in = zip.getInputStream(entry.raw())) {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			byte[] buffer = new byte[64 * 1024];
			for (int n; (n = in.read(buffer)) > 0;) {
				inflated += n;
				if (inflated > budget || out.size() + n > Integer.MAX_VALUE - 16) {
					throw DatasetProblems.tooLarge("The archive's images inflate to more than "
							+ limits.maxUncompressedSize().toBytes() + " bytes (atelier.datasets.uploads.max-uncompressed-size).");
				}
				out.write(buffer, 0, n);
			}
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw DatasetProblems.unacceptable("Entry '" + entry.path() + "' cannot be read: " + ex.getMessage());
		}
	}

	/** Reading the same entries again inflates the same bytes: each pass is held to the limit on its own. */
	void nextPass() {
		inflated = 0;
	}

	@Override
	public void close() {
		ZipFile.closeQuietly(zip);
	}

	private static List<String> segments(String name) {
		if (name.isEmpty()) {
			throw DatasetProblems.unacceptable("The archive has an entry with an empty name.");
		}
		for (int i = 0; i < name.length(); i++) {
			if (name.charAt(i) < 0x20) {
				throw DatasetProblems.unacceptable("Entry '" + name.replaceAll("\\p{Cntrl}", "?")
						+ "' has a control character in its name.");
			}
		}
		// Windows tools write backslashes, and Windows extractors honour them: '..\' climbs too.
		String path = name.replace('\\', '/');
		if (path.startsWith("/") || DRIVE.matcher(path).matches()) {
			throw DatasetProblems.unacceptable("Entry '" + name + "' has an absolute path; entries must be relative.");
		}
		List<String> segments = new ArrayList<>();
		for (String segment : path.split("/")) {
			if (segment.equals("..")) {
				throw DatasetProblems.unacceptable("Entry '" + name
						+ "' climbs out of the archive's folder ('..'); such paths are refused.");
			}
			if (!segment.isEmpty() && !segment.equals(".")) {
				segments.add(segment);
			}
		}
		return List.copyOf(segments);
	}

	/**
	 * @param path the normalised path
	 * @param segments its parts
	 * @param directory whether the entry is a folder
	 * @param raw the archive's own entry
	 */
	record Entry(String path, List<String> segments, boolean directory, ZipArchiveEntry raw) {

		String fileName() {
			return segments.get(segments.size() - 1);
		}

	}

}
