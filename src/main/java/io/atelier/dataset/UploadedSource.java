package io.atelier.dataset;

import java.util.Optional;

import lombok.RequiredArgsConstructor;

/**
 * An image-folder dataset uploaded earlier, as stored on the volume.
 */
@RequiredArgsConstructor
final class UploadedSource implements DatasetSource {

	private final DatasetView view;

	private final StoredDatasets stored;

	@Override
	public String name() {
		return view.name();
	}

	@Override
	public void checkAvailable() {
		if (!stored.isComplete(view.name())) {
			throw new DatasetUnavailableException("Dataset '" + view.name()
					+ "' has lost files on the data volume; delete it and upload it again.");
		}
	}

	@Override
	public LabeledDataset load() {
		return stored.load(view);
	}

	@Override
	public Optional<DatasetView> describe() {
		return Optional.of(view);
	}

	@Override
	public boolean deletable() {
		return true;
	}

}
