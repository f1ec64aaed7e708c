package io.meshguard.job.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.description.HtmlFormatter;

/** Prints the configuration reference as Markdown tables, for the README. */
public final class OptionsDoc {
    private OptionsDoc() {}

    public static void main(String[] args) {
        System.out.print(markdown());
    }

    public static String markdown() {
        StringBuilder sb = new StringBuilder("Local runner:\n\n").append(table(RunnerOptions.all()));
        sb.append("\nProduction I/O (local runner and cluster job):\n\n").append(table(IoOptions.all()));
        MeshGuardOptions.sections().forEach((heading, options) ->
                sb.append('\n').append(heading).append(":\n\n").append(table(options)));
        return sb.toString();
    }

    static String table(List<ConfigOption<?>> options) {
        StringBuilder sb = new StringBuilder("| option | default | meaning |\n|---|---|---|\n");
        HtmlFormatter formatter = new HtmlFormatter();
        for (ConfigOption<?> o : options) {
            sb.append("| `").append(o.key()).append("` | `").append(defaultText(o)).append("` | ")
                    .append(formatter.format(o.description()).replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    static String defaultText(ConfigOption<?> o) {
        Object v = o.defaultValue();
        if (v == null) {
            return "(none)";
        }
        if (v instanceof java.time.Duration) {
            return org.apache.flink.util.TimeUtils.formatWithHighestUnit((java.time.Duration) v);
        }
        if (v instanceof java.util.Map && ((java.util.Map<?, ?>) v).isEmpty()) {
            return "(none)";
        }
        return String.valueOf(v);
    }
}
