package io.atelier.training;

import java.util.Locale;

/**
 * How the learning rate changes over a run, as a factor of the job's rate at each epoch. The factor
 * is fixed for a whole epoch, so a run resumed within an epoch applies the same rates.
 */
public enum Schedule {

	/** The job's rate throughout, as the seed pipeline trains. */
	CONSTANT,

	/**
	 * Cosine annealing to zero over the run, per epoch: epoch e of E trains at
	 * (1 + cos(π(e−1)/E))/2, as {@code torch.optim.lr_scheduler.CosineAnnealingLR(T_max=E, eta_min=0)}
	 * stepped once per epoch.
	 */
	COSINE,

	/**
	 * A tenth of the rate after each third of the run (epochs beyond ⌈E/3⌉ and ⌈2E/3⌉), as
	 * {@code StepLR(step_size=⌈E/3⌉, gamma=0.1)}.
	 */
	STEP;

	/** The factor of the base learning rate in {@code epoch} (1-based) of {@code epochs}. */
	public double factor(int epoch, int epochs) {
		return switch (this) {
			case CONSTANT -> 1;
			case COSINE -> (1 + Math.cos(Math.PI * (epoch - 1) / epochs)) / 2;
			case STEP -> Math.pow(0.1, (epoch - 1) / stepSize(epochs));
		};
	}

	private static int stepSize(int epochs) {
		return Math.max(1, (epochs + 2) / 3);
	}

	@Override
	public String toString() {
		return name().toLowerCase(Locale.ROOT);
	}

}
