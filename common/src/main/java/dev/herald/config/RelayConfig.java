package dev.herald.config;

import static dev.herald.config.HeraldSettings.*;

import java.time.Duration;
import java.util.regex.Pattern;

/** Settings of the CDC relay that turns new rows into work tokens. */
public record RelayConfig(String slotName, Duration heartbeatInterval, long slotLagWarningBytes) {

    /** The default slot lag warning (1 GiB); for tests and tools that do not read the configuration. */
    public RelayConfig(String slotName, Duration heartbeatInterval) {
        this(slotName, heartbeatInterval, 1L << 30);
    }

    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    static RelayConfig from(SettingValues values) {
        RelayConfig config = new RelayConfig(
                values.get(RELAY_SLOT_NAME), values.get(RELAY_HEARTBEAT_INTERVAL), values.get(RELAY_SLOT_LAG_WARNING));
        if (!SLOT_NAME.matcher(config.slotName()).matches()) {
            values.problem(RELAY_SLOT_NAME.displayName() + ": \"" + config.slotName()
                    + "\" is not a valid replication slot name. Fix: use lower-case letters, digits and '_' (at"
                    + " most 63).");
        }
        return config;
    }
}
