package io.atelier.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import lombok.AccessLevel;
import lombok.RequiredArgsConstructor;

/**
 * What an archive's paths say, as PyTorch's {@code ImageFolder} reads a folder: the classes are the
 * folder names, sorted; every PNG or JPEG file below a class folder is an image of it. Either one
 * folder per class ({@code <class>/<image>}), split here, or {@code train/<class>/…} and
 * {@code test/<class>/…}; one enclosing folder, as zipping a folder makes, is looked through. Files
 * that are not PNG or JPEG by name, or are not inside a class folder, are skipped and counted; the
 * debris of desktop systems ({@code __MACOSX/}, dot files, {@code Thumbs.db}) too.
 */
@RequiredArgsConstructor(access = AccessLevel.PRIVATE)
final class ImageFolderLayout {

	static final String CLASS_FOLDERS = "class-folders";

	static final String SPLIT_FOLDERS = "split-folders";

	static final int MAX_CLASSES = 256;

	private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg");

	private static final Set<String> DEBRIS = Set.of("__macosx", "thumbs.db", "desktop.ini");

	private static final String TRAIN = "train";

	private static final String TEST = "test";

	private static final int EXAMPLES = 10;

	private final String layout;

	private final List<String> classes;

	/** Images by split folder ({@code train}, {@code test}) or, with one split, under {@code ""}. */
	private final Map<String, List<Image>> images;

	private final DatasetView.Skipped skipped;

	static ImageFolderLayout of(List<ArchiveEntries.Entry> entries) {
		List<String> skippedPaths = new ArrayList<>();
		List<ArchiveEntries.Entry> kept = new ArrayList<>();
		for (ArchiveEntries.Entry entry : entries) {
			if (isDebris(entry)) {
				if (!entry.directory()) {
					skippedPaths.add(entry.path());
				}
			}
			else {
				kept.add(entry);
			}
		}
		int depth = enclosingFolder(kept) ? 1 : 0;
		boolean split = kept.stream()
			.anyMatch(entry -> !entry.directory() && entry.segments().size() >= depth + 3
					&& isSplitFolder(entry.segments().get(depth)));
		int classDepth = split ? depth + 1 : depth;
		// Class folders by split, each with its images, in path order; a folder with no image stays, to be refused.
		Map<String, Map<String, List<String>>> found = new TreeMap<>();
		for (ArchiveEntries.Entry entry : kept) {
			List<String> segments = entry.segments();
			String splitName = split && segments.size() > depth ? segments.get(depth) : "";
			boolean inSplitFolder = !split || isSplitFolder(splitName);
			boolean inClassFolder = segments.size() > classDepth + 1
					|| (entry.directory() && segments.size() == classDepth + 1);
			if (entry.directory()) {
				if (inSplitFolder && inClassFolder) {
					found.computeIfAbsent(splitName, key -> new TreeMap<>())
						.computeIfAbsent(segments.get(classDepth), key -> new ArrayList<>());
				}
				continue;
			}
			if (!isImage(entry)) {
				skippedPaths.add(entry.path());
				if (inSplitFolder && inClassFolder) {
					found.computeIfAbsent(splitName, key -> new TreeMap<>())
						.computeIfAbsent(segments.get(classDepth), key -> new ArrayList<>());
				}
				continue;
			}
			if (split && !inSplitFolder) {
				throw DatasetProblems.unacceptable("Image '" + entry.path() + "' is outside train/ and test/; an "
						+ "archive has either train/<class>/… and test/<class>/…, or <class>/… only.");
			}
			if (!inClassFolder) {
				skippedPaths.add(entry.path());
				continue;
			}
			found.computeIfAbsent(splitName, key -> new TreeMap<>())
				.computeIfAbsent(segments.get(classDepth), key -> new ArrayList<>())
				.add(entry.path());
		}
		return check(split, found, entries, skippedPaths);
	}

