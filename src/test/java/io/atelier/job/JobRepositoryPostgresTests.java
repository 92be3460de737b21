package io.atelier.job;

import io.atelier.testing.Need;
import io.atelier.testing.PostgresServer;
import io.atelier.testing.Requires;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The job store on a real PostgreSQL, as replicas and workers share it. */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import({ JobRepository.class, JobClaims.class, JobCompletion.class, JobStoreContract.Config.class })
@Requires(Need.POSTGRES)
class JobRepositoryPostgresTests extends JobStoreContract {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresServer.shared().newDatabase().register(registry);
	}

}
