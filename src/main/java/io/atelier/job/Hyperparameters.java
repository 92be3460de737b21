package io.atelier.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.atelier.training.Augmentation;
import io.atelier.training.OptimizerKind;
import io.atelier.training.Schedule;
import io.atelier.training.TrainingSpec;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * What a job trains and how. Every field is optional in a request; {@link #withDefaults()} fills in
 * the seed pipeline's values. Unknown fields are refused so that a typo is not silently ignored.
 *
 * @param architecture the network, {@code seed-cnn} or {@code cnn-bn}
 * @param dataset the dataset: {@code fashion-mnist}, a configured IDX dataset or an uploaded image folder
 * @param epochs passes over the training set
 * @param batchSize images per optimizer step
 * @param learningRate the optimizer's step size
 * @param optimizer {@code adam} or {@code sgd}
 * @param momentum SGD's momentum; must be left out, or 0, with Adam
 * @param seed seeds parameter initialisation and shuffling, so a job can be repeated
 * @param shuffle reshuffle the training set every epoch
 * @param trainLimit train on the first N images only, for quick runs
 * @param weightDecay decoupled weight decay (AdamW); 0, the default, for none
 * @param schedule the learning rate over the epochs: {@code constant} (default), {@code cosine}, {@code step}
 * @param augment {@code none} (default) or {@code flip-crop}
 * @param validationFraction the part of the training images held out for validation; when set, each
 *     epoch reports validation metrics and the final model is the best epoch on validation
 */
@JsonIgnoreProperties(ignoreUnknown = false)
@MomentumOnlyWithSgd
record Hyperparameters(String architecture, String dataset, @Min(1) @Max(1000) Integer epochs,
		@Min(1) @Max(60000) Integer batchSize,
		@DecimalMin(value = "0", inclusive = false) @DecimalMax("10") Double learningRate, OptimizerKind optimizer,
		@DecimalMin("0") @DecimalMax(value = "1", inclusive = false) Double momentum, @PositiveOrZero Long seed,
		Boolean shuffle, @Min(1) Integer trainLimit, @DecimalMin("0") @DecimalMax("1") Double weightDecay,
		Schedule schedule, Augmentation augment,
		@DecimalMin(value = "0", inclusive = false) @DecimalMax("0.5") Double validationFraction) {

	private static final TrainingSpec SEED = TrainingSpec.SEED_PIPELINE;

	static final Hyperparameters DEFAULTS = new Hyperparameters(SEED.architecture(), "fashion-mnist", SEED.epochs(),
			SEED.batchSize(), SEED.learningRate(), SEED.optimizer(), SEED.momentum(), SEED.seed(), SEED.shuffle(),
			null, SEED.weightDecay(), SEED.schedule(), SEED.augmentation(), null);

	static final Hyperparameters NONE = new Hyperparameters(null, null, null, null, null, null, null, null, null,
			null, null, null, null, null);

	Hyperparameters withDefaults() {
		return new Hyperparameters(or(architecture, DEFAULTS.architecture), or(dataset, DEFAULTS.dataset),
				or(epochs, DEFAULTS.epochs), or(batchSize, DEFAULTS.batchSize),
				or(learningRate, DEFAULTS.learningRate), or(optimizer, DEFAULTS.optimizer),
				or(momentum, DEFAULTS.momentum), or(seed, DEFAULTS.seed), or(shuffle, DEFAULTS.shuffle), trainLimit,
				or(weightDecay, DEFAULTS.weightDecay), or(schedule, DEFAULTS.schedule), or(augment, DEFAULTS.augment),
				validationFraction);
	}

	/** What the engine trains, from hyperparameters with their defaults filled in. */
	TrainingSpec spec() {
		return new TrainingSpec(architecture, epochs, batchSize, learningRate, optimizer, momentum, seed, shuffle,
				trainLimit == null ? TrainingSpec.ALL : trainLimit, weightDecay, schedule, augment,
				validationFraction == null ? 0 : validationFraction);
	}

	private static <T> T or(T value, T fallback) {
		return value != null ? value : fallback;
	}

}
