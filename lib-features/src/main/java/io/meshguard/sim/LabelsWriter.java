package io.meshguard.sim;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes ground-truth labels as {@code labels.jsonl}, one {@link GroundTruthLabel#toJsonLine()} per line. */
public final class LabelsWriter {
    public static final String FILE_NAME = "labels.jsonl";

    private LabelsWriter() {}

    public static void write(List<GroundTruthLabel> labels, Writer out) throws IOException {
        for (GroundTruthLabel label : labels) {
            out.write(label.toJsonLine());
            out.write('\n');
        }
    }

    /** Writes the labels to a file, creating its parent directories and replacing any earlier file. */
    public static void write(List<GroundTruthLabel> labels, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(labels, out);
        }
    }

    /** Writes the labels of the run the configuration describes; no traffic is generated. */
    public static void write(SimulationConfig config, Path file) throws IOException {
        write(new TrafficSimulator(config).labels(), file);
    }
}
