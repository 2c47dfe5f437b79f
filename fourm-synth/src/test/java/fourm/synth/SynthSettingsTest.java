package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class SynthSettingsTest {
    @Test
    void defaultsComeFromReferenceConf() {
        SynthSettings s = SynthSettings.defaults();
        assertThat(s.resolution()).isEqualTo(64);
        assertThat(s.samples()).isEqualTo(100);
        assertThat(s.seed()).isEqualTo(1);
        assertThat(s.threads()).isEqualTo(2);
        assertThat(s.maxObjects()).isEqualTo(5);
        assertThat(s.humansProbability()).isEqualTo(0.3);
        assertThat(s.key(42)).isEqualTo("scene-000042");
    }

    @Test
    void anOutOfRangeValueNamesItsKeyAndTheExpectedRange() {
        assertThatThrownBy(() -> TestSettings.with("resolution = 8"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fourm.synth.resolution: expected a number in [16, 4096], got 8");
        assertThatThrownBy(() -> TestSettings.with("min-objects = 4, max-objects = 2"))
                .hasMessageContaining("fourm.synth.max-objects").hasMessageContaining("[4, 50]");
        assertThatThrownBy(() -> TestSettings.with("camera.fov-degrees = 170"))
                .hasMessageContaining("fourm.synth.camera.fov-degrees");
        assertThatThrownBy(() -> TestSettings.with("key-prefix = \"a/b\""))
                .hasMessageContaining("fourm.synth.key-prefix");
    }

    @Test
    void aMistypedValueNamesItsKey() {
        assertThatThrownBy(() -> TestSettings.with("threads = many"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fourm.synth.threads").hasMessageContaining("NUMBER");
    }

    @Test
    void overridesApplyOnTopOfTheDefaults() {
        SynthSettings s = SynthSettings.from(ConfigFactory.parseString("fourm.synth.canny.sigma = 2.5"));
        assertThat(s.cannySigma()).isEqualTo(2.5);
        assertThat(s.cannyHigh()).isEqualTo(SynthSettings.defaults().cannyHigh());
        assertThat(s.withSeed(9).seed()).isEqualTo(9);
        assertThat(s.withSeed(9).cannySigma()).isEqualTo(2.5);
    }
}
