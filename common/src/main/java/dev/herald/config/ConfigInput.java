package dev.herald.config;

import java.util.List;
import java.util.Map;

/**
 * The raw material of a configuration: flag values keyed by setting key (whichever of its names was used), and the
 * process environment.
 */
public record ConfigInput(Map<String, FlagValue> flags, Map<String, String> environment) {

    /** What the command line gave for one setting: the name used and the values (several for repeatable flags). */
    public record FlagValue(String name, List<String> values) {
        public FlagValue {
            values = List.copyOf(values);
        }
    }

    public ConfigInput {
        flags = Map.copyOf(flags);
        environment = Map.copyOf(environment);
    }

    public static ConfigInput environmentOnly(Map<String, String> environment) {
        return new ConfigInput(Map.of(), environment);
    }
}
