package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void oneRoarGenerationIsTimedAndWrittenToJson() throws IOException {
        Path json = dir.resolve("infer.json");
        Run r = Run.fourm("bench", "infer", "--tasks", "roar1", "--batches",
                "1", "--warmup", "0", "--iters", "2", "--json", json.toString());
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("roar1     B=1  median", "load average");
        JsonObject root = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonObject roar = root.getAsJsonObject("tasks").getAsJsonObject("roar1_B1");
        assertThat(roar.getAsJsonArray("seconds")).hasSize(2);
        assertThat(roar.get("median").getAsDouble()).isPositive();
        assertThat(root.get("peak_rss_bytes").getAsLong()).isPositive();
    }

    @Test
    void anUnknownTaskIsAUserError() {
        Run r = Run.fourm("bench", "infer", "--tasks", "roar2");
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("--tasks roar2: unknown task; known: caption32, roar1, maskgit8");
    }
}
