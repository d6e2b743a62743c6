package dev.herald.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.model.Appearance;
import dev.herald.model.SystemTemplates;
import dev.herald.model.UserRole;
import dev.herald.producer.EnqueueRequest;
import dev.herald.producer.EnqueueResult;
import dev.herald.producer.Enqueuer;
import dev.herald.server.data.InboxStore;
import dev.herald.server.data.Passwords;
import dev.herald.server.data.User;
import dev.herald.server.data.UserDirectory;
import dev.herald.server.data.WebSessionStore;
import dev.herald.store.SiteConfigStore;
import dev.herald.testing.HttpReceiver;
import dev.herald.testing.PostgresExtension;
import dev.herald.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web UI in a real headless Chromium against a running server: sign-in, preferences, deployment settings, the
 * message explorer and the caught mail. Screenshots of each page go to target/screenshots (and to docs/screenshots
 * with -Dherald.screenshots.update=true).
 */
class WebUiTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String OWNER_PASSWORD = "owner-password-1";
    private static final String MEMBER_PASSWORD = "member-password-1";

    @RegisterExtension
    static final FleetFixture fleet = new FleetFixture("web");

    private static final PostgresExtension postgres = fleet.postgres();
    private static final HttpReceiver receiver = fleet.receiver();

    private static String base;
    private static User owner;
    private static User member;
    private WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "true".equals(System.getenv("HERALD_WEB_TESTS_REQUIRED"))) {
            throw new IllegalStateException(
                    "chromium and chromium-driver are required (apt-get install chromium" + " chromium-driver)");
        }
        Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed; web UI tests skipped");
        UserDirectory users = new UserDirectory(postgres.dataSource());
        owner = users.create("olive@example.com", "olive", "Olive Owner", Set.of(UserRole.OWNER));
        member = users.create("max@example.com", "max", "Max Member", Set.of(UserRole.MEMBER));
        users.setPasswordHash(owner.id(), Passwords.hash(OWNER_PASSWORD));
        users.setPasswordHash(member.id(), Passwords.hash(MEMBER_PASSWORD));
        UUID historyUser = new TestData(postgres.dataSource()).user().insert();
        aDayOfDeliveries(historyUser);
        HeraldServer server = fleet.start(
                "producer,dispatcher-smtp,dispatcher-webhook,dispatcher-inbox,api",
                "--dev",
                "--notifications-webhook-endpoint=" + receiver.url("/hook"),
                "--notifications-inbox-enabled=true");
        base = "http://127.0.0.1:" + server.apiPort().orElseThrow();
        Awaitility.await("the server's history sampler filled in the day")
                .atMost(Duration.ofSeconds(60))
                .until(() -> new TestData(postgres.dataSource())
                                        .countMessages(
                                                "created_by = 'history' AND updated_at > now() - interval '30 minutes'")
                                > 0
                        && recordedMinutesWithDeliveries() > 1000);
        // Recorded; the messages themselves would crowd the message explorer of the other tests.
        postgres.execute("DELETE FROM notification_messages WHERE created_by = 'history'");
    }

    /**
     * A day of deliveries before the server starts: a daily rhythm by method, latencies of tens to hundreds of ms,
     * and a burst of failures in the afternoon. The server's history sampler fills the day in from them.
     */
    private static void aDayOfDeliveries(UUID user) {
        postgres.execute("""
                INSERT INTO notification_messages (notification_template_id, user_id, method, status, created_by,
                    payload, attempt_count, created_at, updated_at)
                SELECT '%s', '%s', method::notification_method,
                    (CASE WHEN method = 'webhook' AND (minute BETWEEN 500 AND 530) AND n %% 3 = 0 THEN 'permanent_failure'
                          WHEN n %% 97 = 0 THEN 'permanent_failure' ELSE 'sent' END)::notification_message_status,
                    'history', jsonb_build_object('m', minute, 'n', n, 'method', method), 1,
                    finished - (40 + (n * 37) %% 160 + CASE WHEN n %% 50 = 0 THEN 600 ELSE 0 END) * interval '1 ms',
                    finished
                FROM generate_series(2, 1439) AS minute,
                    (VALUES ('webhook', 60), ('smtp', 18), ('inbox', 30)) AS rate(method, base),
                    LATERAL generate_series(1, (base * (1.3 + sin(minute / 1440.0 * 2 * pi())))::int) AS n,
                    LATERAL (SELECT date_trunc('minute', now()) - minute * interval '1 minute'
                        + (n * 0.37) %% 59 * interval '1 second' AS finished) AS at
                """.formatted(SystemTemplates.TEST_NOTIFICATION, user));
    }

    private static long recordedMinutesWithDeliveries() {
        try (var connection = postgres.dataSource().getConnection();
                var statement = connection.createStatement();
                var row = statement.executeQuery(
                        "SELECT count(*) FROM herald_fleet_history WHERE delivered > 0 AND method = 'webhook'")) {
            row.next();
            return row.getLong(1);
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }

    @BeforeEach
    void openBrowser() {
        receiver.reset();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .build(),
                options);
        browser.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aMemberTurnsANotificationOffFromTheEmailLinkAndItIsNoLongerSent() throws Exception {
        String template = SystemTemplates.WORKSPACE_DORMANT.toString();
        browser.get(base + "/settings/notifications?disabled=" + template);
        signIn("max", MEMBER_PASSWORD);

        WebElement row = browser.findElement(By.id("t-" + template));
        assertThat(row.getDomAttribute("class"))
                .as("the email's link pre-selects the row")
                .contains("highlight");
        WebElement toggle = row.findElement(By.cssSelector("input[type=checkbox]"));
        assertThat(toggle.isSelected()).isTrue();
        toggle.click();
        awaitText("Workspace Marked as Dormant is off.");
        browser.navigate().refresh();
        assertThat(browser.findElement(By.id("t-" + template))
                        .findElement(By.cssSelector("input[type=checkbox]"))
                        .isSelected())
                .as("the choice survives a reload")
                .isFalse();
        screenshot("preferences");
        browser.manage().window().setSize(new Dimension(390, 844));
        screenshot("preferences-phone");

        EnqueueResult result = new Enqueuer(postgres.dataSource())
                .enqueue(EnqueueRequest.of(
                        SystemTemplates.WORKSPACE_DORMANT,
                        member.id(),
                        Map.of("name", "ws", "reason", "idle", "timeTilDormant", "1 week"),
                        "web-test"));
        assertThat(result).isInstanceOf(EnqueueResult.DisabledByUser.class);
        assertPageSmall();
    }

    @Test
    void theBellShowsNotificationsAsTheyArriveAndMarksThemRead() throws Exception {
        UserDirectory users = new UserDirectory(postgres.dataSource());
        User ivy = users.create("ivy@example.com", "ivy", "Ivy Inbox", Set.of(UserRole.MEMBER));
        users.setPasswordHash(ivy.id(), Passwords.hash(MEMBER_PASSWORD));
        browser.get(base + "/settings/notifications");
        signIn("ivy", MEMBER_PASSWORD);
        WebElement inbox = browser.findElement(By.cssSelector("[data-inbox]"));
        Awaitility.await("the bell watches the inbox")
                .atMost(Duration.ofSeconds(15))
                .until(() -> "true".equals(inbox.getDomAttribute("data-watching")));
        WebElement badge = browser.findElement(By.id("inbox-count"));
        assertThat(badge.isDisplayed()).as("nothing unread yet").isFalse();

        Enqueuer enqueuer = new Enqueuer(postgres.dataSource());
        enqueuer.enqueue(EnqueueRequest.of(
                SystemTemplates.TEMPLATE_DELETED, ivy.id(), Map.of("name", "old-template", "initiator", "ops"), "web"));
        Awaitility.await("the badge counts the new notification without a reload")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> badge.isDisplayed() && badge.getText().equals("1"));
        WebElement bell = browser.findElement(By.id("inbox-bell"));
        assertThat(bell.getDomAttribute("aria-label")).isEqualTo("Inbox, 1 unread");
        bell.click();
        WebElement panel = browser.findElement(By.id("inbox-panel"));
        assertThat(panel.isDisplayed()).isTrue();
        assertThat(panel.getText())
                .contains("Template \"old-template\" deleted")
                .contains("The template old-template was deleted by ops.")
                .doesNotContain("**");
        assertThat(panel.findElement(By.linkText("View templates")).getDomAttribute("href"))
                .endsWith("/templates");

        enqueuer.enqueue(EnqueueRequest.of(
                SystemTemplates.TEMPLATE_DELETED,
                ivy.id(),
                Map.of("name", "newer-template", "initiator", "ops"),
                "web"));
        Awaitility.await("the second arrives at the top of the open panel")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> badge.getText().equals("2")
                        && browser.findElements(By.cssSelector("#inbox-list li"))
                                .getFirst()
                                .getText()
                                .contains("newer-template"));
        screenshot("inbox");

        browser.findElements(By.cssSelector("#inbox-list li"))
                .getFirst()
                .findElement(By.xpath(".//button[text()='Mark as read']"))
                .click();
        Awaitility.await("one is read")
                .atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> badge.getText().equals("1"));
        browser.findElement(By.id("inbox-mark-all")).click();
        Awaitility.await("all are read").atMost(Duration.ofSeconds(15)).until(() -> !badge.isDisplayed());
        assertThat(browser.findElements(By.cssSelector("#inbox-list li.unread")))
                .isEmpty();
        assertThat(new InboxStore(postgres.dataSource()).unreadCount(ivy.id())).isZero();

        browser.navigate().refresh();
        assertThat(browser.findElement(By.id("inbox-count")).isDisplayed())
                .as("read stays read")
                .isFalse();
        assertPageSmall();
    }

    @Test
    void anOwnerChangesAnEventsMethodAndTheNextMessageGoesOutByIt() throws Exception {
        browser.get(base + "/deployment/notifications?tab=events");
        signIn("olive", OWNER_PASSWORD);

        WebElement select = browser.findElement(By.cssSelector("form[action='/deployment/notifications/templates/"
                + SystemTemplates.WORKSPACE_DELETED + "/method'] select"));
        new org.openqa.selenium.support.ui.Select(select).selectByValue("webhook");
        awaitText("Workspace Deleted now goes out by webhook.");
        screenshot("deployment-events");

        EnqueueResult result = new Enqueuer(postgres.dataSource())
                .enqueue(EnqueueRequest.of(
                        SystemTemplates.WORKSPACE_DELETED,
                        owner.id(),
                        Map.of("name", "ws-web", "reason", "idle", "initiator", "ops"),
                        "web-test"));
        UUID id = ((EnqueueResult.Enqueued) result).messageId();
        Awaitility.await("the webhook receives it")
                .atMost(Duration.ofSeconds(60))
                .until(() ->
                        receiver.requests().stream().anyMatch(r -> id.toString().equals(r.header("x-message-id"))));
        assertThat(new TestData(postgres.dataSource()).messageColumn(id, "method"))
                .isEqualTo("webhook");
        assertPageSmall();
    }

    @Test
    void anOwnerPausesAndResumesAndSendsATestNotification() throws Exception {
        SiteConfigStore store = new SiteConfigStore(postgres.dataSource());
        browser.get(base + "/deployment/notifications?tab=settings");
        signIn("olive", OWNER_PASSWORD);
        assertThat(browser.findElement(By.tagName("main")).getText())
                .contains("SMTP password")
                .contains("not set")
                .contains(receiver.url("/hook").toString());

        browser.findElement(By.id("pause-toggle")).click();
        awaitText("Notifications are paused.");
        assertThat(store.notifierPaused()).isTrue();
        assertThat(browser.findElement(By.id("pause-state")).getText()).contains("paused");
        screenshot("deployment-settings");
        browser.findElement(By.id("pause-toggle")).click();
        awaitText("Notifications are running again.");
        assertThat(store.notifierPaused()).isFalse();

        browser.findElement(By.id("application-name")).sendKeys("Acme Cloud");
        browser.findElement(By.id("logo-url")).sendKeys("https://acme.example.com/logo.png");
        browser.findElement(By.id("save-appearance")).click();
        awaitText("Emails now show Acme Cloud.");
        assertThat(store.appearance()).isEqualTo(new Appearance("Acme Cloud", "https://acme.example.com/logo.png"));
        assertThat(browser.findElement(By.id("application-name")).getDomProperty("value"))
                .isEqualTo("Acme Cloud");
        browser.findElement(By.id("logo-url")).clear();
        browser.findElement(By.id("application-name")).clear();
        browser.findElement(By.id("save-appearance")).click();
        awaitText("Emails now show Herald.");
        assertThat(store.appearance()).as("cleared: the flags apply again").isEqualTo(new Appearance("", ""));

        browser.findElement(By.id("send-test")).click();
        awaitText("A test notification is on its way to olive@example.com.");
        browser.get(base + "/dev/mail");
        Awaitility.await("the mail catcher has it")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    browser.navigate().refresh();
                    return browser.getPageSource().contains("olive@example.com");
                });
        browser.findElement(By.linkText("A test notification")).click();
        assertThat(browser.findElement(By.cssSelector("iframe.mail")).getDomAttribute("srcdoc"))
                .contains("This is a test notification");
        screenshot("dev-mail");
    }

    @Test
    void anOwnerFindsAFailedMessageReadsWhyAndReDrivesIt() throws Exception {
        UUID id = new TestData(postgres.dataSource())
                .enqueue(SystemTemplates.TEST_NOTIFICATION, member.id(), "{\"n\": \"redrive\"}");
        Awaitility.await("sent first")
                .atMost(Duration.ofSeconds(60))
                .until(() -> "sent".equals(new TestData(postgres.dataSource()).messageColumn(id, "status")));
        postgres.execute("UPDATE notification_messages SET status = 'permanent_failure', attempt_count = 5,"
                + " status_reason = 'HTTP 410 Gone: the receiver retired this endpoint' WHERE id = '" + id + "'");

        browser.get(base + "/deployment/notifications/messages?status=permanent_failure");
        signIn("olive", OWNER_PASSWORD);
        assertThat(browser.findElement(By.tagName("table")).getText()).contains("HTTP 410 Gone");
        screenshot("messages");
        browser.findElement(By.cssSelector("a[href='/deployment/notifications/messages/" + id + "']"))
                .click();
        assertThat(browser.findElement(By.id("reason")).getText()).contains("retired this endpoint");
        assertThat(browser.findElement(By.id("rendered-title")).getText()).isEqualTo("A test notification");
        assertThat(browser.findElement(By.id("rendered-body")).getText()).contains("This is a test notification");
        screenshot("message");
        browser.findElement(By.id("redrive")).click();
        awaitText("Re-driven");
        Awaitility.await("delivered again")
                .atMost(Duration.ofSeconds(60))
                .until(() -> "sent".equals(new TestData(postgres.dataSource()).messageColumn(id, "status")));
        assertPageSmall();
    }

    @Test
    void anOwnerWatchesTheFleetLiveAndItsDayInCharts() throws Exception {
        browser.get(base + "/deployment/fleet");
        signIn("olive", OWNER_PASSWORD);
        browser.get(base + "/deployment/fleet");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Fleet");
        String firstView = browser.findElement(By.id("fleet-at")).getText();
        ((JavascriptExecutor) browser).executeScript("window.heraldNotReloaded = true");
        Awaitility.await("the view refreshes itself as the roles report in")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> !browser.findElement(By.id("fleet-at")).getText().equals(firstView)
                        && browser.findElement(By.id("fleet-processes"))
                                .getText()
                                .contains("producer: streaming"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.heraldNotReloaded"))
                .as("without a reload")
                .isEqualTo(true);
        assertThat(browser.findElement(By.id("fleet-processes")).getText()).contains("dispatcher-webhook: consuming");
        assertThat(browser.findElement(By.id("fleet-relay")).getText())
                .contains("active")
                .contains("streaming");
        assertThat(browser.findElement(By.id("fleet-group-webhook")).getText()).contains(", pid ");
        assertThat(browser.findElement(By.id("fleet-warnings")).getText())
                .as("this deployment runs no retry scheduler")
                .contains("no retry-scheduler is running");
        browser.findElement(By.cssSelector("#fleet-group-webhook summary")).click();
        browser.manage().window().setSize(new Dimension(1280, 1700));
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        screenshot("fleet");
        browser.manage().window().setSize(new Dimension(1280, 1250));

        browser.get(base + "/deployment/overview?range=24h");
        List<WebElement> figures = browser.findElements(By.cssSelector("figure.chart-box"));
        assertThat(figures).hasSize(6);
        WebElement delivered = browser.findElement(By.id("chart-delivered"));
        assertThat(delivered.findElements(By.cssSelector("polyline.s-webhook")))
                .as("a day of webhook deliveries, drawn from the recorded history")
                .isNotEmpty();
        assertThat(pointCount(delivered, "polyline.s-webhook")).isGreaterThan(100);
        assertThat(browser.findElement(By.id("chart-failed"))
                        .findElements(By.cssSelector(".s-webhook"))
                        .size())
                .isPositive();
        assertThat(browser.findElement(By.id("figure-latency-p99")).getText()).contains("webhook latest");
        screenshot("overview-24h");
        browser.get(base + "/deployment/overview");
        assertThat(browser.findElement(By.cssSelector(".tabs a[aria-current]")).getText())
                .isEqualTo("Last hour");
        assertThat(pointCount(browser.findElement(By.id("chart-delivered")), "polyline.s-smtp"))
                .isGreaterThan(30);
        screenshot("overview");
        assertPageSmall();

        browser.get(base + "/deployment/overview?range=1y");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("No such range");
        assertThat(browser.findElement(By.tagName("main")).getText()).contains("\"range\" must be 1h or 24h");
    }

    private static int pointCount(WebElement chart, String selector) {
        return chart.findElements(By.cssSelector(selector)).stream()
                .mapToInt(line -> line.getDomAttribute("points").split(" ").length)
                .sum();
    }

    @Test
    void aMemberIsRefusedTheOwnerPages() {
        browser.get(base + "/login");
        signIn("max", MEMBER_PASSWORD);
        for (String page : List.of(
                "/deployment/notifications?tab=events",
                "/deployment/notifications?tab=settings",
                "/deployment/notifications/messages",
                "/deployment/fleet",
                "/deployment/overview")) {
            browser.get(base + page);
            assertThat(browser.findElement(By.tagName("h1")).getText()).as(page).isEqualTo("Owners only");
        }
        assertThat(browser.findElements(By.linkText("Deployment")))
                .as("no owner links for members")
                .isEmpty();
    }

    @Test
    void badInputIsExplainedAndChangesNothing() throws Exception {
        SiteConfigStore store = new SiteConfigStore(postgres.dataSource());
        browser.get(base + "/login");
        signIn("wrong", "credentials");
        awaitText("did not match");

        signIn("olive", OWNER_PASSWORD);
        browser.get(base + "/deployment/notifications?tab=settings");
        boolean pausedBefore = store.notifierPaused();
        ((JavascriptExecutor) browser)
                .executeScript("document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'forged')");
        browser.findElement(By.id("pause-toggle")).click();
        awaitText("The form was not accepted");
        assertThat(store.notifierPaused()).as("a forged token changes nothing").isEqualTo(pausedBefore);

        browser.get(base + "/settings/notifications");
        ((JavascriptExecutor) browser)
                .executeScript("document.querySelector('input[name=template_id]').value = '" + UUID.randomUUID() + "';"
                        + " document.querySelector('form.toggle').submit()");
        awaitText("does not exist");

        new WebSessionStore(postgres.dataSource()).expireAll(owner.id());
        browser.get(base + "/deployment/notifications?tab=events");
        awaitText("session has expired");
        assertThat(browser.getCurrentUrl()).contains("/login");
        screenshot("login");
    }

    private void signIn(String username, String password) {
        if (!browser.getCurrentUrl().contains("/login")) {
            browser.get(base + "/login");
        }
        browser.findElement(By.name("username")).clear();
        browser.findElement(By.name("username")).sendKeys(username);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("form.login button[type=submit]")).click();
        Awaitility.await("the sign-in is answered")
                .atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> {
                    String text = browser.findElement(By.tagName("body")).getText();
                    return text.contains("Sign out") || text.contains("did not match");
                });
    }

    private void awaitText(String text) {
        Awaitility.await("the page says " + text)
                .atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> browser.findElement(By.tagName("body")).getText().contains(text));
    }

    /** No page over 200 KB, stylesheet and script included. */
    private void assertPageSmall() {
        long html = browser.getPageSource().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        long assets = ((Number) ((JavascriptExecutor) browser)
                        .executeScript("return performance.getEntriesByType('resource')"
                                + ".reduce((sum, r) => sum + (r.decodedBodySize || 0), 0)"))
                .longValue();
        assertThat(html + assets).as("bytes of %s", browser.getCurrentUrl()).isLessThan(200_000);
    }

    private void screenshot(String name) throws IOException {
        Path shot = ((org.openqa.selenium.TakesScreenshot) browser)
                .getScreenshotAs(OutputType.FILE)
                .toPath();
        Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name + ".png");
        Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
        if (Boolean.getBoolean("herald.screenshots.update")) {
            Path docs = Files.createDirectories(Path.of("..", "docs", "screenshots"))
                    .resolve(name + ".png");
            Files.copy(shot, docs, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
