package io.meshguard.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's configuration tables match the declared options, as {@code OptionsDoc} renders them. */
class OptionsDocTest {
    private static final String SECTION = "## Configuration";

    private static List<String> readme;

    @BeforeAll
    static void readReadme() throws IOException {
        readme = Files.readAllLines(repositoryRoot().resolve("README.md"));
    }

    @Test
    void everyOptionAppearsInTheReadmeWithItsDefault() {
        SoftAssertions softly = new SoftAssertions();
        for (ConfigOption<?> option : allOptions()) {
            String start = "| `" + option.key() + "` | `" + OptionsDoc.defaultText(option) + "` |";
            softly.assertThat(readme)
                    .as("README row of %s (regenerate the table with OptionsDoc)", option.key())
                    .anyMatch(line -> line.startsWith(start));
        }
        softly.assertAll();
    }

    @Test
    void everyGeneratedTableRowAppearsVerbatimInTheReadme() {
        List<String> rows = OptionsDoc.markdown().lines().filter(l -> l.startsWith("| `")).toList();

        assertThat(rows).hasSize(allOptions().size());
        assertThat(readme).as("README (regenerate the table with OptionsDoc)").containsAll(rows);
    }

    @Test
    void readmeDocumentsNoOptionThatDoesNotExist() {
        Set<String> keys = new HashSet<>();
        allOptions().forEach(o -> keys.add(o.key()));

        List<String> documented = new ArrayList<>();
        boolean inSection = false;
        for (String line : readme) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equals(SECTION);
            } else if (inSection && line.startsWith("| `")) {
                documented.add(line.substring(3, line.indexOf('`', 3)));
            }
        }

        assertThat(documented).as("options in the README's configuration section").isNotEmpty();
        assertThat(keys).as("declared options").containsAll(documented);
        assertThat(documented).as("options documented twice").doesNotHaveDuplicates();
    }

    @Test
    void defaultsAreRenderedAsUsersWriteThem() {
        assertThat(OptionsDoc.defaultText(MeshGuardOptions.PARSE_MAX_DURATION)).isEqualTo("1 h");
        assertThat(OptionsDoc.defaultText(MeshGuardOptions.WATERMARK_OUT_OF_ORDERNESS)).isEqualTo("2 s");
        assertThat(OptionsDoc.defaultText(MeshGuardOptions.SCORING_WEIGHTS)).isEqualTo("(none)");
        assertThat(OptionsDoc.defaultText(RunnerOptions.RATE)).isEqualTo("1000.0");
        assertThat(OptionsDoc.defaultText(MeshGuardOptions.POLICY_INITIAL)).isEqualTo("(none)");
    }

    @Test
    void everyDetectionOptionIsInExactlyOneReadmeSection() {
        List<ConfigOption<?>> sectioned = new ArrayList<>();
        MeshGuardOptions.sections().values().forEach(sectioned::addAll);

        assertThat(sectioned).containsExactlyElementsOf(MeshGuardOptions.all());
    }

    private static List<ConfigOption<?>> allOptions() {
        List<ConfigOption<?>> all = new ArrayList<>(RunnerOptions.all());
        all.addAll(IoOptions.all());
        all.addAll(MeshGuardOptions.all());
        return all;
    }

    /** Walks up from the working directory (a module when run by Maven) to the repository root. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("jobs"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no README.md next to jobs/ above " + Path.of("").toAbsolutePath());
    }
}