	private static ImageFolderLayout check(boolean split, Map<String, Map<String, List<String>>> found,
			List<ArchiveEntries.Entry> entries, List<String> skippedPaths) {
		if (split && (!found.containsKey(TRAIN) || !found.containsKey(TEST))) {
			throw DatasetProblems.unacceptable("The archive has " + (found.containsKey(TRAIN) ? "train/" : "test/")
					+ " but no " + (found.containsKey(TRAIN) ? "test/" : "train/") + " folder of classes.");
		}
		Map<String, List<String>> first = found.isEmpty() ? Map.of() : found.values().iterator().next();
		List<String> classes = List.copyOf(first.keySet());
		if (classes.size() < 2) {
			throw DatasetProblems.unacceptable("The archive has " + classes.size() + " class folder"
					+ (classes.size() == 1 ? " (" + classes.get(0) + ")" : "s")
					+ "; a classifier needs at least 2, as <class>/<image> or train/<class>/… and test/<class>/….");
		}
		if (classes.size() > MAX_CLASSES) {
			throw DatasetProblems.unacceptable("The archive has " + classes.size() + " class folders; at most "
					+ MAX_CLASSES + " are supported.");
		}
		for (Map.Entry<String, Map<String, List<String>>> splitClasses : found.entrySet()) {
			String where = splitClasses.getKey().isEmpty() ? "" : splitClasses.getKey() + "/";
			if (!splitClasses.getValue().keySet().equals(first.keySet())) {
				throw DatasetProblems.unacceptable("train/ has classes " + found.get(TRAIN).keySet()
						+ " but test/ has " + found.get(TEST).keySet() + "; both need the same class folders.");
			}
			for (Map.Entry<String, List<String>> images : splitClasses.getValue().entrySet()) {
				if (images.getValue().isEmpty()) {
					throw DatasetProblems.unacceptable("Class folder '" + where + images.getKey()
							+ "' holds no PNG or JPEG image.");
				}
			}
		}
		Map<String, ArchiveEntries.Entry> byPath = new TreeMap<>();
		entries.forEach(entry -> byPath.put(entry.path(), entry));
		Map<String, List<Image>> images = new TreeMap<>();
		for (Map.Entry<String, Map<String, List<String>>> splitClasses : found.entrySet()) {
			List<Image> list = new ArrayList<>();
			for (Map.Entry<String, List<String>> paths : splitClasses.getValue().entrySet()) {
				int label = classes.indexOf(paths.getKey());
				paths.getValue().forEach(path -> list.add(new Image(byPath.get(path), label)));
			}
			images.put(splitClasses.getKey(), List.copyOf(list));
		}
		DatasetView.Skipped skipped = new DatasetView.Skipped(skippedPaths.size(),
				skippedPaths.stream().sorted().limit(EXAMPLES).toList());
		return new ImageFolderLayout(split ? SPLIT_FOLDERS : CLASS_FOLDERS, classes, images, skipped);
	}

	String layout() {
		return layout;
	}

	List<String> classes() {
		return classes;
	}

	boolean isSplit() {
		return SPLIT_FOLDERS.equals(layout);
	}

	/** Every image, train's then test's. */
	List<Image> all() {
		return images.values().stream().flatMap(List::stream).toList();
	}

	/** The images of {@code train/} or {@code test/}; with one split, every image. */
	List<Image> images(String split) {
		return isSplit() ? images.get(split) : images.get("");
	}

	DatasetView.Skipped skipped() {
		return skipped;
	}

	/**
	 * Whether every entry is inside one folder that is not itself a split folder, with folders inside it
	 * (else that one folder is a class).
	 */
	private static boolean enclosingFolder(List<ArchiveEntries.Entry> entries) {
		String root = null;
		boolean nested = false;
		for (ArchiveEntries.Entry entry : entries) {
			List<String> segments = entry.segments();
			if (!entry.directory()) {
				nested |= segments.size() >= 3;
				if (segments.size() < 2) {
					return false;
				}
			}
			if (root == null) {
				root = segments.get(0);
			}
			else if (!root.equals(segments.get(0))) {
				return false;
			}
		}
		return nested && !isSplitFolder(root);
	}

	private static boolean isSplitFolder(String name) {
		return TRAIN.equals(name) || TEST.equals(name);
	}

	private static boolean isImage(ArchiveEntries.Entry entry) {
		String name = entry.fileName();
		int dot = name.lastIndexOf('.');
		return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
	}

	private static boolean isDebris(ArchiveEntries.Entry entry) {
		for (String segment : entry.segments()) {
			if (segment.startsWith(".") || DEBRIS.contains(segment.toLowerCase(Locale.ROOT))) {
				return true;
			}
		}
		return false;
	}

	/** An image entry and the label of its class. */
	record Image(ArchiveEntries.Entry entry, int label) {
	}

}
