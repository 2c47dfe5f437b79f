package fourm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FourmConfigTest {
    @TempDir
    Path dir;

    @Test
    void experimentFileOverridesReferenceAndSubstitutionsSeeTheOverride() throws IOException {
        Path file = dir.resolve("exp.conf");
        Files.writeString(file, "fourm.experiment.modalities = [a, b]\n"
                + "fourm.test-only.base = 7\n");
        Config c = Fourm.loadConfig(file);
        assertThat(c.getStringList(Fourm.ENABLED_PATH)).containsExactly("a", "b");
        // src/test/resources/reference.conf says derived = ${fourm.test-only.base} (base = 1): a substitution in one
        // module's reference.conf must see the experiment file's value, as modality plugins share the text tokenizer.
        assertThat(c.getInt("fourm.test-only.derived")).isEqualTo(7);
    }

    @Test
    void missingExperimentFileIsNamed() {
        Path missing = dir.resolve("nope.conf");
        assertThatThrownBy(() -> Fourm.loadConfig(missing))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.conf");
    }

    @Test
    void wrongTypeOfEnabledListIsRefusedByKey() throws IOException {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "fourm.experiment.modalities = 3\n");
        Config c = Fourm.loadConfig(file);
        assertThatThrownBy(() -> Fourm.validate(c))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fourm.experiment.modalities");
    }
}
