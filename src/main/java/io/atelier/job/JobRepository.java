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
import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Job records in the relational database: one row per job, one per finished epoch.
 */
@Repository
class JobRepository {

	private static final String COLUMNS = "id, state, hyperparameters, evaluation, error, cancel_requested, "
			+ "created_at, started_at, finished_at";

	private final JdbcClient jdbc;

	private final JsonMapper json;

	JobRepository(JdbcClient jdbc, JsonMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

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

	boolean markRunning(String id, Instant startedAt) {
		return jdbc.sql("UPDATE jobs SET state = 'RUNNING', started_at = ? WHERE id = ? AND state = 'QUEUED'")
			.params(time(startedAt), id)
			.update() == 1;
	}

	void addEpoch(String id, EpochResult epoch) {
		jdbc.sql("INSERT INTO job_epochs (job_id, epoch, train_loss, train_accuracy, test_loss, test_accuracy, "
				+ "seconds, evaluation_seconds, samples_per_second) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
			.params(id, epoch.epoch(), epoch.trainLoss(), epoch.trainAccuracy(), epoch.testLoss(),
					epoch.testAccuracy(), epoch.seconds(), epoch.evaluationSeconds(), epoch.samplesPerSecond())
			.update();
	}

	/** Records an epoch that a checkpoint holds but the database missed, as a crash between the two leaves it. */
	void addEpochIfMissing(String id, EpochResult epoch) {
		boolean present = jdbc.sql("SELECT COUNT(*) FROM job_epochs WHERE job_id = ? AND epoch = ?")
			.params(id, epoch.epoch())
			.query(Integer.class)
			.single() > 0;
		if (!present) {
			addEpoch(id, epoch);
		}
	}

	/** Queues an interrupted job again, recording from where it will resume; false if it was not running. */
	@Transactional
	boolean requeue(String id, Resumption resumption) {
		if (jdbc.sql("UPDATE jobs SET state = 'QUEUED' WHERE id = ? AND state = 'RUNNING'").param(id).update() != 1) {
			return false;
		}
		int attempt = jdbc.sql("SELECT COUNT(*) FROM job_resumes WHERE job_id = ?").param(id).query(Integer.class)
			.single() + 1;
		jdbc.sql("INSERT INTO job_resumes (job_id, attempt, resumed_at, from_epoch, from_batch, reason) "
				+ "VALUES (?, ?, ?, ?, ?, ?)")
			.params(id, attempt, time(resumption.at()), resumption.fromEpoch(), resumption.fromBatch(),
					resumption.reason().length() <= 500 ? resumption.reason() : resumption.reason().substring(0, 500))
			.update();
		return true;
	}

	/** Ends a job that has not ended yet; false when it already had. */
	boolean finish(String id, JobState state, String error, Evaluation evaluation, Instant finishedAt) {
		return jdbc.sql("UPDATE jobs SET state = ?, error = ?, evaluation = ?, finished_at = ? "
				+ "WHERE id = ? AND state IN ('QUEUED', 'RUNNING')")
			.params(state.name(), truncate(error), evaluation == null ? null : json.writeValueAsString(evaluation),
					time(finishedAt), id)
			.update() == 1;
	}

	void requestCancel(String id) {
		jdbc.sql("UPDATE jobs SET cancel_requested = TRUE WHERE id = ?").param(id).update();
	}

	/** Its epochs and resumptions go with it: the schema cascades. */
	void delete(String id) {
		jdbc.sql("DELETE FROM jobs WHERE id = ?").param(id).update();
	}

	private List<JobRecord> withHistory(List<JobRecord> jobs) {
		if (jobs.isEmpty()) {
			return jobs;
		}
		List<String> ids = jobs.stream().map(JobRecord::id).toList();
		Map<String, List<EpochResult>> history = epochs(ids);
		Map<String, List<Resumption>> resumes = resumes(ids);
		return jobs.stream()
			.map(job -> new JobRecord(job.id(), job.state(), job.hyperparameters(),
					history.getOrDefault(job.id(), List.of()), resumes.getOrDefault(job.id(), List.of()),
					job.evaluation(), job.error(), job.cancelRequested(), job.createdAt(), job.startedAt(),
					job.finishedAt()))
			.toList();
	}

	private Map<String, List<Resumption>> resumes(Collection<String> ids) {
		String placeholders = ids.stream().map(id -> "?").collect(Collectors.joining(", "));
		record Row(String jobId, Resumption resumption) {
		}
		return jdbc.sql("SELECT * FROM job_resumes WHERE job_id IN (" + placeholders + ") ORDER BY attempt")
			.params(List.copyOf(ids))
			.query((rs, n) -> new Row(rs.getString("job_id"), new Resumption(instant(rs, "resumed_at"),
					rs.getInt("from_epoch"), rs.getInt("from_batch"), rs.getString("reason"))))
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
							rs.getDouble("evaluation_seconds"), rs.getDouble("samples_per_second"))))
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
				instant(rs, "finished_at"));
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
