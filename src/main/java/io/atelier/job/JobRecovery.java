package io.atelier.job;

import java.sql.DatabaseMetaData;

import javax.sql.DataSource;

import io.atelier.store.CheckpointStore;
import io.atelier.system.AtelierProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Before this worker claims anything: jobs left running by an earlier life of it are given up at once,
 * rather than after their leases run out. On an embedded database this process is the only worker
 * there is, so every running job is such a one, and what a crash left half-written on the volume is
 * cleared; on a shared database other workers may be writing, and their jobs are left to their leases.
 * It runs before the web server takes requests: a job submitted earlier could otherwise lose its
 * checkpoint in the making to that clean-up.
 */
@Component
class JobRecovery implements SmartLifecycle {

	/** The web server starts 1024 phases after graceful shutdown's phase; this comes first. */
	static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 2048;

	private static final Logger log = LoggerFactory.getLogger(JobRecovery.class);

	private final JobRepository jobs;

	private final CheckpointStore store;

	private final boolean embedded;

	private final boolean runsJobs;

	private final String workerId;

	private volatile boolean recovered;

	JobRecovery(JobRepository jobs, CheckpointStore store, DataSource dataSource, AtelierProperties atelier,
			WorkerProperties worker) {
		this.jobs = jobs;
		this.store = store;
		this.embedded = inProcess(dataSource);
		this.runsJobs = atelier.role().runsJobs();
		this.workerId = worker.id();
	}

	/** H2 in a file or in memory, not through a server: then no other process can be a worker on it. */
	private static boolean inProcess(DataSource dataSource) {
		try {
			String url = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getURL);
			return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:");
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Cannot tell which database the jobs are in", ex);
		}
	}

	@Override
	public void start() {
		if (runsJobs) {
			if (embedded) {
				store.removeIncomplete();
			}
			int orphans = embedded ? jobs.expireLeases() : jobs.expireLeases(workerId);
			if (orphans > 0) {
				log.info("{} job(s) were running when this worker last stopped; they resume now", orphans);
			}
		}
		recovered = true;
	}

	@Override
	public void stop() {
		// Running jobs are stopped by the worker when the context closes, after the web server has drained.
	}

	@Override
	public boolean isRunning() {
		return recovered;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
