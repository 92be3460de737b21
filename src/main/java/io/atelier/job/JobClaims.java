package io.atelier.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import lombok.RequiredArgsConstructor;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How a worker takes the next job from the database: the oldest queued one, or one whose worker
 * stopped renewing its lease. Locking skips rows another worker is claiming, so no job is claimed twice
 * and no worker waits for another. A job that has lost its worker {@code max-attempts} times, or whose
 * cancel was asked while its worker was gone, is ended instead.
 */
@Component
@RequiredArgsConstructor
class JobClaims {

	private final JobRepository jobs;

	private final JobCompletion completion;

	private final TransactionTemplate transactions;

	private final JobProperties properties;

	Optional<Claim> next(String worker) {
		List<Runnable> ended = new ArrayList<>();
		Optional<Claim> claim;
		do {
			claim = transactions.execute(status -> claimOrEnd(worker, ended));
		}
		while (claim == null);
		// Listeners hear of a job's end only once the transaction that ended it has committed.
		ended.forEach(Runnable::run);
		return claim;
	}

	/** The claim, empty when nothing is claimable, or null when the job locked was ended instead. */
	private Optional<Claim> claimOrEnd(String worker, List<Runnable> ended) {
		Optional<JobRepository.Claimable> next = jobs.lockNextClaimable();
		if (next.isEmpty()) {
			return Optional.empty();
		}
		JobRepository.Claimable job = next.get();
		Instant now = jobs.databaseNow();
		int lostLeases = job.lostLeases() + (job.abandoned() ? 1 : 0);
		String end = endInstead(job, lostLeases);
		if (end != null) {
			JobState state = job.cancelRequested() ? JobState.CANCELLED : JobState.FAILED;
			jobs.finish(job.id(), state, end, null, now);
			ended.add(() -> completion.announce(job.id(), state, end));
			return null;
		}
		int attempt = jobs.claim(job, worker, lostLeases, now.plus(properties.leaseDuration()), now);
		JobRecord record = jobs.findById(job.id()).orElseThrow();
		return Optional.of(new Claim(record, new Lease(job.id(), attempt), job.worker(), job.abandoned()));
	}

	private String endInstead(JobRepository.Claimable job, int lostLeases) {
		if (job.cancelRequested()) {
			return "Cancelled while its worker " + job.worker() + " was gone. Its last checkpoint is kept.";
		}
		if (job.abandoned() && lostLeases >= properties.maxAttempts()) {
			return "Its worker stopped while running it " + lostLeases + " times (the last was " + job.worker()
					+ "), atelier.jobs.max-attempts is " + properties.maxAttempts()
					+ ": it may be what stops them. Its last checkpoint is kept.";
		}
		if (job.attempt() > 0 && properties.onRestart() == JobProperties.OnRestart.FAIL) {
			return "Interrupted: its worker " + job.worker()
					+ " stopped while running it, and atelier.jobs.on-restart is FAIL. Its last checkpoint is kept.";
		}
		return null;
	}

}
