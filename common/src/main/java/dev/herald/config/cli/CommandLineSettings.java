package dev.herald.config.cli;

import dev.herald.config.ConfigInput;
import dev.herald.config.HeraldSettings;
import dev.herald.config.Setting;
import dev.herald.config.SettingType;
import dev.herald.config.SettingValues;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Turns the declarations of {@link HeraldSettings} into picocli options, so that a command accepts every flag with
 * every alias and {@code --help} lists each with its variable and default. Values stay raw strings here; typing and
 * validation happen in one place, {@link dev.herald.config.HeraldConfig#load}.
 */
public final class CommandLineSettings {

    private CommandLineSettings() {}

    /** Adds one option per setting to {@code spec}. */
    public static void addOptions(CommandSpec spec) {
        for (Setting<?> setting : HeraldSettings.ALL) {
            spec.addOption(option(setting));
            if (setting.readableFromFile()) {
                spec.addOption(OptionSpec.builder(setting.fileFlag())
                        .description("A file holding the value of " + setting.flag() + " (one value per line when it"
                                + " repeats), so that the secret stays out of the process list. Env: $"
                                + setting.fileEnv() + ".")
                        .paramLabel("<path>")
                        .type(String.class)
                        .arity("1")
                        .build());
            }
        }
    }

    /** The flags that were given on the command line, with the environment, as the input of a configuration. */
    public static ConfigInput input(ParseResult parsed, Map<String, String> environment) {
        Map<String, ConfigInput.FlagValue> flags = new LinkedHashMap<>();
        for (Setting<?> setting : HeraldSettings.ALL) {
            if (setting.readableFromFile()) {
                OptionSpec file = parsed.matchedOption(setting.fileFlag());
                if (file != null) {
                    flags.put(
                            SettingValues.fileKey(setting),
                            new ConfigInput.FlagValue(setting.fileFlag(), file.stringValues()));
                }
            }
            OptionSpec option = parsed.matchedOption(setting.flag());
            if (option == null) {
                continue;
            }
            List<String> values = option.stringValues();
            flags.put(setting.key(), new ConfigInput.FlagValue(nameTyped(setting, parsed.originalArgs()), values));
        }
        return new ConfigInput(flags, environment);
    }

    /**
     * Parses {@code args} that contain only setting flags.
     *
     * @throws CommandLine.ParameterException for an unknown flag or a missing value
     */
    public static ConfigInput parse(List<String> args, Map<String, String> environment) {
        CommandSpec spec = CommandSpec.create().name("herald");
        addOptions(spec);
        ParseResult parsed = new CommandLine(spec).parseArgs(args.toArray(String[]::new));
        return input(parsed, environment);
    }

    private static OptionSpec option(Setting<?> setting) {
        OptionSpec.Builder option = OptionSpec.builder(setting.flags().toArray(String[]::new))
                .description(describe(setting))
                .paramLabel("<" + setting.type().name() + ">");
        if (setting.type() == SettingType.BOOL) {
            option.type(String.class).arity("0..1").fallbackValue("true");
        } else if (setting.repeatable()) {
            option.type(List.class).auxiliaryTypes(String.class).arity("1");
        } else {
            option.type(String.class).arity("1");
        }
        return option.build();
    }

    private static String describe(Setting<?> setting) {
        StringBuilder text = new StringBuilder(setting.description().replace("%", "%%"));
        text.append(" Env: $").append(setting.env()).append('.');
        if (setting.hasDefault()) {
            text.append(" Default: ").append(setting.defaultValue()).append('.');
        }
        return text.toString();
    }

    private static String nameTyped(Setting<?> setting, List<String> originalArgs) {
        for (String arg : originalArgs) {
            for (String flag : setting.flags()) {
                if (arg.equals(flag) || arg.startsWith(flag + "=")) {
                    return flag;
                }
            }
        }
        return setting.flag();
    }
}
