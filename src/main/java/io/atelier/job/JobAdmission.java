package io.atelier.job;

import io.atelier.dataset.DatasetRegistry;
import io.atelier.dataset.DatasetUnavailableException;
import io.atelier.dataset.LabeledDataset;
import io.atelier.network.Architecture;
import lombok.RequiredArgsConstructor;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Decides whether a well-formed request is a job this service can run: a known architecture, a
 * dataset that is there and readable, and no more training than one job may do.
 */
@Component
@RequiredArgsConstructor
class JobAdmission {

	private static final String INVALID = "Invalid hyperparameters";

	private final DatasetRegistry datasets;

	private final JobProperties properties;

	/** The request with every default filled in, or an {@link InvalidJobException} saying which field is wrong. */
	Hyperparameters admit(Hyperparameters request) {
		Hyperparameters hyperparameters = request.withDefaults();
		if (Architecture.byId(hyperparameters.architecture()).isEmpty()) {
			throw new InvalidJobException(HttpStatus.BAD_REQUEST, INVALID, "architecture",
					hyperparameters.architecture(), "Unknown architecture; known: " + Architecture.ids());
		}
		if (!datasets.names().contains(hyperparameters.dataset())) {
			throw new InvalidJobException(HttpStatus.BAD_REQUEST, INVALID, "dataset", hyperparameters.dataset(),
					"Unknown dataset; known: " + datasets.names());
		}
		LabeledDataset dataset;
		try {
			// Reads and verifies the data on the first submission only (0.6 s for Fashion-MNIST); the job
			// would wait for the same load, and a missing or corrupt dataset is refused here, not later.
			dataset = datasets.get(hyperparameters.dataset());
		}
		catch (DatasetUnavailableException ex) {
			throw new InvalidJobException(HttpStatus.CONFLICT, "Dataset unavailable", "dataset",
					hyperparameters.dataset(), ex.getMessage());
		}
		Architecture architecture = Architecture.byId(hyperparameters.architecture()).orElseThrow();
		int side = Math.min(dataset.train().rows(), dataset.train().cols());
		if (side < architecture.minimumSide()) {
			throw new InvalidJobException(HttpStatus.BAD_REQUEST, INVALID, "dataset", hyperparameters.dataset(),
					"Its images are " + dataset.train().rows() + "x" + dataset.train().cols() + "; " + architecture.id()
							+ " needs at least " + architecture.minimumSide() + " pixels a side");
		}
		int available = dataset.train().count();
		long images = (long) hyperparameters.epochs() * Math.min(hyperparameters.spec().trainLimit(), available);
		if (images > properties.maxTrainingImages()) {
			throw new InvalidJobException(HttpStatus.BAD_REQUEST, INVALID, "epochs", hyperparameters.epochs(),
					"epochs x training images = " + images + ", more than the " + properties.maxTrainingImages()
							+ " one job may train on (atelier.jobs.max-training-images)");
		}
		if (hyperparameters.validationFraction() != null) {
			long trained = Math.min(hyperparameters.spec().trainLimit(), available);
			long held = Math.round(trained * hyperparameters.validationFraction());
			if (held < 1 || held >= trained) {
				throw new InvalidJobException(HttpStatus.BAD_REQUEST, INVALID, "validationFraction",
						hyperparameters.validationFraction(), "Holds out " + held + " of the " + trained
								+ " training images; at least one must be held out and one left to train on");
			}
		}
		return hyperparameters;
	}

}
