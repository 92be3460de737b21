package io.atelier.job;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.atelier.training.EpochResult;
import lombok.RequiredArgsConstructor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Live events of jobs that another process runs: a replica whose clients follow such a job reads it
 * from the database every heartbeat interval and sends what changed (progress as its worker last
 * reported it, finished epochs, the end), so the stream is the same on every replica.
 */
@Component
@RequiredArgsConstructor
class RemoteJobEvents {

	private static final Logger log = LoggerFactory.getLogger(RemoteJobEvents.class);

	private final JobEvents events;

	private final JobRepository jobs;

	private final JobWorker worker;

	private final JobViews views;

	private final Map<String, Seen> seen = new ConcurrentHashMap<>();

	@Scheduled(fixedDelayString = "${atelier.jobs.heartbeat-interval:2s}")
	void poll() {
		seen.keySet().retainAll(events.followed());
		for (String id : events.followed()) {
			if (worker.progress(id).isPresent()) {
				// Run here: the runner sends its events itself, and all of them but the end stay its to send.
				seen.put(id, Seen.LOCAL);
				continue;
			}
			try {
				jobs.findById(id).ifPresent(this::sendChanges);
			}
			catch (DataAccessException ex) {
				log.warn("Could not read job {} for its followers: {}", id, ex.getMessage());
			}
		}
	}

	private void sendChanges(JobRecord job) {
		Seen before = seen.getOrDefault(job.id(), new Seen(job.history().size(), job.position()));
		for (EpochResult epoch : job.history().subList(Math.min(before.epochs(), job.history().size()),
				job.history().size())) {
			events.epoch(job.id(), epoch);
		}
		if (job.state().isTerminal()) {
			events.ended(new JobFinished(job.id(), job.state(), job.error()));
			seen.remove(job.id());
			return;
		}
		if (job.position() != null && !job.position().equals(before.position())) {
			events.progress(job.id(), views.of(job).progress());
		}
		seen.put(job.id(), new Seen(job.history().size(), job.position()));
	}

	/** What followers here have been sent of a job. */
	private record Seen(int epochs, JobRecord.Position position) {

		static final Seen LOCAL = new Seen(Integer.MAX_VALUE, null);

	}

}
