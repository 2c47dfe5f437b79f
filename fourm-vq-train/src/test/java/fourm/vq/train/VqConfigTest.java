package fourm.vq.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.vq.VqConfig;
import fourm.vq.testing.TinyConfigs;
import org.junit.jupiter.api.Test;

class VqConfigTest {
    @Test
    void everyPresetOfTheReferenceConfParsesAndRoundTripsThroughJson() {
        Config root = ConfigFactory.parseString("fourm.vq.train.data.path = /data")
                .withFallback(ConfigFactory.defaultReference()).resolve();
        assertThat(VqTrainSettings.presets(root)).containsExactlyInAnyOrder("rgb", "depth", "normal", "semseg",
                "canny-edge", "clip", "dinov2-global");
        for (String p : VqTrainSettings.presets(root)) {
            VqTrainSettings s = VqTrainSettings.fromConfig(root, p);
            VqConfig c = s.model();
            assertThat(VqConfig.fromJson(c.toJson(), "test")).isEqualTo(c);
            assertThat(s.data().folder()).isNotBlank();
        }
        VqTrainSettings rgb = VqTrainSettings.fromConfig(root, "rgb");
        assertThat(rgb.model().tokensPerImage()).isEqualTo(64);
        assertThat(rgb.deadCodeThreshold()).isEqualTo(16.0 * 64 / 1024 / 4);
        assertThat(VqTrainSettings.fromConfig(root, "dinov2-global").model().tokensPerImage()).isEqualTo(16);
        assertThat(VqTrainSettings.fromConfig(root, "clip").data().teacher())
                .isEqualTo(VqTrainSettings.Teacher.SYNTHETIC);
    }

    @Test
    void badSettingsNameTheirKey() {
        Config root = ConfigFactory.defaultReference();
        assertThatThrownBy(() -> VqTrainSettings.fromConfig(root.withFallback(ConfigFactory.empty()), "lidar"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no tokenizer preset 'lidar'")
                .hasMessageContaining("rgb");
        assertThatThrownBy(() -> VqTrainSettings.fromConfig(root, "rgb")).hasMessageContaining("data.path");
        assertThatThrownBy(() -> TinyConfigs.vit("rgb", 32, 3, 8, "quantizer.typo = 1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("quantizer.typo");
        assertThatThrownBy(() -> TinyConfigs.vit("rgb", 30, 3, 8, ""))
                .hasMessageContaining("image-size 30 is not a multiple of patch-size 8");
        assertThatThrownBy(() -> TinyConfigs.vit("rgb", 32, 1, 8, "")).hasMessageContaining("rgb has 3 channels");
        assertThatThrownBy(() -> TinyConfigs.vit("semseg", 32, 8, 8, ""))
                .hasMessageContaining("semseg needs num-classes");
        assertThatThrownBy(() -> TinyConfigs.vit("rgb", 32, 3, 8, "quantizer.type = memcodes, quantizer.heads = 2"))
                .hasMessageContaining("memcodes is supported for global embeddings");
        assertThatThrownBy(() -> TinyConfigs.vit("rgb", 32, 3, 8, "encoder.heads = 3"))
                .hasMessageContaining("needs heads >= 1 dividing it");
        assertThatThrownBy(() -> TinyConfigs.vit("feature-map", 4, 16, 2, ""))
                .hasMessageContaining("has no patches");
        assertThatThrownBy(() -> VqConfig.fromJson("{\"name\": 3}", "file.safetensors"))
                .hasMessageContaining("file.safetensors").hasMessageContaining("missing field");
    }
}
