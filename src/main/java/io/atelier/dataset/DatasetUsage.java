package io.atelier.dataset;

import java.util.List;

/**
 * Who still needs a dataset. The job module implements it, so that a dataset is not deleted under a
 * queued or running job, without this module knowing of jobs.
 */
public interface DatasetUsage {

	/** The ids of queued or running jobs that train on {@code dataset}. */
	List<String> activeJobs(String dataset);

}
