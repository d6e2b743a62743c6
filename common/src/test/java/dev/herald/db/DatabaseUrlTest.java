package dev.herald.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void codersPostgresForm() {
        DatabaseUrl url = DatabaseUrl.parse("postgres://herald:p%40ss@db.internal:6432/herald?sslmode=require");

        assertThat(url.host()).isEqualTo("db.internal");
        assertThat(url.port()).isEqualTo(6432);
        assertThat(url.database()).isEqualTo("herald");
        assertThat(url.user()).isEqualTo("herald");
        assertThat(url.password().reveal()).isEqualTo("p@ss");
        assertThat(url.parameters()).isEqualTo(Map.of("sslmode", "require"));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/herald?sslmode=require");
    }

    @Test
    void jdbcFormWithCredentialsInTheQuery() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://localhost/app?user=u&password=secret&ssl=false");

        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.user()).isEqualTo("u");
        assertThat(url.password().reveal()).isEqualTo("secret");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/app?ssl=false");
    }

    @Test
    void thePasswordIsNeverPrinted() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://herald:topsecret@db:5432/herald");

        assertThat(url.toString()).doesNotContain("topsecret").contains("db:5432/herald");
    }

    @Test
    void otherSchemesAreRefused() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:p@h/db"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("postgres://");
    }
}
