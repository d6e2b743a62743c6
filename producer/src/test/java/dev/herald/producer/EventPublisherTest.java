package dev.herald.producer;

import static dev.herald.model.SystemTemplates.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import dev.herald.testsupport.HeraldDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each event reaches exactly the documented recipients, one message each, in one transaction. */
class EventPublisherTest {

    @RegisterExtension
    static final PostgresExtension postgres = HeraldDatabase.migrated();

    private static UUID owner;
    private static UUID userAdmin;
    private static UUID ownerAndTemplateAdmin;
    private static UUID templateAdmin;
    private static UUID member;
    private static UUID suspendedUserAdmin;

    private final EventPublisher publisher =
            new EventPublisher(postgres.dataSource(), new Enqueuer(postgres.dataSource()));

    @BeforeAll
    static void users() {
        TestData data = new TestData(postgres.dataSource());
        owner = data.user().roles("owner").insert();
        userAdmin = data.user().roles("user-admin", "member").insert();
        ownerAndTemplateAdmin = data.user().roles("owner", "template-admin").insert();
        templateAdmin = data.user().roles("template-admin").insert();
        member = data.user().roles("member").insert();
        suspendedUserAdmin = data.user().roles("user-admin").status("suspended").insert();
    }

    @Test
    void workspaceEventsGoToTheWorkspaceOwner() throws SQLException {
        FanOutResult deleted =
                publisher.publish(Event.workspaceDeleted(member, "ws", "initiated by user", "bob"), "test");
        FanOutResult dormant = publisher.publish(Event.workspaceDormant(member, "ws", "inactivity", "30 days"), "test");

        assertThat(deleted.recipients()).containsExactly(member);
        assertThat(dormant.recipients()).containsExactly(member);
        assertThat(messages(deleted)).containsExactly(Map.entry(member, WORKSPACE_DELETED));
    }

    @Test
    void accountEventsGoToActiveOwnersAndUserAdmins() throws Exception {
        UUID newcomer =
                new TestData(postgres.dataSource()).user().roles("member").insert();

        FanOutResult created =
                publisher.publish(Event.userAccountCreated(newcomer, "newcomer", "New Comer", "admin"), "test");

        assertThat(created.recipients()).containsExactlyInAnyOrder(owner, userAdmin, ownerAndTemplateAdmin);
        assertThat(created.recipients()).doesNotContain(suspendedUserAdmin, member, templateAdmin, newcomer);
        assertThat(messages(created).values()).containsOnly(USER_ACCOUNT_CREATED);
        assertThat(renderedBody(created.enqueuedMessageIds().getFirst()))
                .as("names the person, as Coder's body does")
                .endsWith("This new user account was created for **New Comer** by **admin**.");
    }

