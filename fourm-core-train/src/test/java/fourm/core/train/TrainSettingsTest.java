package fourm.core.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.core.model.FourMConfig;
import fourm.core.model.LossType;
import fourm.core.optim.LrSchedule;
import fourm.testing.ToyModalities;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading and checking {@code fourm.train}: defaults, overrides, and every kind of bad value named by its key. */
class TrainSettingsTest {
    @TempDir
    Path dir;

    private Config config(String text) {
        return ConfigFactory.parseString("fourm.train { output-dir = \"" + dir.toString().replace("\\", "/")
                + "/out\", data.path = \"" + dir.toString().replace("\\", "/") + "/data\" }\n" + text)
                .withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void referenceDefaultsWithTheRequiredPathsGiven() {
        TrainSettings s = TrainSettings.fromConfig(config(""));
        assertThat(s.steps()).isEqualTo(1000);
        assertThat(s.batchSize()).isEqualTo(8);
        assertThat(s.lossType()).isEqualTo(LossType.MOD);
        assertThat(s.model().preset()).isEqualTo("fm_tiny_6e_6d_swiglu_nobias");
        assertThat(s.optimizer().beta1()).isEqualTo(0.9);
        assertThat(s.optimizer().beta2()).isEqualTo(0.95);
        assertThat(s.optimizer().weightDecay()).isEqualTo(0.05);
        assertThat(s.optimizer().clipGrad()).isZero();
        assertThat(s.masking().preset()).contains("4m-7");
        assertThat(s.schedule().type()).isEqualTo(LrSchedule.Type.COSINE);
        assertThat(s.data().crop()).isEqualTo(TrainSettings.Crop.RANDOM);
        // lr = blr * batch / 256 (spec §5)
        assertThat(s.lrSchedule().peakLr()).isEqualTo(1e-4 * 8 / 256);
    }

    @Test
    void explicitDimensionsReplaceThePresets() {
        TrainSettings s = TrainSettings.fromConfig(config("fourm.train.model { preset = custom, dim = 64,"
                + " encoder-depth = 2, decoder-depth = 3, num-heads = 4, family = gelu }\n"
                + "fourm.train { accum-iter = 4, optimizer { clip-grad = 3.0, blr = 2e-4 } }"));
        FourMConfig.Builder b = s.model().builder();
        assertThat(s.totalBatch()).isEqualTo(32);
        assertThat(s.lrSchedule().peakLr()).isEqualTo(2e-4 * 32 / 256);
        assertThat(s.optimizer().clipGrad()).isEqualTo(3.0);
        assertThat(s.model().dim()).hasValue(64);
        assertThat(s.model().decoderDepth()).hasValue(3);
        assertThat(b).isNotNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "fourm.train.steps = 0                              | fourm.train.steps",
        "fourm.train.batch-size = -1                        | fourm.train.batch-size",
        "fourm.train.batch-size = eight                     | fourm.train.batch-size",
        "fourm.train.optimiser.blr = 1                      | fourm.train.optimiser",
        "fourm.train.optimizer.betas = [0.9]                | fourm.train.optimizer.betas",
        "fourm.train.optimizer.betas = [0.9, 1.5]           | fourm.train.optimizer.betas",
        "fourm.train.optimizer.eps = 0                      | fourm.train.optimizer.eps",
        "fourm.train.optimizer.blr = -1                     | fourm.train.optimizer.blr",
        "fourm.train.optimizer { blr = 1e-4, min-blr = 1 }  | fourm.train.optimizer.min-blr",
        "fourm.train.optimizer.clip-grad = 0                | fourm.train.optimizer.clip-grad",
        "fourm.train.optimizer.lr = 1                       | fourm.train.optimizer.lr",
        "fourm.train.model.preset = fm_huge                 | fourm.train.model.preset",
        "fourm.train.model.preset = custom                  | fourm.train.model.dim",
        "fourm.train.model { dim = 100, num-heads = 6 }     | fourm.train.model.num-heads",
        "fourm.train.model.family = relu                    | fourm.train.model.family",
        "fourm.train.schedule.type = linear                 | fourm.train.schedule.type",
        "fourm.train.schedule.warmup-steps = 2000           | fourm.train.schedule.warmup-steps",
        "fourm.train.schedule.cooldown-steps = 10           | fourm.train.schedule.cooldown-steps",
        "fourm.train.loss-type = tokens                     | fourm.train.loss-type",
        "fourm.train.data.crop = middle                     | fourm.train.data.crop",
        "fourm.train.data.path = null                       | fourm.train.data.path",
        "fourm.train.output-dir = null                      | fourm.train.output-dir",
        "fourm.train.eval.every = -5                        | fourm.train.eval.every",
        "fourm.train.checkpoint.keep-last = x               | fourm.train.checkpoint.keep-last",
        "fourm.train.progress = fancy                       | fourm.train.progress",
        "fourm.train.masking.mixture = 3                    | fourm.train.masking.mixture",
        "fourm.train.masking.mixture { modalities {} }      | fourm.train.masking.num-input-tokens",
        "fourm.train.vocab-sizes { caption = 1 }            | fourm.train.vocab-sizes",
        "fourm.train.resume = maybe                         | fourm.train.resume",
    })
    void badValuesAreRefusedByKey(String setting, String key) {
        assertThatThrownBy(() -> TrainSettings.fromConfig(config(setting)))
                .isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }

