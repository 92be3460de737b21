package io.atelier.store;

import io.atelier.testing.Need;
import io.atelier.testing.PostgresServer;
import io.atelier.testing.Requires;

import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The model catalogue on a real PostgreSQL, as replicas and workers share it. */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Requires(Need.POSTGRES)
class ModelCatalogPostgresTests extends ModelCatalogContract {

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		PostgresServer.shared().newDatabase().register(registry);
	}

}