    @Test
    void suspensionAlsoTellsTheUserThemself() throws SQLException {
        FanOutResult suspended =
                publisher.publish(Event.userAccountSuspended(userAdmin, "ua", "Una Admin", "owner"), "test");

        assertThat(messages(suspended))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        owner, USER_ACCOUNT_SUSPENDED,
                        ownerAndTemplateAdmin, USER_ACCOUNT_SUSPENDED,
                        userAdmin, YOUR_ACCOUNT_SUSPENDED));

        FanOutResult activated =
                publisher.publish(Event.userAccountActivated(member, "m", "Max Member", "owner"), "test");
        assertThat(messages(activated))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        owner, USER_ACCOUNT_ACTIVATED,
                        userAdmin, USER_ACCOUNT_ACTIVATED,
                        ownerAndTemplateAdmin, USER_ACCOUNT_ACTIVATED,
                        member, YOUR_ACCOUNT_ACTIVATED));
    }

    @Test
    void aDeletedAccountIsNamedAndEveryAdminIsTold() throws SQLException {
        FanOutResult deleted = publisher.publish(Event.userAccountDeleted("gone", "Gone User", "owner"), "test");

        assertThat(deleted.recipients()).containsExactlyInAnyOrder(owner, userAdmin, ownerAndTemplateAdmin);
    }

    @Test
    void templateDeletedGoesToTemplateAdmins() throws SQLException {
        FanOutResult deleted = publisher.publish(Event.templateDeleted("docker", "owner"), "test");

        assertThat(deleted.recipients()).containsExactlyInAnyOrder(templateAdmin, ownerAndTemplateAdmin);
        assertThat(messages(deleted).values()).containsOnly(TEMPLATE_DELETED);
    }

    @Test
    void codersNewerEventsReachTheirRecipientsAndTheOffByDefaultOnesOnlyThoseWhoTurnedThemOn() throws SQLException {
        TestData data = new TestData(postgres.dataSource());
        UUID keenTemplateAdmin = data.user().roles("template-admin").insert();
        data.setPreference(keenTemplateAdmin, WORKSPACE_CREATED, false);

        FanOutResult created = publisher.publish(Event.workspaceCreated("ws", "docker", "v1"), "test");
        FanOutResult updated = publisher.publish(
                Event.workspaceManuallyUpdated("ws", "max", "docker", "v2", "coder", "olive"), "test");
        FanOutResult memory = publisher.publish(Event.workspaceOutOfMemory(member, "ws", "90%"), "test");
        FanOutResult deprecated = publisher.publish(
                Event.templateDeprecated(List.of(member, owner, member), "docker", "coder", "Use docker-v2"), "test");

        assertThat(created.recipients()).contains(templateAdmin, ownerAndTemplateAdmin, keenTemplateAdmin);
        assertThat(messages(created))
                .as("off by default: only the template admin who turned it on gets one")
                .containsExactly(Map.entry(keenTemplateAdmin, WORKSPACE_CREATED));
        assertThat(created.optedOut()).contains(templateAdmin, ownerAndTemplateAdmin);
        assertThat(messages(updated)).isEmpty();
        assertThat(messages(memory)).containsExactly(Map.entry(member, WORKSPACE_OUT_OF_MEMORY));
        assertThat(messages(deprecated))
                .containsExactlyInAnyOrderEntriesOf(Map.of(member, TEMPLATE_DEPRECATED, owner, TEMPLATE_DEPRECATED));

        FanOutResult prebuild = publisher.publish(
                Event.prebuildFailureLimitReached("docker", "angry_torvalds", "coder", "small"), "test");
        FanOutResult passcode = publisher.publish(Event.oneTimePasscode(member, "12345678"), "test");
        FanOutResult disk = publisher.publish(
                Event.workspaceOutOfDisk(member, "ws", List.of(new Event.Volume("/home/coder", "90%"))), "test");

        assertThat(messages(prebuild).keySet())
                .contains(templateAdmin, ownerAndTemplateAdmin, keenTemplateAdmin)
                .doesNotContain(owner, userAdmin, member);
        assertThat(messages(passcode)).containsExactly(Map.entry(member, ONE_TIME_PASSCODE));
        assertThat(messages(disk)).containsExactly(Map.entry(member, WORKSPACE_OUT_OF_DISK));
    }

    @Test
    void theFailedBuildsReportGoesToTemplateAdminsAndRendersAsCodersDoes() throws Exception {
        FanOutResult report = publisher.publish(
                Event.workspaceBuildsFailedReport(
                        "week",
                        List.of(new Event.TemplateFailures(
                                "bobby-first-template",
                                "Bobby First Template",
                                4,
                                55,
                                List.of(
                                        new Event.FailedVersion(
                                                "bobby-template-version-1",
                                                List.of(
                                                        new Event.FailedBuild("mtojek", "workspace-1", 1234),
                                                        new Event.FailedBuild("johndoe", "my-workspace-3", 5678))),
                                        new Event.FailedVersion(
                                                "bobby-template-version-2",
                                                List.of(new Event.FailedBuild("ben", "cool-workspace", 8888))))))),
                "test");

        assertThat(messages(report).keySet())
                .contains(templateAdmin, ownerAndTemplateAdmin)
                .doesNotContain(member);
        FanOutResult replaced = publisher.publish(
                Event.prebuiltWorkspaceResourceReplaced(
                        "my-workspace",
                        "prebuilds-claimer",
                        2,
                        "docker",
                        "angry_torvalds",
                        "cern",
                        "particle-accelerator",
                        Map.of("docker_container[0]", "env, hostname")),
                "test");
        assertThat(renderedBody(replaced.enqueuedMessageIds().getFirst()))
                .contains("- _docker\\_container\\[0\\]_  was replaced due to changes to _env, hostname_")
                .endsWith("NOTE: this prebuilt workspace used the **particle-accelerator** preset.");
        String markdown = renderedBody(report.enqueuedMessageIds().getFirst());
        assertThat(markdown)
                .startsWith("The following templates have had build failures over the last week:")
                .contains("- **Bobby First Template** failed to build 4/55 times")
                .contains("- **bobby-template-version-1** failed 2 times:")
                .contains("- **bobby-template-version-2** failed 1 time:")
                .contains(
                        "   - [mtojek / workspace-1 / #1234](https://herald.example.com/@mtojek/workspace-1/builds/1234)")
                .endsWith("We recommend reviewing these issues to ensure future builds are successful.");
    }

    private String renderedBody(UUID message) throws Exception {
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT t.name, t.title_template, t.body_template, m.payload::text
                        FROM notification_messages m JOIN notification_templates t ON t.id = m.notification_template_id
                        WHERE m.id = ?
                        """)) {
            statement.setObject(1, message);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return new dev.herald.render.TemplateRenderer(java.net.URI.create("https://herald.example.com"))
                        .render(
                                row.getString(1),
                                row.getString(2),
                                row.getString(3),
                                new com.fasterxml.jackson.databind.ObjectMapper()
                                        .readValue(row.getString(4), dev.herald.model.MessagePayload.class))
                        .bodyMarkdown();
            }
        }
    }

    @Test
    void aRecipientWhoOptedOutGetsNoRowWhileTheOthersDo() throws SQLException {
        TestData data = new TestData(postgres.dataSource());
        UUID keen = data.user().roles("template-admin").insert();
        UUID quiet = data.user().roles("template-admin").insert();
        data.setPreference(quiet, TEMPLATE_DELETED, true);

        FanOutResult deleted = publisher.publish(Event.templateDeleted("kubernetes", "owner"), "test");

        assertThat(deleted.optedOut()).containsExactly(quiet);
        assertThat(messages(deleted).keySet()).contains(keen).doesNotContain(quiet);
        assertThat(count("SELECT count(*) FROM notification_messages WHERE user_id = '" + quiet + "'"))
                .isZero();
    }

    @Test
    void theFanOutCommitsOrRollsBackAsOne() throws SQLException {
        long before = count("SELECT count(*) FROM notification_messages");
        try (Connection transaction = postgres.dataSource().getConnection()) {
            transaction.setAutoCommit(false);
            FanOutResult result = publisher.publish(transaction, Event.userAccountDeleted("x", null, "y"), "test");
            assertThat(result.enqueuedMessageIds()).hasSize(3);
            transaction.rollback();
        }
        assertThat(count("SELECT count(*) FROM notification_messages")).isEqualTo(before);
    }

    /** Recipient → template of the messages the fan-out wrote. */
    private Map<UUID, UUID> messages(FanOutResult result) throws SQLException {
        Map<UUID, UUID> messages = new java.util.HashMap<>();
        List<UUID> ids = new ArrayList<>(result.enqueuedMessageIds());
        try (Connection connection = postgres.dataSource().getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT user_id, notification_template_id FROM notification_messages WHERE id = ANY(?)")) {
            statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    messages.put(rows.getObject(1, UUID.class), rows.getObject(2, UUID.class));
                }
            }
        }
        assertThat(messages).as("one message per recipient").hasSize(ids.size());
        return messages;
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = postgres.dataSource().getConnection();
                ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
