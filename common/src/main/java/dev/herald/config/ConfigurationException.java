package dev.herald.config;

import java.util.List;

/** The configuration cannot be used; every problem found is listed, each naming the setting and the fix. */
public final class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigurationException(List<String> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String render(List<String> problems) {
        StringBuilder text = new StringBuilder("invalid configuration (")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems")
                .append("):");
        for (String problem : problems) {
            text.append("\n  - ").append(problem);
        }
        return text.toString();
    }
}
