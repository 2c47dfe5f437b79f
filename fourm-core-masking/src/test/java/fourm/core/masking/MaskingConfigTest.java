package fourm.core.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.ModalitySpec;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.SpecialTokens;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaskingConfigTest {
    private static final Config REFERENCE = ConfigFactory.defaultReference();
    private static final String P21 = "fourm.masking.presets.\"4m-21\"";
    private static final String P7 = "fourm.masking.presets.\"4m-7\"";

    @Test
    void the4m21PresetStatesTheReferenceMixture() {
        MaskingConfig c = MaskingConfig.preset(REFERENCE, "4m-21", Specs.fourM21());
        assertThat(c.numInputTokens()).isEqualTo(256);
        assertThat(c.minInputTokens()).isEqualTo(256);
        assertThat(c.numTargetTokens()).isEqualTo(256);
        assertThat(c.mixture().components()).isEqualTo(7);
        assertThat(c.mixture().weights()).containsExactly(1, 1, 1, 1, 1, 0.5, 0.5);
        assertThat(c.mixture().modalities()).hasSize(19).containsExactlyInAnyOrderElementsOf(Specs.fourM21().keySet());
        assertThat(c.mixture().alphas("tok_rgb@224").input()).containsExactly(0.01, 0.1, 1.0, 10.0, 0, 0.05, 0.05);
        assertThat(c.mixture().alphas("rgb@224").input()[4]).isEqualTo(1000);
        assertThat(c.mixture().alphas("rgb@224").target()).containsOnly(0);
        assertThat(c.mixture().alphas("t5_caption").target()).containsOnly(0);
        assertThat(c.mixture().alphas("caption").input()[5]).isEqualTo(5.0);
        assertThat(c.mixture().alphas("caption").target()[5]).isEqualTo(0.0);
        assertThat(c.mixture().alphas("caption").keep().get(5)).isEqualTo(KeepScheme.ALL);
        assertThat(c.mixture().alphas("t5_caption").input()[6]).isEqualTo(5.0);
        assertThat(c.mixture().alphas("t5_caption").keep().get(6)).isEqualTo(KeepScheme.ALL);
        assertThat(c.mixture().alphas("color_palette").keep()).containsOnly(KeepScheme.BINARY);
        assertThat(c.mixture().alphas("det").keep()).containsOnly(KeepScheme.RANDOM);
        assertThat(c.special()).isEqualTo(SpecialTokens.REFERENCE);
    }

    @Test
    void the4m7PresetStatesTheReferenceMixture() {
        MaskingConfig c = MaskingConfig.preset(REFERENCE, "4m-7", Specs.fourM7());
        assertThat(c.numInputTokens()).isEqualTo(128);
        assertThat(c.numTargetTokens()).isEqualTo(128);
        assertThat(c.mixture().weights()).containsExactly(1, 1);
        assertThat(c.mixture().alphas("rgb@224").input()).containsExactly(0.5, 1000);
        assertThat(c.mixture().alphas("tok_depth@224").input()).containsExactly(0.5, 0);
        assertThat(c.mixture().alphas("tok_depth@224").target()).containsExactly(0.5, 0.5);
    }

    @Test
    void thePresetsMaskFullSizeSamplesWithinBudget() {
        for (String preset : List.of("4m-7", "4m-21")) {
            Map<String, ModalitySpec> specs = preset.equals("4m-7") ? Specs.fourM7() : Specs.fourM21();
            UnifiedMasking masking = new UnifiedMasking(specs, MaskingConfig.preset(REFERENCE, preset, specs));
            SplittableRandom data = new SplittableRandom(8);
            var sample = Samples.random(specs, data);
            for (long i = 0; i < 60; i++) {
                MaskedSample m = masking.mask(i, sample);
                UnifiedMaskingTest.assertWellFormed(m, sample, masking.config(), specs);
            }
        }
    }

    @Test
    void theDefaultPresetIsRead() {
        assertThat(MaskingConfig.fromConfig(REFERENCE, Specs.fourM21()).mixture().components()).isEqualTo(7);
    }

    private static Config with(String path, Object value) {
        return REFERENCE.withValue(path, ConfigValueFactory.fromAnyRef(value));
    }

    private static void assertRefused(Config c, Map<String, ModalitySpec> specs, String preset, String... fragments) {
        var thrown = assertThatThrownBy(() -> MaskingConfig.preset(c, preset, specs))
                .isInstanceOf(ConfigException.class);
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
    }

    @Test
    void aNegativeAlphaIsRefusedByKey() {
        Config c = with(P21 + ".modalities.\"tok_depth@224\".input-alphas", List.of(0.01, 0.1, 1, 10, 0, -0.05, 0.05));
        assertRefused(c, Specs.fourM21(), "4m-21", "\"tok_depth@224\".input-alphas", "-0.05", ">= 0");
    }

    @Test
    void aListOfTheWrongLengthIsRefusedByKey() {
        Config c = with(P21 + ".modalities.caption.target-alphas", List.of(0.5, 0.5));
        assertRefused(c, Specs.fourM21(), "4m-21", "caption.target-alphas", "expected 7", "got 2");
        Config k = with(P7 + ".modalities.det.keep", List.of("random"));
        assertRefused(k, Specs.fourM7(), "4m-7", "det.keep", "expected 2");
        Config w = with(P7 + ".sampling-weights", List.of(1, 1, 1));
        assertRefused(w, Specs.fourM7(), "4m-7", "input-alphas", "expected 3");
    }

    @Test
    void anUnknownModalityInTheMixtureIsRefusedByKey() {
        Config c = with(P7 + ".modalities.thermal", Map.of("input-alphas", List.of(1, 1),
                "target-alphas", List.of(1, 1)));
        assertRefused(c, Specs.fourM7(), "4m-7", "modalities.thermal", "unknown modality 'thermal'");
    }

    @Test
    void aModalityMissingFromTheMixtureIsRefused() {
        Config c = REFERENCE.withoutPath(P7 + ".modalities.det");
        assertRefused(c, Specs.fourM7(), "4m-7", "fourm.masking.presets.4m-7.modalities", "'det'");
    }

    @Test
    void aSequenceWithoutKeepIsRefusedByKey() {
        Config c = REFERENCE.withoutPath(P7 + ".modalities.caption.keep");
        assertRefused(c, Specs.fourM7(), "4m-7", "caption.keep", "missing");
        Config bad = with(P7 + ".modalities.caption.keep", List.of("random", "sometimes"));
        assertRefused(bad, Specs.fourM7(), "4m-7", "caption.keep", "sometimes", "random, all, binary");
    }

    @Test
    void keepOnAGridIsRefusedByKey() {
        Config c = with(P7 + ".modalities.\"tok_rgb@224\".keep", List.of("all", "all"));
        assertRefused(c, Specs.fourM7(), "4m-7", "\"tok_rgb@224\".keep", "keep does not apply");
    }

    @Test
    void aTargetAlphaForAnInputOnlyModalityIsRefused() {
        Config c = with(P7 + ".modalities.\"rgb@224\".target-alphas", List.of(0.5, 0));
        assertRefused(c, Specs.fourM7(), "4m-7", "\"rgb@224\".target-alphas", "cannot be a target");
    }

    @Test
    void nonNumbersAndUnknownKeysAreRefusedByKey() {
        Config c = with(P7 + ".modalities.det.input-alphas", List.of("lots", "0"));
        assertRefused(c, Specs.fourM7(), "4m-7", "det.input-alphas", "list of numbers");
        Config u = with(P7 + ".modalities.det.alpha", 1);
        assertRefused(u, Specs.fourM7(), "4m-7", "det.alpha", "unknown key");
        Config b = with(P7 + ".min-input-tokens", 500);
        assertRefused(b, Specs.fourM7(), "4m-7", "min-input-tokens");
    }

    @Test
    void anUnknownPresetListsTheKnownOnes() {
        assertRefused(REFERENCE, Specs.fourM7(), "5m", "fourm.masking.preset", "4m-21", "4m-7");
    }
}
