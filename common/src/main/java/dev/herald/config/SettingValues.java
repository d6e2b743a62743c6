package dev.herald.config;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Resolves settings from {@link ConfigInput} with the precedence flag &gt; environment &gt; default, and collects every
 * problem instead of stopping at the first, so that an operator fixes a configuration in one go.
 */
public final class SettingValues {

    /** Where a value came from, for start-up logs and error messages. */
    public enum Origin {
        FLAG,
        ENVIRONMENT,
        DEFAULT,
        UNSET
    }

    private record Raw(Origin origin, String source, List<String> values) {}

    private final ConfigInput input;
    private final List<String> problems = new ArrayList<>();

    public SettingValues(ConfigInput input) {
        this.input = input;
    }

    /** The typed value, or the default's, or {@code null} when unset or invalid (a problem is then recorded). */
    public <T> T get(Setting<T> setting) {
        Raw raw = raw(setting);
        if (raw.origin() == Origin.UNSET) {
            return null;
        }
        String text = setting.repeatable()
                ? String.join(",", raw.values())
                : raw.values().getFirst();
        try {
            return setting.type().parse(text);
        } catch (IllegalArgumentException e) {
            String shown = setting.secret() ? "the value" : "\"" + text + "\"";
            problems.add(setting.displayName() + ": " + shown + " given by " + raw.source() + " is not valid ("
                    + e.getMessage() + "). Fix: give " + setting.type().expected() + ".");
            return defaultOf(setting);
        }
    }

    /** The value, empty when unset or blank. */
    public <T> Optional<T> optional(Setting<T> setting) {
        T value = get(setting);
        if (value instanceof String text && text.isBlank()) {
            return Optional.empty();
        }
        if (value instanceof Secret secret && secret.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(value);
    }

    public Origin origin(Setting<?> setting) {
        return raw(setting).origin();
    }

    /** Records a problem that involves several settings, such as an ordering rule between two durations. */
    public void problem(String message) {
        problems.add(message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /**
     * Reads a value from the file {@code path}: its text without the final line break, or one value per non-blank line
     * for a repeatable setting. What is read is never shown, only where it came from.
     */
    private Raw fromFile(Setting<?> setting, String path, String source, Origin origin) {
        String text;
        try {
            text = SecretFile.read(path);
        } catch (IOException | RuntimeException e) {
            problems.add(setting.displayName() + ": the file \"" + path + "\" given by " + source
                    + " cannot be read (" + e.getClass().getSimpleName() + "). Fix: give a readable file, or"
                    + " the value itself.");
            return new Raw(Origin.UNSET, "", List.of());
        }
        List<String> values = setting.repeatable()
                ? text.lines()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty())
                        .toList()
                : List.of(text.stripTrailing());
        if (values.isEmpty()) {
            return new Raw(Origin.UNSET, "", List.of());
        }
        return new Raw(origin, "the file named by " + source, values);
    }

    private <T> T defaultOf(Setting<T> setting) {
        if (!setting.hasDefault()) {
            return null;
        }
        return setting.type().parse(setting.defaultValue());
    }

    /** The key under which the command line hands over a setting's file flag. */
    public static String fileKey(Setting<?> setting) {
        return setting.key() + "#file";
    }

    private Raw raw(Setting<?> setting) {
        ConfigInput.FlagValue flag = input.flags().get(setting.key());
        ConfigInput.FlagValue fileFlag =
                setting.readableFromFile() ? input.flags().get(fileKey(setting)) : null;
        if (flag != null && fileFlag != null) {
            problems.add(setting.displayName() + ": both " + flag.name() + " and " + setting.fileFlag()
                    + " are given. Fix: give only one; the file keeps the secret out of the process list.");
        }
        if (flag != null) {
            return new Raw(Origin.FLAG, "the flag " + flag.name(), flag.values());
        }
        if (fileFlag != null) {
            return fromFile(setting, fileFlag.values().getFirst(), "the flag " + setting.fileFlag(), Origin.FLAG);
        }
        Map<String, String> given = setting.environment().stream()
                .filter(name -> input.environment().get(name) != null
                        && !input.environment().get(name).isEmpty())
                .collect(Collectors.toMap(
                        name -> name, name -> input.environment().get(name), (a, b) -> a, LinkedHashMap::new));
        if (given.size() > 1 && given.values().stream().distinct().count() > 1) {
            problems.add(setting.displayName() + ": " + String.join(" and ", given.keySet())
                    + " are both set, to different values. Fix: set only one of them.");
        }
        if (!given.isEmpty()) {
            Map.Entry<String, String> first = given.entrySet().iterator().next();
            return new Raw(Origin.ENVIRONMENT, "the variable " + first.getKey(), List.of(first.getValue()));
        }
        String file = setting.readableFromFile() ? input.environment().get(setting.fileEnv()) : null;
        if (file != null && !file.isBlank()) {
            return fromFile(setting, file, "the variable " + setting.fileEnv(), Origin.ENVIRONMENT);
        }
        if (setting.hasDefault()) {
            return new Raw(Origin.DEFAULT, "the default", List.of(setting.defaultValue()));
        }
        return new Raw(Origin.UNSET, "", List.of());
    }
}
