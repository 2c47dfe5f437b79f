package fourm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;
import fourm.core.train.TrainSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown keys under {@code fourm} fail naming key and file; {@code -D} overrides are typed like file values. */
class StrictConfigTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("experiment.conf");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void unknownKeysUnderFourmDataFailNamingKeyFileAndLine() throws IOException {
        Path f = file("fourm.data {\n  shufle-buffer = 10\n}\n");
        assertThatThrownBy(() -> Fourm.loadConfig(f)).isInstanceOf(ConfigException.BadPath.class)
                .hasMessageContaining("fourm.data.shufle-buffer").hasMessageContaining(f.getFileName().toString())
                .hasMessageContaining(": 2").hasMessageContaining("did you mean 'shuffle-buffer'");
        Path g = file("fourm.data.on-bad-sampel = skip\n");
        assertThatThrownBy(() -> Fourm.loadConfig(g)).hasMessageContaining("fourm.data.on-bad-sampel")
                .hasMessageContaining("on-bad-sample");
    }

    @Test
    void aMisspelledNamespaceFails() throws IOException {
        Path f = file("fourm.trian.steps = 5\n");
        assertThatThrownBy(() -> Fourm.loadConfig(f)).isInstanceOf(ConfigException.BadPath.class)
                .hasMessageContaining("fourm.trian").hasMessageContaining("did you mean 'train'");
    }

    @Test
    void unknownKeysDeepInsideAModuleNodeFail() throws IOException {
        Path f = file("fourm.train.optimizer.bettas = [0.9, 0.95]\n");
        assertThatThrownBy(() -> Fourm.loadConfig(f)).hasMessageContaining("fourm.train.optimizer.bettas");
        Path g = file("fourm.masking.special-ids.padd = 0\n");
        assertThatThrownBy(() -> Fourm.loadConfig(g)).hasMessageContaining("fourm.masking.special-ids.padd");
    }

    @Test
    void openNodesAcceptNewKeys() throws IOException {
        Path f = file("fourm.train.vocab-sizes { \"tok_rgb@224\" = 64 }\n"
                + "fourm.masking.presets.mine { num-input-tokens = 8, num-target-tokens = 8, modalities {} }\n"
                + "fourm.train.masking.mixture { sampling-weights = [1], modalities {} }\n");
        assertThatNoException().isThrownBy(() -> Fourm.loadConfig(f));
    }

    @Test
    void systemPropertiesAreTypedLikeFileValues() {
        Properties p = new Properties();
        p.setProperty("fourm.train.steps", "5");
        p.setProperty("fourm.train.resume", "true");
        p.setProperty("fourm.train.optimizer.betas", "[0.8, 0.9]");
        p.setProperty("fourm.train.output-dir", "/tmp/x//y");
        p.setProperty("java.version", "17");
        Config typed = StrictConfig.typed(p);
        assertThat(typed.getValue("fourm.train.steps").valueType()).isEqualTo(ConfigValueType.NUMBER);
        assertThat(typed.getBoolean("fourm.train.resume")).isTrue();
        assertThat(typed.getDoubleList("fourm.train.optimizer.betas")).containsExactly(0.8, 0.9);
        assertThat(typed.hasPath("fourm.train.output-dir")).as("strings stay the untyped property").isFalse();
        assertThat(typed.hasPath("java")).isFalse();
    }

    @Test
    void aDashDOverrideOfANumericTrainKeyIsReadByTrainSettings() throws IOException {
        Path f = file("fourm.train { output-dir = out, data.path = data, schedule.warmup-steps = 1 }\n");
        String before = System.getProperty("fourm.train.steps");
        System.setProperty("fourm.train.steps", "5");
        try {
            Config c = Fourm.loadConfig(f);
            assertThat(TrainSettings.fromConfig(c).steps()).isEqualTo(5);
        } finally {
            if (before == null) {
                System.clearProperty("fourm.train.steps");
            } else {
                System.setProperty("fourm.train.steps", before);
            }
            ConfigFactory.invalidateCaches();
        }
    }
}
