package dev.herald.server.api;

import dev.herald.producer.Enqueuer;
import dev.herald.producer.EventPublisher;
import dev.herald.server.data.MessageQueries;
import dev.herald.server.data.PreferenceStore;
import dev.herald.server.data.Redrive;
import dev.herald.server.data.TemplateCatalog;
import dev.herald.server.data.UserDirectory;
import dev.herald.store.MessageStore;
import dev.herald.store.SiteConfigStore;
import dev.herald.token.TokenPublisher;
import java.time.Clock;
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
        Clock clock) {

    static ApiServices over(DataSource dataSource, TokenPublisher publisher, Clock clock) {
        Enqueuer enqueuer = new Enqueuer(dataSource);
        return new ApiServices(
                new UserDirectory(dataSource),
                new TemplateCatalog(dataSource),
                new PreferenceStore(dataSource),
                new MessageQueries(dataSource),
                new Redrive(new MessageStore(dataSource), publisher, clock),
                new SiteConfigStore(dataSource),
                enqueuer,
                new EventPublisher(dataSource, enqueuer),
                clock);
    }
}