    @Test
    void settingsThatDependOnTheModalitiesAreCheckedByExperiment() {
        String base = "fourm.train.model { preset = custom, dim = 32, encoder-depth = 1, decoder-depth = 1,"
                + " num-heads = 2 }\n";
        assertThatThrownBy(() -> Experiment.prepare(config(base + "fourm.train.vocab-sizes { \"tok_x@224\" = 9 }"),
                TrainerTest.modalities())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fourm.train.vocab-sizes").hasMessageContaining("tok_x@224");
        assertThatThrownBy(() -> Experiment.prepare(config(base + "fourm.train.vocab-sizes { caption = 100 }"),
                TrainerTest.modalities())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fourm.train.vocab-sizes").hasMessageContaining("special ids");
        assertThatThrownBy(() -> Experiment.prepare(config(base + "fourm.train.masking.mixture = \"4m-99\""),
                TrainerTest.modalities())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fourm.train.masking.mixture").hasMessageContaining("4m-7");
        // 4m-21 names every toy modality: restricted to them it fits, with its own budgets
        Experiment e = Experiment.prepare(config(base + "fourm.train.masking.mixture = \"4m-21\""),
                TrainerTest.modalities());
        assertThat(e.masking().numInputTokens()).isEqualTo(256);
        assertThat(e.masking().mixture().modalities()).containsExactlyInAnyOrder(ToyModalities.RGB, ToyModalities.DEPTH,
                ToyModalities.CAPTION);
        // budgets set in fourm.train.masking replace the preset's
        Experiment small = Experiment.prepare(config(base + "fourm.train.masking { mixture = \"4m-7\","
                + " num-input-tokens = 32, num-target-tokens = 16 }"), TrainerTest.modalities());
        assertThat(small.masking().numInputTokens()).isEqualTo(32);
        assertThat(small.masking().minInputTokens()).isEqualTo(32);
        assertThat(small.masking().numTargetTokens()).isEqualTo(16);
        assertThat(small.model().dim()).isEqualTo(32);
        assertThat(small.model().domainsOut()).containsExactly(ToyModalities.RGB, ToyModalities.DEPTH, ToyModalities.CAPTION);
        // an inline mixture that misses a modality names the modality
        assertThatThrownBy(() -> Experiment.prepare(config(base + "fourm.train.masking { num-input-tokens = 8,"
                + " num-target-tokens = 8, mixture.modalities { caption { input-alphas = [1], target-alphas = [1],"
                + " keep = [random] } } }"), TrainerTest.modalities())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fourm.train.masking.mixture").hasMessageContaining("tok_rgb@224");
    }
}
