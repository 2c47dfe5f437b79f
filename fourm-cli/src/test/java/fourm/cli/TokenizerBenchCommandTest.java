package fourm.cli;

import static fourm.cli.Run.fourm;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerBenchCommandTest {
    @Test
    void fourmsSideRunsAtATinySizeAndWritesEveryTiming(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("tokenizer.json");
        Run r = fourm("bench", "tokenizer", "--side", "32", "--patch", "8", "--codebook", "64", "--latent", "16",
                "--vit", "32,2,4", "--batches", "1,2", "--warmup", "1", "--repeats", "3", "--json", json.toString());
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("VQ-VAE bench_vit_enc/bench_vit_dec", "32 px, patch 8, 1 channel(s), 64 codes of "
                + "dimension 16", "encode, batch 1:", "decode, batch 2:", "(median of 3)");
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        assertThat(o.get("benchmark").getAsString()).isEqualTo("tokenizer");
        assertThat(o.getAsJsonObject("model").get("codebook_size").getAsInt()).isEqualTo(64);
        assertThat(o.getAsJsonObject("model").get("enc_type").getAsString()).isEqualTo("bench_vit_enc");
        assertThat(o.get("parameters").getAsLong()).isPositive();
        assertThat(o.get("repeats").getAsInt()).isEqualTo(3);
        for (String what : new String[] {"encode", "decode"}) {
            for (String b : new String[] {"1", "2"}) {
                var times = o.getAsJsonObject("fourm").getAsJsonObject(what).getAsJsonArray(b);
                assertThat(times).as(what + " " + b).hasSize(3);
                times.forEach(t -> assertThat(t.getAsDouble()).isPositive());
            }
        }
        assertThat(o.has("reference")).isFalse();
        assertThat(o.has("token_agreement")).isFalse();
        assertThat(o.has("loadavg_before")).isTrue();
    }

    @Test
    void badOptionsAreUserErrors() {
        Run r = fourm("bench", "tokenizer", "--side", "30", "--patch", "8");
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("--side must be a positive multiple of --patch");
        Run vit = fourm("bench", "tokenizer", "--vit", "30,2,4");
        assertThat(vit.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(vit.err()).contains("--vit must be DIM,DEPTH,HEADS");
        Run ref = fourm("bench", "tokenizer", "--reference", "/nonexistent-ml4m");
        assertThat(ref.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(ref.err()).contains("not an export of apple/ml-4m");
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddlePair() {
        assertThat(TokenizerBenchCommand.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(TokenizerBenchCommand.median(new double[] {5, 1, 3})).isEqualTo(3);
    }
}
