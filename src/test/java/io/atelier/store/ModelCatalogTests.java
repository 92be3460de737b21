package io.atelier.store;

import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;

/** The model catalogue on the embedded H2, the default single process's database. */
@JdbcTest
class ModelCatalogTests extends ModelCatalogContract {

}
