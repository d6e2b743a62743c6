package dev.herald.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders {@code docs/configuration.md} from the declarations, so the reference cannot drift from the code. */
public final class ConfigurationReference {

    private ConfigurationReference() {}

    public static String markdown() {
        StringBuilder doc = new StringBuilder();
        doc.append("<!-- Generated from HeraldSettings by ConfigurationReference; do not edit by hand. -->\n")
                .append("<!-- Regenerate: ./mvnw -pl common -am test -Dtest=ConfigurationReferenceTest"
                        + " -Dsurefire.failIfNoSpecifiedTests=false -Dherald.docs.update=true -->\n\n")
                .append("# Herald configuration\n\n")
                .append("Every setting can be given as a flag of `herald server` or as an environment variable.\n")
                .append("A flag wins over a variable, and a variable over the default. Names and defaults of the\n")
                .append("notification settings are the ones Coder documents, so an existing `CODER_*` environment\n")
                .append("works unchanged; where a setting has an alias (the newer `--email-*` / `CODER_EMAIL_*`\n")
                .append("spellings), either name works, and two variables set to different values are an error.\n\n")
                .append(
                        "Durations are written like `500ms`, `15s`, `1m30s`, `2h` or `7d`. Settings marked secret are\n")
                .append("never logged or shown. Each secret can also be read from a file, named by its `…-file`\n")
                .append("flag or `…_FILE` variable (as container platforms mount secrets), so that it shows neither\n")
                .append("in the process list nor in the environment.\n\n")
                .append("Rules between settings, checked at start-up:\n\n")
                .append("- `--notifications-dispatch-timeout` < `--notifications-lease-period` <")
                .append(" `--kafka-max-poll-interval`;\n")
                .append("- `--notifications-method smtp` needs `--notifications-email-from`; `webhook` needs\n")
                .append("  `--notifications-webhook-endpoint`;\n")
                .append("- port 465 on the smarthost implies TLS from the first byte, as")
                .append(" `--notifications-email-force-tls` does;\n")
                .append("- a password and a password file exclude each other, and either needs a username;\n")
                .append("- a client certificate and its key go together.\n");
        Map<String, List<Setting<?>>> groups = new LinkedHashMap<>();
        for (Setting<?> setting : HeraldSettings.ALL) {
            groups.computeIfAbsent(setting.group(), group -> new java.util.ArrayList<>())
                    .add(setting);
        }
        groups.forEach((group, settings) -> {
            doc.append("\n## ").append(group).append("\n\n");
            doc.append("| Flag | Environment | Type | Default | Description |\n");
            doc.append("|---|---|---|---|---|\n");
            for (Setting<?> setting : settings) {
                doc.append("| ")
                        .append(codes(withFile(setting.flags(), setting, setting.fileFlag())))
                        .append(" | ")
                        .append(codes(withFile(setting.environment(), setting, setting.fileEnv())))
                        .append(" | ")
                        .append(setting.type().name())
                        .append(" | ")
                        .append(setting.hasDefault() ? "`" + setting.defaultValue() + "`" : "")
                        .append(" | ")
                        .append(setting.description().replace("|", "\\|"))
                        .append(setting.secret() ? " **Secret.**" : "")
                        .append(setting.repeatable() ? " Repeatable." : "")
                        .append(" |\n");
            }
        });
        return doc.toString();
    }

    private static List<String> withFile(List<String> names, Setting<?> setting, String fileName) {
        if (!setting.readableFromFile()) {
            return names;
        }
        List<String> all = new java.util.ArrayList<>(names);
        all.add(fileName);
        return all;
    }

    private static String codes(List<String> names) {
        return names.stream().map(name -> "`" + name + "`").collect(Collectors.joining("<br>"));
    }
}
