package fourm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trivial predictor is saved with the stamp of its training world and read back bit for bit, so that {@code fourm
 * demo} and {@code fourm eval} need not make thousands of training scenes only for it; a predictor saved for another
 * world is not used.
 */
class TrivialPredictorFileTest {
    @TempDir
    Path tmp;

    @Test
    void aSavedPredictorReadsBackBitForBit() throws Exception {
        DemoSettings s = WorldAndTextTest.settings("fourm.demo { train-scenes = 24 }");
        TrivialPredictor fitted = TrivialPredictor.fit(World.scenes(s, World.Split.TRAIN, 24, DemoProgress.NONE));
        Path f = tmp.resolve(TrivialPredictor.FILE);
        fitted.write(f, Demo.trivialWorld(s));

        TrivialPredictor read = TrivialPredictor.read(Files.readString(f), Demo.trivialWorld(s), f.toString())
                .orElseThrow();
        assertThat(read.depth()).isEqualTo(fitted.depth());
        assertThat(read.normals()).isEqualTo(fitted.normals());
        assertThat(read.semseg()).isEqualTo(fitted.semseg());
        assertThat(read.boxes()).isEqualTo(fitted.boxes());
        assertThat(read.caption()).isEqualTo(fitted.caption());
        assertThat(Demo.savedTrivial(s, tmp)).isPresent();
    }

    @Test
    void aPredictorOfAnotherWorldIsNotUsed() throws Exception {
        DemoSettings s = WorldAndTextTest.settings("fourm.demo { train-scenes = 8 }");
        TrivialPredictor.fit(World.scenes(s, World.Split.TRAIN, 8, DemoProgress.NONE))
                .write(tmp.resolve(TrivialPredictor.FILE), Demo.trivialWorld(s));
        for (String other : List.of("fourm.demo { train-scenes = 9 }",
                "fourm.demo { train-scenes = 8, world.train-seed = 2 }",
                "fourm.demo { train-scenes = 8, world.synth.max-objects = 2 }")) {
            DemoSettings o = WorldAndTextTest.settings(other);
            assertThat(Demo.savedTrivial(o, tmp)).as(other).isEmpty();
        }
        Files.writeString(tmp.resolve(TrivialPredictor.FILE), "{\"format\": 1, \"world\": "
                + Demo.trivialWorld(s) + ", \"depth\": [1.0]}");
        assertThatThrownBy(() -> Demo.savedTrivial(s, tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(TrivialPredictor.FILE).hasMessageContaining("not a saved trivial predictor");
    }

    /**
     * The shipped predictor was fitted on the default training world: its stamp is the defaults', and its caption (the
     * first training caption with the most frequent facts) is one the default world makes among its first scenes.
     */
    @Test
    void theShippedPredictorIsTheDefaultWorlds() throws Exception {
        DemoSettings s = WorldAndTextTest.settings("");
        String json;
        try (InputStream in = Demo.class.getResourceAsStream(Demo.SHIPPED + TrivialPredictor.FILE)) {
            assertThat(in).as("fourm-demo ships " + TrivialPredictor.FILE).isNotNull();
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        assertThat(o.get("world")).isEqualTo(Demo.trivialWorld(s));
        Optional<TrivialPredictor> shipped = Demo.savedTrivial(s, null);
        assertThat(shipped).isPresent();
        assertThat(shipped.get().depth()).hasSize(s.resolution() * s.resolution());
        List<SceneData> first = World.scenes(s, World.Split.TRAIN, 60, DemoProgress.NONE);
        assertThat(first).extracting(SceneData::caption).contains(shipped.get().caption());
    }
}
