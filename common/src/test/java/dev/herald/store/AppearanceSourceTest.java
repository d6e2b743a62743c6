package dev.herald.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.Appearance;
import dev.herald.testing.MutableClock;
import dev.herald.testing.PostgresExtension;
import dev.herald.testsupport.HeraldDatabase;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What emails show: the settings page's values, else the flags', else Herald; read again every 30 s. */
class AppearanceSourceTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private final SiteConfigStore settings = new SiteConfigStore(postgres.dataSource());
    private final MutableClock clock = MutableClock.atDefaultStart();

    @AfterEach
    void clear() throws SQLException {
        settings.setAppearance(new Appearance("", ""));
    }

    @Test
    void thePageWinsOverTheFlagsWhichWinOverHerald() throws SQLException {
        assertThat(new AppearanceSource(settings, new Appearance("", ""), clock)
                        .get()
                        .displayName())
                .isEqualTo("Herald");
        AppearanceSource source =
                new AppearanceSource(settings, new Appearance("From Flags", "https://flags.example.com/l.png"), clock);
        assertThat(source.get()).isEqualTo(new Appearance("From Flags", "https://flags.example.com/l.png"));

        settings.setAppearance(new Appearance("Acme Cloud", ""));
        clock.advance(AppearanceSource.REFRESH);

        assertThat(source.get())
                .as("the page's name, and the flag's logo where the page set none")
                .isEqualTo(new Appearance("Acme Cloud", "https://flags.example.com/l.png"));
        assertThat(settings.appearance()).isEqualTo(new Appearance("Acme Cloud", ""));
    }

    @Test
    void aChangeIsSeenAfterTheRefreshIntervalNotPerEmail() throws SQLException {
        AppearanceSource source = new AppearanceSource(settings, new Appearance("", ""), clock);
        assertThat(source.get().displayName()).isEqualTo("Herald");

        settings.setAppearance(new Appearance("Renamed", "https://example.com/logo.png"));
        clock.advance(AppearanceSource.REFRESH.minus(Duration.ofSeconds(1)));
        assertThat(source.get().displayName()).as("still cached").isEqualTo("Herald");

        clock.advance(Duration.ofSeconds(1));
        assertThat(source.get()).isEqualTo(new Appearance("Renamed", "https://example.com/logo.png"));

        settings.setAppearance(new Appearance("", ""));
        clock.advance(AppearanceSource.REFRESH);
        assertThat(source.get().displayName())
                .as("clearing the page falls back")
                .isEqualTo("Herald");
    }

    @Test
    void onlyAbsoluteHttpLogosAreShown() {
        assertThat(new Appearance("A", "https://example.com/l.png").safeLogoUrl())
                .isPresent();
        assertThat(new Appearance("A", "javascript:alert(1)").safeLogoUrl()).isEmpty();
        assertThat(new Appearance("A", "/relative.png").safeLogoUrl()).isEmpty();
        assertThat(Appearance.problemWithLogoUrl("data:image/png;base64,xx")).isPresent();
        assertThat(Appearance.problemWithLogoUrl("")).isEmpty();
    }
}
