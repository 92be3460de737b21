package io.atelier.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.atelier.training.EpochResult;
import io.atelier.training.Evaluation;
import lombok.RequiredArgsConstructor;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Job records in the relational database: one row per job, one per finished epoch.
 */
@Repository
@RequiredArgsConstructor
class JobRepository {

	private static final String COLUMNS = "id, state, hyperparameters, evaluation, error, cancel_requested, "
			+ "created_at, started_at, finished_at, worker, attempt, progress_epoch, progress_batch, progress_batches";

	/** What a worker may claim: a queued job, or a running one whose worker stopped renewing its lease. */
	private static final String CLAIMABLE = "state = 'QUEUED' OR (state = 'RUNNING' AND (lease_expires_at IS NULL "
			+ "OR lease_expires_at < CURRENT_TIMESTAMP))";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	void insert(JobRecord job) {
		jdbc.sql("INSERT INTO jobs (id, state, hyperparameters, created_at) VALUES (?, ?, ?, ?)")
			.params(job.id(), job.state().name(), json.writeValueAsString(job.hyperparameters()),
					time(job.createdAt()))
			.update();
	}

	Optional<JobRecord> findById(String id) {
		return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE id = ?")
			.param(id)
			.query(this::row)
			.optional()
			.map(job -> withHistory(List.of(job)).get(0));
	}

	/** Newest first. */
	List<JobRecord> page(int offset, int limit) {
		List<JobRecord> jobs = jdbc.sql("SELECT " + COLUMNS + " FROM jobs ORDER BY seq DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY")
			.params(offset, limit)
			.query(this::row)
			.list();
		return withHistory(jobs);
	}

	int countByState(JobState state) {
		return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE state = ?").param(state.name()).query(Integer.class).single();
	}

	long count() {
		return jdbc.sql("SELECT COUNT(*) FROM jobs").query(Long.class).single();
	}

	/** Oldest first, the order they were submitted in. */
	List<JobRecord> findByState(JobState state) {
		return withHistory(jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE state = ? ORDER BY seq")
			.param(state.name())
			.query(this::row)
			.list());
	}

	/** Records a finished epoch, if the attempt still holds the job; false if it does not. */
	boolean addEpoch(Lease lease, EpochResult epoch) {
		return jdbc.sql("INSERT INTO job_epochs (job_id, epoch, train_loss, train_accuracy, test_loss, test_accuracy, "
				+ "seconds, evaluation_seconds, samples_per_second, validation_loss, validation_accuracy) "
				+ "SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM jobs WHERE id = ? AND attempt = ? AND state = 'RUNNING'")
			.params(epoch.epoch(), epoch.trainLoss(), epoch.trainAccuracy(), epoch.testLoss(), epoch.testAccuracy(),
					epoch.seconds(), epoch.evaluationSeconds(), epoch.samplesPerSecond(), epoch.validationLoss(),
					epoch.validationAccuracy(), lease.jobId(), lease.attempt())
			.update() == 1;
	}

	/**
	 * Points the job at its newest epoch checkpoint, which supersedes any resume point, as the attempt
	 * that holds it; false if it no longer does.
	 */
	boolean pointToCheckpoint(Lease lease, String location) {
		return jdbc.sql("UPDATE jobs SET checkpoint_location = ?, resume_location = NULL "
				+ "WHERE id = ? AND attempt = ? AND state = 'RUNNING'")
			.params(location, lease.jobId(), lease.attempt())
			.update() == 1;
	}

	/** Points the job at where it stopped within an epoch, as the attempt that holds it; false if it no longer does. */
	boolean pointToResumePoint(Lease lease, String location) {
		return jdbc.sql("UPDATE jobs SET resume_location = ? WHERE id = ? AND attempt = ? AND state = 'RUNNING'")
			.params(location, lease.jobId(), lease.attempt())
			.update() == 1;
	}

	/** Points the job at its best epoch on validation so far, as the attempt that holds it; false if it no longer does. */
	boolean pointToBest(Lease lease, String location) {
		return jdbc.sql("UPDATE jobs SET best_location = ? WHERE id = ? AND attempt = ? AND state = 'RUNNING'")
			.params(location, lease.jobId(), lease.attempt())
			.update() == 1;
	}

	/** Where the job continues from, as far as its record says. */
	ResumeLocations resumeLocations(String id) {
		return jdbc.sql("SELECT checkpoint_location, resume_location, best_location FROM jobs WHERE id = ?")
			.param(id)
			.query((rs, n) -> new ResumeLocations(rs.getString("checkpoint_location"), rs.getString("resume_location"),
					rs.getString("best_location")))
			.optional()
			.orElse(ResumeLocations.NONE);
	}

