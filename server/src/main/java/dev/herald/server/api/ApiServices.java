package dev.herald.server.api;

import dev.herald.producer.Enqueuer;
import dev.herald.producer.EventPublisher;
import dev.herald.server.data.MessageQueries;
import dev.herald.server.data.PreferenceStore;
import dev.herald.server.data.TemplateCatalog;
import dev.herald.server.data.UserDirectory;
import dev.herald.store.MessageStore;
import java.time.Clock;
import javax.sql.DataSource;

/** What the API's handlers work with. */
record ApiServices(
        UserDirectory users,
        TemplateCatalog templates,
        PreferenceStore preferences,
        MessageQueries messages,
        MessageStore store,
        Enqueuer enqueuer,
        EventPublisher events,
        TokenSender tokens,
        Clock clock) {

    static ApiServices over(DataSource dataSource, TokenSender tokens, Clock clock) {
        Enqueuer enqueuer = new Enqueuer(dataSource);
        return new ApiServices(
                new UserDirectory(dataSource),
                new TemplateCatalog(dataSource),
                new PreferenceStore(dataSource),
                new MessageQueries(dataSource),
                new MessageStore(dataSource),
                enqueuer,
                new EventPublisher(dataSource, enqueuer),
                tokens,
                clock);
    }
}
