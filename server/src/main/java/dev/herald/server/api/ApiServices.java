package dev.herald.server.api;

import dev.herald.config.ApiConfig;
import dev.herald.producer.Enqueuer;
import dev.herald.producer.EventPublisher;
import dev.herald.server.data.MessageQueries;
import dev.herald.server.data.PreferenceStore;
import dev.herald.server.data.Redrive;
import dev.herald.server.data.TemplateCatalog;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.UserLifecycle;
import dev.herald.server.http.RateLimiter;
import dev.herald.store.MessageStore;
import dev.herald.store.SiteConfigStore;
import dev.herald.token.TokenPublisher;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;

/** What the API's handlers work with. */
record ApiServices(
        UserDirectory users,
        TemplateCatalog templates,
        PreferenceStore preferences,
        MessageQueries messages,
        Redrive redrive,
        SiteConfigStore siteConfig,
        Enqueuer enqueuer,
        EventPublisher events,
        UserLifecycle lifecycle,
        ApiConfig config,
        RateLimiter customNotifications,
        Clock clock) {

    static ApiServices over(DataSource dataSource, TokenPublisher publisher, ApiConfig config, Clock clock) {
        Enqueuer enqueuer = new Enqueuer(dataSource);
        UserDirectory users = new UserDirectory(dataSource);
        EventPublisher events = new EventPublisher(dataSource, enqueuer);
        int perMinute = config.customNotificationsPerMinute();
        return new ApiServices(
                users,
                new TemplateCatalog(dataSource),
                new PreferenceStore(dataSource),
                new MessageQueries(dataSource),
                new Redrive(new MessageStore(dataSource), publisher, clock),
                new SiteConfigStore(dataSource),
                enqueuer,
                events,
                new UserLifecycle(dataSource, users, events),
                config,
                new RateLimiter(perMinute, Duration.ofMinutes(1).dividedBy(perMinute), 10_000, clock),
                clock);
    }
}
