package io.atelier.job;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;

import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Renews the leases of the jobs this worker runs, on a connection of its own: a pool busy with API
 * requests or a long query must not cost a worker its jobs. A renewal also records where the job is
 * and reads whether a cancel was asked, wherever it was asked.
 */
@Component
class JobLeases {

	private final HikariDataSource dataSource;

	private final JdbcClient jdbc;

	private final JobProperties properties;

	JobLeases(DataSource main, JobProperties properties) {
		this.dataSource = DataSourceBuilder.derivedFrom(main).type(HikariDataSource.class).build();
		this.dataSource.setPoolName("atelier-leases");
		this.dataSource.setMaximumPoolSize(1);
		this.dataSource.setMinimumIdle(0);
		// A renewal that cannot get its connection in time is a lost heartbeat, not a stuck worker.
		this.dataSource.setConnectionTimeout(Math.max(250, properties.heartbeatInterval().toMillis()));
		this.jdbc = JdbcClient.create(dataSource);
		this.properties = properties;
	}

	/**
	 * Extends the lease by {@code atelier.jobs.lease-duration} from the database's now, if the attempt
	 * still holds the job.
	 */
	Renewal renew(Lease lease, JobRecord.Position position) {
		OffsetDateTime now = jdbc.sql("SELECT CURRENT_TIMESTAMP").query(OffsetDateTime.class).single();
		Instant expires = now.toInstant().plus(properties.leaseDuration());
		boolean held = jdbc.sql("UPDATE jobs SET lease_expires_at = ?, progress_epoch = ?, progress_batch = ?, "
				+ "progress_batches = ? WHERE id = ? AND attempt = ? AND state = 'RUNNING'")
			.params(expires.atOffset(ZoneOffset.UTC), position == null ? null : position.epoch(),
					position == null ? null : position.batch(), position == null ? null : position.batchesPerEpoch(),
					lease.jobId(), lease.attempt())
			.update() == 1;
		boolean cancel = held && jdbc.sql("SELECT cancel_requested FROM jobs WHERE id = ?")
			.param(lease.jobId())
			.query(Boolean.class)
			.single();
		return new Renewal(held, cancel);
	}

	@PreDestroy
	void close() {
		dataSource.close();
	}

	/**
	 * @param held whether the attempt still holds the job
	 * @param cancelRequested whether a cancel of the job was asked
	 */
	record Renewal(boolean held, boolean cancelRequested) {
	}

}