	/** Records an epoch that a checkpoint holds but the database missed, as a crash between the two leaves it. */
	boolean addEpochIfMissing(Lease lease, EpochResult epoch) {
		boolean present = jdbc.sql("SELECT COUNT(*) FROM job_epochs WHERE job_id = ? AND epoch = ?")
			.params(lease.jobId(), epoch.epoch())
			.query(Integer.class)
			.single() > 0;
		return present || addEpoch(lease, epoch);
	}

	/** The database's clock, which times every lease: the workers' clocks may disagree with it and each other. */
	Instant databaseNow() {
		return jdbc.sql("SELECT CURRENT_TIMESTAMP").query(OffsetDateTime.class).single().toInstant();
	}

	/**
	 * Locks the oldest job a worker may claim, skipping those another worker is claiming at this
	 * moment; to be called in the transaction that then claims or ends it.
	 */
	Optional<Claimable> lockNextClaimable() {
		return jdbc.sql("SELECT id, state, worker, attempt, lost_leases, cancel_requested FROM jobs WHERE " + CLAIMABLE
				+ " ORDER BY seq FETCH FIRST 1 ROWS ONLY FOR UPDATE SKIP LOCKED")
			.query((rs, n) -> new Claimable(rs.getString("id"), JobState.valueOf(rs.getString("state")),
					rs.getString("worker"), rs.getInt("attempt"), rs.getInt("lost_leases"),
					rs.getBoolean("cancel_requested")))
			.optional();
	}

	/** Gives a locked job to a worker, as its next attempt, leased until {@code leaseExpires}. */
	int claim(Claimable job, String worker, int lostLeases, Instant leaseExpires, Instant now) {
		int attempt = job.attempt() + 1;
		jdbc.sql("UPDATE jobs SET state = 'RUNNING', worker = ?, attempt = ?, lost_leases = ?, lease_expires_at = ?, "
				+ "started_at = COALESCE(started_at, ?) WHERE id = ?")
			.params(worker, attempt, lostLeases, time(leaseExpires), time(now), job.id())
			.update();
		return attempt;
	}

	/** Hands a job back to the queue at shutdown, for any worker to resume; false if the attempt had lost it. */
	boolean release(Lease lease) {
		return jdbc.sql("UPDATE jobs SET state = 'QUEUED', lease_expires_at = NULL "
				+ "WHERE id = ? AND attempt = ? AND state = 'RUNNING'")
			.params(lease.jobId(), lease.attempt())
			.update() == 1;
	}

	/** Every running job's lease ends now: on an embedded database, this process was the only worker. */
	int expireLeases() {
		return jdbc.sql("UPDATE jobs SET lease_expires_at = NULL WHERE state = 'RUNNING'").update();
	}

	/** The leases a worker of this name held end now: a restarted worker gives up what its earlier life held. */
	int expireLeases(String worker) {
		return jdbc.sql("UPDATE jobs SET lease_expires_at = NULL WHERE state = 'RUNNING' AND worker = ?")
			.param(worker)
			.update();
	}

	/** Records a resumption of the attempt that holds the job; false if it no longer does. */
	boolean addResumption(Lease lease, Resumption resumption) {
		int attempt = jdbc.sql("SELECT COUNT(*) FROM job_resumes WHERE job_id = ?").param(lease.jobId())
			.query(Integer.class).single() + 1;
		return jdbc.sql("INSERT INTO job_resumes (job_id, attempt, resumed_at, from_epoch, from_batch, reason, worker) "
				+ "SELECT id, ?, ?, ?, ?, ?, ? FROM jobs WHERE id = ? AND attempt = ? AND state = 'RUNNING'")
			.params(attempt, time(resumption.at()), resumption.fromEpoch(), resumption.fromBatch(),
					resumption.reason().length() <= 500 ? resumption.reason() : resumption.reason().substring(0, 500),
					resumption.worker(), lease.jobId(), lease.attempt())
			.update() == 1;
	}

	/** Ends a job that has not ended yet; false when it already had. */
	boolean finish(String id, JobState state, String error, Evaluation evaluation, Instant finishedAt) {
		return jdbc.sql("UPDATE jobs SET state = ?, error = ?, evaluation = ?, finished_at = ?, lease_expires_at = NULL "
				+ "WHERE id = ? AND state IN ('QUEUED', 'RUNNING')")
			.params(state.name(), truncate(error), evaluation == null ? null : json.writeValueAsString(evaluation),
					time(finishedAt), id)
			.update() == 1;
	}

	/** Ends a job that no worker has claimed; false when one has, or it had ended. */
	boolean finishQueued(String id, JobState state, String error, Instant finishedAt) {
		return jdbc.sql("UPDATE jobs SET state = ?, error = ?, finished_at = ? WHERE id = ? AND state = 'QUEUED'")
			.params(state.name(), truncate(error), time(finishedAt), id)
			.update() == 1;
	}

