package io.meshguard.job.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * Turns program arguments into a Flink {@link Configuration}: {@code --config <file>} loads flat
 * {@code key: value} lines first, then every {@code --<option> <value>} overrides. Unknown options
 * are rejected so a typo never silently falls back to a default.
 */
public final class CommandLine {
    private CommandLine() {}

    public static Configuration parse(String[] args, List<ConfigOption<?>> known) {
        Set<String> keys = new HashSet<>();
        known.forEach(o -> keys.add(o.key()));
        Configuration config = new Configuration();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                loadFile(Path.of(value(args, i)), config, keys);
                i++;
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; options look like --key value");
            }
            String key = arg.substring(2);
            String value = value(args, i);
            i++;
            if (key.equals("config")) {
                continue;
            }
            set(config, keys, key, value);
        }
        return config;
    }

    private static String value(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException("option " + args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static void loadFile(Path file, Configuration config, Set<String> keys) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
        }
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException(file + ": expected 'key: value', got '" + trimmed + "'");
            }
            set(config, keys, trimmed.substring(0, colon).strip(), trimmed.substring(colon + 1).strip());
        }
    }

    private static void set(Configuration config, Set<String> keys, String key, String value) {
        if (!keys.contains(key)) {
            throw new IllegalArgumentException("unknown option '" + key + "' (see the README's configuration table)");
        }
        config.setString(key, value);
    }
}
