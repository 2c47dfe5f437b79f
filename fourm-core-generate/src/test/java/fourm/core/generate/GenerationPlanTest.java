package fourm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.api.GenerationScheme;
import fourm.core.model.ModalityCatalog;
import fourm.core.model.testing.TestModalities;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plans: the fluent builder, the reference's HOCON format, validation, presets and the flat schedule. */
class GenerationPlanTest {
    static final ModalityCatalog REFERENCE = TestModalities.reference();

    static Config conf(String text) {
        return ConfigFactory.parseString(text);
    }

    static final String T2CR_LISTS = """
            cond_domains = [caption]
            target_domains = ["tok_clip@224", "tok_rgb@224"]
            tokens_per_target = [196, 196]
            autoregression_schemes = [roar, roar]
            decoding_steps = [49, 25]
            token_decoding_schedules = [linear, linear]
            temps = [6.0, 0.5]
            temp_schedules = ["onex:0.5:0.5", constant]
            cfg_scales = [3.0, 3.0]
            cfg_schedules = [constant, constant]
            cfg_grow_conditioning = true
            top_p = 0.9
            top_k = 0.0
            """;

    /** The reference's YAML file, as HOCON: hyphen-joined strings and single values for every target. */
    static final String T2CR_HYPHENS = """
            name = auto
            cond_domains = caption
            target_domains = "tok_clip@224-tok_rgb@224"
            tokens_per_target = 196
            autoregression_schemes = roar-roar
            decoding_steps = 49-25
            token_decoding_schedules = linear
            temps = "6.0-0.5"
            temp_schedules = "onex:0.5:0.5-constant"
            cfg_scales = 3.0
            cfg_schedules = constant
            cfg_grow_conditioning = True
            top_p = 0.9
            top_k = 0.0
            """;

    @Test
    void readsTheReferenceFormatAsListsAndAsHyphenJoinedStrings() {
        GenerationPlan lists = GenerationPlan.fromConfig(conf(T2CR_LISTS), REFERENCE);
        GenerationPlan hyphens = GenerationPlan.fromConfig(conf(T2CR_HYPHENS), REFERENCE);
        assertThat(hyphens).isEqualTo(lists);
        assertThat(lists.conditions()).containsExactly("caption");
        assertThat(lists.targetKeys()).containsExactly("tok_clip@224", "tok_rgb@224");
        Step clip = lists.targets().get("tok_clip@224");
        assertThat(clip.scheme()).isEqualTo(GenerationScheme.ROAR);
        assertThat(clip.steps()).isEqualTo(49);
        assertThat(clip.temperature()).isEqualTo(6.0);
        assertThat(clip.temperatureSchedule()).isEqualTo(TemperatureSchedule.onex(0.5, 0.5));
        assertThat(clip.cfgScale()).isEqualTo(3.0);
        assertThat(clip.tokens()).hasValue(196);
        assertThat(lists.growConditioning()).isTrue();
        assertThat(lists.topP()).isEqualTo(0.9);
        assertThat(lists.topK().isOff()).isTrue();
    }

    @Test
    void theFlatScheduleFollowsTheReference() {
        GenerationPlan plan = GenerationPlan.fromConfig(conf(T2CR_LISTS));
        List<ScheduledStep> s = plan.schedule(t -> 196);
        assertThat(s).hasSize(49 + 25);
        assertThat(s.subList(0, 49)).allMatch(x -> x.target().equals("tok_clip@224") && x.tokens() == 4
                && x.cfgConditions().equals(List.of("caption")));
        assertThat(s.get(0).temperature()).isCloseTo(6.0 * 0 + 0.5 + 5.5 * (1 - 4.0 / 196), within(1e-9));
        assertThat(s.get(48).temperature()).isEqualTo(0.5);
        assertThat(s.subList(49, 74)).allMatch(x -> x.target().equals("tok_rgb@224") && x.temperature() == 0.5
                && x.cfgConditions().equals(List.of("caption", "tok_clip@224")));
        assertThat(s.stream().mapToInt(ScheduledStep::tokens).sum()).isEqualTo(2 * 196);

        GenerationPlan ar = GenerationPlan.builder().condition("tok_rgb@224")
                .target("caption", Step.autoregressive().temperature(0.3)).build();
        assertThat(ar.schedule(t -> 0)).singleElement()
                .satisfies(x -> assertThat(x.scheme()).isEqualTo(GenerationScheme.AUTOREGRESSIVE))
                .satisfies(x -> assertThat(x.temperature()).isEqualTo(0.3));
    }

