package io.atelier.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Uploaded datasets on the volume: published whole, found again after a restart, removed whole, and
 * what an interrupted upload or deletion left cleaned away.
 */
class StoredDatasetsTests {

	@TempDir
	Path tmp;

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void aCommittedDatasetIsFoundAgainAfterARestartAndLoadsAsStored() throws IOException {
		StoredDatasets stored = new StoredDatasets(tmp, json);
		DatasetView view = stage(stored, "shapes");
		StoredDatasets restarted = new StoredDatasets(tmp, json);
		assertThat(restarted.open()).containsExactly(view);
		assertThat(restarted.isComplete("shapes")).isTrue();
		LabeledDataset dataset = restarted.load(view);
		assertThat(dataset.classNames()).isEqualTo(ImageFolderZips.SHAPES);
		assertThat(dataset.train().count() + dataset.test().count()).isEqualTo(15);
	}

	@Test
	void aNameTakenOnTheVolumeIsNotOverwritten() throws IOException {
		StoredDatasets stored = new StoredDatasets(tmp, json);
		stage(stored, "shapes");
		Path staging = stored.stage();
		DatasetView second = new ImageFolderImport(limits()).run(archive(), staging,
				new ImageFolderImport.Request("shapes", 8, 8, 1, null, null));
		assertThat(stored.commit(staging, second)).isFalse();
		assertThat(new StoredDatasets(tmp, json).open()).singleElement()
			.satisfies(view -> assertThat(view.input().height()).isEqualTo(16));
	}

	@Test
	void leftoversOfInterruptedUploadsAndDeletionsAreRemovedAtTheNextStart() throws IOException {
		StoredDatasets stored = new StoredDatasets(tmp, json);
		stage(stored, "kept");
		Path staging = stored.stage();
		Files.write(staging.resolve("upload.zip"), new byte[10]);
		Path deleting = Files.createDirectories(uploads().resolve(".deleting-123"));
		assertThat(new StoredDatasets(tmp, json).open()).extracting(DatasetView::name).containsExactly("kept");
		assertThat(staging).doesNotExist();
		assertThat(deleting).doesNotExist();
	}

	@Test
	void aDeletedDatasetIsGoneWholeAndOneMissingFilesIsNotComplete() throws IOException {
		StoredDatasets stored = new StoredDatasets(tmp, json);
		DatasetView view = stage(stored, "gone");
		stage(stored, "broken");
		stored.delete("gone");
		assertThat(uploads().resolve("gone")).doesNotExist();
		try (var left = Files.list(uploads())) {
			assertThat(left.map(path -> path.getFileName().toString())).containsExactly("broken");
		}
		Files.delete(uploads().resolve("broken").resolve(ImageFolderImport.TEST_LABELS));
		assertThat(stored.isComplete("broken")).isFalse();
		assertThatThrownBy(() -> stored.load(view)).isInstanceOf(DatasetUnavailableException.class)
			.hasMessageContaining("upload it again");
	}

	private DatasetView stage(StoredDatasets stored, String name) throws IOException {
		Path staging = stored.stage();
		DatasetView view = new ImageFolderImport(limits()).run(archive(), staging,
				new ImageFolderImport.Request(name, null, null, null, null, null));
		assertThat(stored.commit(staging, view)).isTrue();
		assertThat(staging).doesNotExist();
		return view;
	}

	private Path archive() throws IOException {
		return Files.write(tmp.resolve("upload.zip"), ImageFolderZips.shapes(5, 16, 16, 2));
	}

	private Path uploads() {
		return tmp.resolve("datasets").resolve("uploads");
	}

	private static DatasetProperties.Uploads limits() {
		return new DatasetProperties.Uploads(1000, DataSize.ofMegabytes(50), 1_000_000, 512, DataSize.ofMegabytes(10),
				0.2);
	}

}
