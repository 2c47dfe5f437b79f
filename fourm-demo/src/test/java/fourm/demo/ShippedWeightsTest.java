package fourm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.typesafe.config.ConfigFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The weights this module ships (trained by {@code fourm demo --train} with the defaults) load under the default
 * settings and still do what the README's table says on a few held-out scenes: the maps and boxes clearly beat the
 * trivial predictor. A change to the model, the tokenizers, the world or the generation code that breaks the shipped
 * weights fails here, not in a user's first run.
 */
class ShippedWeightsTest {

    @Test
    void theBuildShipsWeightsTrainedWithTheDefaults() throws Exception {
        assertThat(Demo.hasShippedWeights()).as("fourm-demo ships weights under fourm/demo/weights/").isTrue();
        String info;
        try (var in = Demo.class.getResourceAsStream(Demo.SHIPPED + "weights.json")) {
            info = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonObject o = JsonParser.parseString(info).getAsJsonObject();
        DemoSettings defaults = DemoSettings.from(ConfigFactory.defaultReferenceUnresolved().resolve());
        assertThat(o.getAsJsonObject("signature")).isEqualTo(Demo.weightsSignature(defaults));
        assertThat(o.getAsJsonObject("settings")).as("the shipped weights were trained with today's defaults")
                .isEqualTo(Demo.settingsJson(DemoSettings.from(ConfigFactory.parseString("fourm.demo.weights = train")
                        .withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve())));
    }

    @Test
    void theShippedModelBeatsTheTrivialPredictorOnHeldOutScenes(@TempDir Path out) throws Exception {
        DemoSettings s = DemoSettings.from(ConfigFactory.parseString(
                        "fourm.demo { heldout-scenes = 32, train-scenes = 300, examples = 0 }")
                .withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve());
        EvalReport report = Demo.evaluate(s, null, out.resolve("eval.json"), DemoProgress.NONE);
        Map<String, EvalReport.Row> rows = report.rows().stream()
                .collect(Collectors.toMap(EvalReport.Row::key, r -> r));
        for (String key : new String[] {"depth_l1", "depth_delta1", "normal_angle", "semseg_miou", "det_map50"}) {
            EvalReport.Row r = rows.get(key);
            assertThat(r.beatsTrivial()).as("%s: model %s, trivial %s", key, r.model(), r.trivial()).isTrue();
        }
        assertThat(Files.readString(out.resolve("eval.json"))).contains("\"caption_exact\"");
    }
}
