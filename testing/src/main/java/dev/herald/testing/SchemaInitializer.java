package dev.herald.testing;

import javax.sql.DataSource;

/** Builds the schema of a template database once, typically by running the migrations. */
@FunctionalInterface
public interface SchemaInitializer {
    void initialize(DataSource dataSource) throws Exception;
}