	/** Ends a job as the attempt that holds it; false if it no longer does. */
	boolean finish(Lease lease, JobState state, String error, Evaluation evaluation, Instant finishedAt) {
		return jdbc.sql("UPDATE jobs SET state = ?, error = ?, evaluation = ?, finished_at = ?, lease_expires_at = NULL "
				+ "WHERE id = ? AND attempt = ? AND state = 'RUNNING'")
			.params(state.name(), truncate(error), evaluation == null ? null : json.writeValueAsString(evaluation),
					time(finishedAt), lease.jobId(), lease.attempt())
			.update() == 1;
	}

	void requestCancel(String id) {
		jdbc.sql("UPDATE jobs SET cancel_requested = TRUE WHERE id = ?").param(id).update();
	}

	/** Its epochs and resumptions go with it: the schema cascades. */
	void delete(String id) {
		jdbc.sql("DELETE FROM jobs WHERE id = ?").param(id).update();
	}

	/**
	 * A job a worker may claim, as it was when locked.
	 *
	 * @param worker the worker of its last attempt, if any
	 * @param lostLeases how many attempts ended with their worker gone
	 */
	record Claimable(String id, JobState state, String worker, int attempt, int lostLeases, boolean cancelRequested) {

		/** Whether its last worker stopped renewing the lease, rather than handing the job back. */
		boolean abandoned() {
			return state == JobState.RUNNING;
		}

	}

	private List<JobRecord> withHistory(List<JobRecord> jobs) {
		if (jobs.isEmpty()) {
			return jobs;
		}
		List<String> ids = jobs.stream().map(JobRecord::id).toList();
		Map<String, List<EpochResult>> history = epochs(ids);
		Map<String, List<Resumption>> resumes = resumes(ids);
		return jobs.stream()
			.map(job -> job.with(history.getOrDefault(job.id(), List.of()), resumes.getOrDefault(job.id(), List.of())))
			.toList();
	}

	private Map<String, List<Resumption>> resumes(Collection<String> ids) {
		String placeholders = ids.stream().map(id -> "?").collect(Collectors.joining(", "));
		record Row(String jobId, Resumption resumption) {
		}
		return jdbc.sql("SELECT * FROM job_resumes WHERE job_id IN (" + placeholders + ") ORDER BY attempt")
			.params(List.copyOf(ids))
			.query((rs, n) -> new Row(rs.getString("job_id"), new Resumption(instant(rs, "resumed_at"),
					rs.getInt("from_epoch"), rs.getInt("from_batch"), rs.getString("reason"),
					rs.getString("worker"))))
			.list()
			.stream()
			.collect(Collectors.groupingBy(Row::jobId, Collectors.mapping(Row::resumption, Collectors.toList())));
	}

	private Map<String, List<EpochResult>> epochs(Collection<String> ids) {
		String placeholders = ids.stream().map(id -> "?").collect(Collectors.joining(", "));
		record Row(String jobId, EpochResult epoch) {
		}
		return jdbc.sql("SELECT * FROM job_epochs WHERE job_id IN (" + placeholders + ") ORDER BY epoch")
			.params(List.copyOf(ids))
			.query((rs, n) -> new Row(rs.getString("job_id"),
					new EpochResult(rs.getInt("epoch"), rs.getDouble("train_loss"), rs.getDouble("train_accuracy"),
							rs.getDouble("test_loss"), rs.getDouble("test_accuracy"), rs.getDouble("seconds"),
							rs.getDouble("evaluation_seconds"), rs.getDouble("samples_per_second"),
							rs.getObject("validation_loss", Double.class),
							rs.getObject("validation_accuracy", Double.class))))
			.list()
			.stream()
			.collect(Collectors.groupingBy(Row::jobId, Collectors.mapping(Row::epoch, Collectors.toList())));
	}

	private JobRecord row(ResultSet rs, int rowNum) throws SQLException {
		String evaluation = rs.getString("evaluation");
		return new JobRecord(rs.getString("id"), JobState.valueOf(rs.getString("state")),
				json.readValue(rs.getString("hyperparameters"), Hyperparameters.class), List.of(), List.of(),
				evaluation == null ? null : json.readValue(evaluation, Evaluation.class), rs.getString("error"),
				rs.getBoolean("cancel_requested"), instant(rs, "created_at"), instant(rs, "started_at"),
				instant(rs, "finished_at"), rs.getString("worker"), rs.getInt("attempt"), position(rs));
	}

	private static JobRecord.Position position(ResultSet rs) throws SQLException {
		int epoch = rs.getInt("progress_epoch");
		return rs.wasNull() ? null
				: new JobRecord.Position(epoch, rs.getInt("progress_batch"), rs.getInt("progress_batches"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return value == null ? null : value.toInstant();
	}

	private static OffsetDateTime time(Instant instant) {
		return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
	}

	private static String truncate(String text) {
		return text == null || text.length() <= 4000 ? text : text.substring(0, 3997) + "...";
	}

}
