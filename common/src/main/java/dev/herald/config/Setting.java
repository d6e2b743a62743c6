package dev.herald.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one declaration of a setting: its key, every flag and environment variable that sets it (the first of each is
 * the documented name, the rest aliases), its type, documented default, description, whether it is secret, and
 * whether it may be read from a file instead.
 */
public record Setting<T>(
        String key,
        String group,
        List<String> flags,
        List<String> environment,
        SettingType<T> type,
        String defaultValue,
        String description,
        boolean secret,
        boolean repeatable,
        boolean readableFromFile) {

    public Setting {
        Objects.requireNonNull(key);
        flags = List.copyOf(flags);
        environment = List.copyOf(environment);
        if (flags.isEmpty() || environment.isEmpty()) {
            throw new IllegalArgumentException(key + " needs a flag and an environment variable");
        }
    }

    public String flag() {
        return flags.getFirst();
    }

    public String env() {
        return environment.getFirst();
    }

    /** How error messages name the setting: {@code --flag (ENV)}. */
    public String displayName() {
        return flag() + " (" + env() + ")";
    }

    /** The flag that names a file holding the value, for secrets kept out of {@code ps} and the environment. */
    public String fileFlag() {
        return flag() + "-file";
    }

    /** The variable that names a file holding the value ({@code <VARIABLE>_FILE}, as container secrets are given). */
    public String fileEnv() {
        return env() + "_FILE";
    }

    public boolean hasDefault() {
        return defaultValue != null && !defaultValue.isEmpty();
    }

    public static <T> Builder<T> builder(String key, String group, SettingType<T> type) {
        return new Builder<>(key, group, type);
    }

    /** Builds a {@link Setting}; flags and variables are added in documentation order. */
    public static final class Builder<T> {
        private final String key;
        private final String group;
        private final SettingType<T> type;
        private final List<String> flags = new ArrayList<>();
        private final List<String> environment = new ArrayList<>();
        private String defaultValue = "";
        private String description = "";
        private boolean secret;
        private boolean repeatable;
        private boolean readableFromFile;

        private Builder(String key, String group, SettingType<T> type) {
            this.key = key;
            this.group = group;
            this.type = type;
        }

        public Builder<T> flag(String... names) {
            flags.addAll(List.of(names));
            return this;
        }

        public Builder<T> env(String... names) {
            environment.addAll(List.of(names));
            return this;
        }

        public Builder<T> defaultValue(String value) {
            this.defaultValue = value;
            return this;
        }

        public Builder<T> description(String text) {
            this.description = text;
            return this;
        }

        public Builder<T> secret() {
            this.secret = true;
            return this;
        }

        /** The flag may be given several times; the environment variable takes a comma-separated list. */
        public Builder<T> repeatable() {
            this.repeatable = true;
            return this;
        }

        /**
         * The value may also be read from a file named by {@link #fileFlag()} or {@link #fileEnv()} (one value per line
         * for a repeatable setting).
         */
        public Builder<T> readableFromFile() {
            this.readableFromFile = true;
            return this;
        }

        public Setting<T> build() {
            return new Setting<>(
                    key,
                    group,
                    flags,
                    environment,
                    type,
                    defaultValue,
                    description,
                    secret,
                    repeatable,
                    readableFromFile);
        }
    }
}
