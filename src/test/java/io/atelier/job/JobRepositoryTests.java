package io.atelier.job;

import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;

/** The job store on the embedded database, H2, as a single process runs it. */
@JdbcTest
@Import({ JobRepository.class, JobClaims.class, JobCompletion.class, JobStoreContract.Config.class })
class JobRepositoryTests extends JobStoreContract {

}
