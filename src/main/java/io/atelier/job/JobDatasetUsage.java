package io.atelier.job;

import java.util.List;
import java.util.stream.Stream;

import io.atelier.dataset.DatasetUsage;
import lombok.RequiredArgsConstructor;

import org.springframework.stereotype.Component;

/**
 * Tells the dataset module which jobs still need a dataset: those queued or running, as the database
 * records them (a job queued before a restart is queued still).
 */
@Component
@RequiredArgsConstructor
class JobDatasetUsage implements DatasetUsage {

	private final JobRepository jobs;

	@Override
	public List<String> activeJobs(String dataset) {
		return Stream.of(JobState.QUEUED, JobState.RUNNING)
			.flatMap(state -> jobs.findByState(state).stream())
			.filter(job -> dataset.equals(job.hyperparameters().dataset()))
			.map(JobRecord::id)
			.toList();
	}

}
