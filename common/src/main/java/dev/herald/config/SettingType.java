package dev.herald.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How a raw flag or environment value becomes a typed value. {@link #parse} throws {@link IllegalArgumentException}
 * with a message that says what was expected; the resolver adds the flag and variable names.
 */
public record SettingType<T>(String name, String expected, Function<String, T> parser) {

    public T parse(String raw) {
        return parser.apply(raw);
    }

    public static final SettingType<String> STRING = new SettingType<>("string", "text", raw -> raw);

    public static final SettingType<Secret> SECRET = new SettingType<>("string", "text", Secret::of);

    public static final SettingType<Boolean> BOOL =
            new SettingType<>("bool", "true or false", raw -> switch (raw.trim().toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes", "on" -> true;
                case "false", "0", "no", "off" -> false;
                default -> throw new IllegalArgumentException("not a boolean");
            });

    public static final SettingType<Duration> DURATION =
            new SettingType<>("duration", "a duration such as 30s, 5m or 1h30m", GoDuration::parse);

    public static final SettingType<HostPort> HOST_PORT =
            new SettingType<>("host:port", "host:port, for example localhost:587", HostPort::parse);

    public static final SettingType<URI> URL =
            new SettingType<>("url", "an absolute http or https URL", SettingType::httpUrl);

    public static final SettingType<Path> PATH =
            new SettingType<>("path", "a file or directory path", SettingType::path);

    /** {@code all}, or roles separated by commas. */
    public static final SettingType<Set<Role>> ROLES =
            new SettingType<>("role list", "all, or any of " + Role.names() + " separated by commas", Role::parse);

    /** {@code key=value} pairs, comma-separated in the environment, one per flag on the command line. */
    public static final SettingType<Map<String, String>> KEY_VALUES =
            new SettingType<>("key=value list", "key=value pairs separated by commas", SettingType::keyValues);

    /** Secrets separated by commas in the environment, one per flag on the command line. */
    public static final SettingType<List<Secret>> SECRET_LIST = new SettingType<>(
            "string list",
            "one or more values separated by commas",
            raw -> Arrays.stream(raw.split(","))
                    .map(String::trim)
                    .filter(item -> !item.isEmpty())
                    .map(Secret::of)
                    .toList());

    /** Values separated by commas in the environment, one per flag on the command line. */
    public static final SettingType<List<String>> STRING_LIST = new SettingType<>(
            "string list",
            "one or more values separated by commas",
            raw -> Arrays.stream(raw.split(","))
                    .map(String::trim)
                    .filter(item -> !item.isEmpty())
                    .toList());

    /** IP address blocks such as 10.0.0.0/8, separated by commas. */
    public static final SettingType<List<Cidr>> CIDR_LIST = new SettingType<>(
            "address block list",
            "IP address blocks such as 10.0.0.0/8 or fd00::/8, separated by commas",
            raw -> Arrays.stream(raw.split(","))
                    .map(String::trim)
                    .filter(item -> !item.isEmpty())
                    .map(Cidr::parse)
                    .toList());

    public static SettingType<Integer> integer(int min, int max) {
        String expected = max == Integer.MAX_VALUE
                ? "a whole number of at least " + min
                : "a whole number from " + min + " to " + max;
        return new SettingType<>("int", expected, raw -> {
            int value;
            try {
                value = Integer.parseInt(raw.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a whole number");
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("out of range");
            }
            return value;
        });
    }

    /** A size in bytes: a number, or a number with B, KiB, MiB, GiB or TiB ("1GiB", "512MiB"). */
    public static final SettingType<Long> BYTE_SIZE =
            new SettingType<>("size", "a size such as 1GiB, 512MiB or 1073741824", SettingType::byteSize);

    private static long byteSize(String raw) {
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("(\\d{1,15})\\s*(B|KiB|MiB|GiB|TiB)?")
                .matcher(raw.trim());
        if (!size.matches()) {
            throw new IllegalArgumentException("not a size");
        }
        int shift = switch (size.group(2) == null ? "B" : size.group(2)) {
            case "KiB" -> 10;
            case "MiB" -> 20;
            case "GiB" -> 30;
            case "TiB" -> 40;
            default -> 0;
        };
        long value = Long.parseLong(size.group(1));
        if (value == 0 || value > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("out of range");
        }
        return value << shift;
    }

    public static SettingType<Duration> positiveDuration() {
        return new SettingType<>("duration", "a duration above zero such as 30s, 5m or 1h30m", raw -> {
            Duration value = GoDuration.parse(raw);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException("must be above zero");
            }
            return value;
        });
    }

    /** One of the enum's constants, written in lower case as Herald's flags and tables spell them. */
    public static <E extends Enum<E>> SettingType<E> oneOf(Class<E> type) {
        return oneOf(List.of(type.getEnumConstants()));
    }

    /** One of {@code constants}, spelled in lower case. */
    public static <E extends Enum<E>> SettingType<E> oneOf(List<E> constants) {
        String names = constants.stream().map(SettingType::lower).collect(Collectors.joining(", "));
        return new SettingType<>("string", "one of: " + names, raw -> {
            for (E constant : constants) {
                if (lower(constant).equals(raw.trim().toLowerCase(Locale.ROOT))) {
                    return constant;
                }
            }
            throw new IllegalArgumentException("unknown value");
        });
    }

    private static String lower(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private static URI httpUrl(String raw) {
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http or https URL");
        }
        return uri;
    }

    private static Path path(String raw) {
        String trimmed = raw.trim();
        if (trimmed.equals("~") || trimmed.startsWith("~/")) {
            trimmed = System.getProperty("user.home") + trimmed.substring(1);
        }
        try {
            return Path.of(trimmed);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid path");
        }
    }

    private static Map<String, String> keyValues(String raw) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String item : List.of(raw.split(","))) {
            if (item.isBlank()) {
                continue;
            }
            int equals = item.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("an item is not key=value");
            }
            pairs.put(
                    item.substring(0, equals).trim(), item.substring(equals + 1).trim());
        }
        return Map.copyOf(pairs);
    }
}
