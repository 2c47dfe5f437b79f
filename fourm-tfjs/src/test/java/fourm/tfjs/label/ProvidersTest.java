package fourm.tfjs.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.label.LabelImages;
import fourm.api.label.PseudoLabelerProvider;
import fourm.testing.SharedFiles;
import fourm.tfjs.TfjsModel;
import fourm.tfjs.TfjsModelException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvidersTest {
    @TempDir
    Path dir;

    @Test
    void theLabelersAndTheImageServiceAreDiscovered() {
        assertThat(PseudoLabelerProvider.installed()).extracting(PseudoLabelerProvider::name).containsExactly(
                "det:nanodet", "features:movenet-backbone", "features:savedmodel", "keypoints:movenet",
                "person-mask:selfie");
        assertThat(LabelImages.installed()).containsInstanceOf(AwtLabelImages.class);
        for (PseudoLabelerProvider p : PseudoLabelerProvider.installed()) {
            assertThat(ConfigFactory.defaultReference().hasPath(p.configPath())).as(p.configPath()).isTrue();
        }
    }

    @Test
    void modelsDirDefaultsToTheCacheFolder() {
        Config ref = ConfigFactory.defaultReference();
        String expected = System.getenv("FOURM_MODELS_DIR") != null ? System.getenv("FOURM_MODELS_DIR")
                : System.getProperty("user.home") + "/.cache/fourm/models";
        assertThat(ref.getString("fourm.labelers.models-dir")).isEqualTo(expected);
        assertThat(ref.getString("fourm.labelers.nanodet.model")).isEqualTo(expected + "/nanodet.json");
    }

    @Test
    void unknownAndInvalidSettingsAreRefusedByName() {
        NanoDetProvider p = new NanoDetProvider();
        Config node = ConfigFactory.defaultReference().getConfig(p.configPath());
        assertThatThrownBy(() -> p.open(node.withValue("score-treshold", ConfigValueFactory.fromAnyRef(0.5))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("score-treshold")
                .hasMessageContaining("score-threshold");
        assertThatThrownBy(() -> p.open(node.withValue("iou-threshold", ConfigValueFactory.fromAnyRef(1.5))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("iou-threshold")
                .hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> p.open(node.withoutPath("threads"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("threads");
    }

    @Test
    void aMissingModelSaysHowToFetchIt() {
        MoveNetProvider p = new MoveNetProvider();
        Config node = ConfigFactory.defaultReference().getConfig(p.configPath())
                .withValue("model", ConfigValueFactory.fromAnyRef(dir.resolve("movenet-lightning.json").toString()));
        assertThatThrownBy(() -> p.open(node)).isInstanceOf(TfjsModelException.class)
                .hasMessageContaining("movenet-lightning.json").hasMessageContaining("bin/fetch-models");
    }

    @Test
    void aTruncatedRealModelNamesItsFileAndNodeAndTheJvmCarriesOn() throws IOException {
        Path json = Fixtures.model("nanodet.json");
        Path bin = json.resolveSibling("nanodet.bin");
        Files.copy(json, dir.resolve("nanodet.json"));
        byte[] weights = Files.readAllBytes(bin);
        Files.write(dir.resolve("nanodet.bin"), java.util.Arrays.copyOf(weights, weights.length / 2));
        assertThatThrownBy(() -> TfjsModel.load(dir.resolve("nanodet.json")))
                .isInstanceOfSatisfying(TfjsModelException.class, e -> {
                    assertThat(e.file()).isEqualTo(dir.resolve("nanodet.bin"));
                    assertThat(e.node()).isPresent();
                })
                .hasMessageContaining("nanodet.bin").hasMessageContaining("node '").hasMessageContaining("truncated");

        // A weight declared with a dtype the node cannot take, and an op TensorFlow does not have.
        String text = Files.readString(json, StandardCharsets.UTF_8);
        Files.write(dir.resolve("nanodet.bin"), weights);
        Files.writeString(dir.resolve("nanodet.json"), text.replaceFirst("\"op\": ?\"LeakyRelu\"", "\"op\":\"Mish\""));
        assertThatThrownBy(() -> TfjsModel.load(dir.resolve("nanodet.json"))).isInstanceOf(TfjsModelException.class)
                .hasMessageContaining("nanodet.json").hasMessageContaining("node '").hasMessageContaining("'Mish'");
        try (TfjsModel intact = TfjsModel.load(json)) {
            assertThat(intact.signatureOutputs()).hasSize(6);
        }
    }

    @Test
    void cocoNamesAreTheClassNamesOfTheReferenceVocabulary() throws IOException {
        Path vocab = SharedFiles.require("reference/text_tokenizer_4m_wordpiece_30k.json");
        String json = Files.readString(vocab, StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (String name : CocoNames.NAMES) {
            if (!json.contains("\"content\":\"" + name + "\"") && !json.contains("\"content\": \"" + name + "\"")) {
                missing.add(name);
            }
        }
        assertThat(missing).as("COCO names without an added token in the reference vocabulary").isEmpty();
        assertThat(CocoNames.NAMES).hasSize(80).doesNotHaveDuplicates();
        assertThat(CocoNames.KEYPOINTS).hasSize(17).doesNotHaveDuplicates();
    }
}