    @Test
    void weightedGuidanceTakesOneWeightPerCondition() {
        GenerationPlan p = GenerationPlan.fromConfig(conf("""
                cond_domains = ["tok_rgb@224", caption]
                target_domains = ["tok_depth@224", "tok_normal@224"]
                autoregression_schemes = roar
                decoding_steps = [4, 2]
                cfg_scales = [[2.0, 0.5], [1.0, 1.0, 3.0]]
                cfg_grow_conditioning = true
                """), REFERENCE);
        assertThat(p.targets().get("tok_depth@224").cfgWeights()).containsExactly(2.0, 0.5);
        assertThat(p.schedule(t -> 196).get(4).cfgConditions()).containsExactly("tok_rgb@224", "caption",
                "tok_depth@224");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                cond_domains = ["tok_rgb@224", caption]
                target_domains = ["tok_depth@224"]
                autoregression_schemes = roar
                decoding_steps = 4
                cfg_scales = [[2.0]]
                """))).isInstanceOf(ConfigException.class).hasMessageContaining("cfg_scales")
                .hasMessageContaining("1 guidance weights, expected one per condition (2");
    }

    @Test
    void anUnknownModalityIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                cond_domains = [caption]
                target_domains = ["tok_debth@224"]
                autoregression_schemes = roar
                decoding_steps = 8
                """), REFERENCE)).isInstanceOf(ConfigException.BadValue.class)
                .hasMessageContaining("target_domains").hasMessageContaining("unknown modality 'tok_debth@224'");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                cond_domains = [captions]
                target_domains = ["tok_depth@224"]
                autoregression_schemes = roar
                decoding_steps = 8
                """), REFERENCE)).hasMessageContaining("cond_domains").hasMessageContaining("'captions'");
    }

    @Test
    void aMissingStepCountIsRefused() {
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224"]
                autoregression_schemes = roar
                """))).isInstanceOf(ConfigException.Missing.class).hasMessageContaining("decoding_steps");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224", caption]
                autoregression_schemes = [autoregressive, maskgit]
                decoding_steps = [8, null]
                """))).isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("decoding_steps")
                .hasMessageContaining("target 'caption' (maskgit) needs a step count");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224"]
                autoregression_schemes = roar
                decoding_steps = 0
                """))).hasMessageContaining("decoding_steps").hasMessageContaining("step count >= 1");
    }

    @Test
    void aListOfTheWrongLengthIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224", "tok_normal@224"]
                autoregression_schemes = roar
                decoding_steps = 8
                temps = [1.0, 2.0, 3.0]
                """))).isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("temps")
                .hasMessageContaining("has 3 entries, expected one per target (2");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224", "tok_normal@224"]
                autoregression_schemes = [roar]
                decoding_steps = 8
                """))).hasMessageContaining("autoregression_schemes").hasMessageContaining("has 1 entries");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224", "tok_normal@224"]
                autoregression_schemes = roar
                decoding_steps = "8-8-8"
                """))).hasMessageContaining("decoding_steps").hasMessageContaining("3 hyphen-joined entries");
    }

    @Test
    void aTargetThatIsAlsoAConditionIsRefused() {
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                cond_domains = ["tok_rgb@224", "tok_depth@224"]
                target_domains = ["tok_depth@224"]
                autoregression_schemes = roar
                decoding_steps = 8
                """))).isInstanceOf(ConfigException.BadValue.class).hasMessageContaining("target_domains")
                .hasMessageContaining("'tok_depth@224' is also in cond_domains");
        assertThatIllegalArgumentException().isThrownBy(() -> GenerationPlan.builder().condition("caption")
                .target("caption", Step.autoregressive()).build())
                .withMessageContaining("both a condition and a target");
    }

    @Test
    void otherMistakesNameTheirKey() {
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224"]
                autoregression_scheme = roar
                """))).isInstanceOf(ConfigException.BadPath.class).hasMessageContaining("autoregression_scheme")
                .hasMessageContaining("unknown key");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = [caption]
                autoregression_schemes = roar
                decoding_steps = 8
                """), REFERENCE)).hasMessageContaining("autoregression_schemes")
                .hasMessageContaining("a sequence is decoded autoregressive");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224"]
                autoregression_schemes = roar
                decoding_steps = 8
                cfg_schedules = cosine
                """))).hasMessageContaining("cfg_schedules").hasMessageContaining("only constant");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224"]
                autoregression_schemes = roar
                decoding_steps = 8
                temp_schedules = "onex:fast"
                """))).hasMessageContaining("temp_schedules").hasMessageContaining("onex:<min>:<power>");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["tok_depth@224"]
                autoregression_schemes = roar
                decoding_steps = 8
                top_p = 1.5
                """))).hasMessageContaining("top_p");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("""
                target_domains = ["rgb@224"]
                autoregression_schemes = roar
                decoding_steps = 8
                """), REFERENCE)).hasMessageContaining("target_domains").hasMessageContaining("cannot be generated");
        assertThatThrownBy(() -> GenerationPlan.fromConfig(conf("autoregression_schemes = roar")))
                .isInstanceOf(ConfigException.Missing.class).hasMessageContaining("target_domains");
    }

    @Test
    void thePresetsInReferenceConfAreValidPlansOfTheReferenceModalities() {
        Config root = ConfigFactory.defaultReference();
        assertThat(GenerationPlan.presetNames(root)).contains("rgb2x", "x2rgb", "t2cr");
        for (String name : GenerationPlan.presetNames(root)) {
            GenerationPlan p = GenerationPlan.fromConfig(root.getConfig("fourm.generate.presets." + name), REFERENCE);
            assertThat(p.targets()).as(name).isNotEmpty();
        }
        assertThat(GenerationPlan.preset(root, "t2cr")).isEqualTo(GenerationPlan.fromConfig(conf(T2CR_LISTS)));
        GenerationPlan rgb2x = GenerationPlan.preset(root, "rgb2x");
        assertThat(rgb2x.conditions()).containsExactly("rgb@224");
        assertThat(rgb2x.targets()).hasSize(14).doesNotContainKey("tok_rgb@224");
        assertThat(rgb2x.targets().get("tok_depth@224")).isEqualTo(Step.roar(1).temperature(0.01).cfgScale(2.0)
                .tokens(196));
        assertThat(rgb2x.targets().get("human_poses")).isEqualTo(Step.autoregressive().temperature(0.1).tokens(275));
        assertThat(rgb2x.topP()).isEqualTo(0.8);
        GenerationPlan x2rgb = GenerationPlan.preset(root, "x2rgb");
        assertThat(x2rgb.targets().get("tok_clip@224")).isEqualTo(Step.roar(50).temperature(5.0)
                .temperatureSchedule("onex:0.5:0.5").cfgScale(3.0).tokens(196));
        assertThat(x2rgb.targets().get("tok_rgb@224").steps()).isEqualTo(25);
        assertThatThrownBy(() -> GenerationPlan.preset(root, "rgb2everything"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no generation preset 'rgb2everything'")
                .hasMessageContaining("t2cr");
    }
}
