package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import fourm.core.io.Npy;
import fourm.core.io.TrainLog;
import fourm.core.train.ToyData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fourm train} and {@code fourm pretokenize-ids} in process, with the modality plugins of the class path. */
class TrainCommandTest {
    /** The toy experiment's scene grid (examples/experiments/toy.conf). */
    private static final String RGB = "tok_rgb@224";
    /** The toy experiment's caption. */
    private static final String CAPTION = "caption";

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static Path toyConf() {
        Path base = Path.of(System.getProperty("fourm.cli.basedir", "."));
        return base.resolve("../examples/experiments/toy.conf").normalize().toAbsolutePath();
    }

    private Path experiment(String name, String overrides) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "include file(\"" + toyConf().toString().replace("\\", "/") + "\")\n"
                + "fourm.train { output-dir = \"" + dir.resolve("out").toString().replace("\\", "/") + "\",\n"
                + "  data.path = \"" + dir.resolve("data").toString().replace("\\", "/") + "\", progress = lines }\n"
                + overrides);
        return file;
    }

    @Test
    void theToyExperimentTrainsResumesAndRefusesToOverwrite() throws IOException {
        assertThat(toyConf()).isRegularFile();
        Path first = experiment("a.conf", "fourm.train { steps = 30, log-every = 10, eval.every = 10,"
                + " checkpoint.every = 10, schedule.warmup-steps = 5 }");
        Run r = run("train", "-c", first.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("trained steps 0 to 30 of 30").contains("checkpoint: ").contains("train-log.jsonl")
                .contains("last eval loss: tok_rgb@224");
        assertThat(r.err()).contains("step 10/30").contains("eval @ step 30")
                .contains("step 10: checkpoint written to " + dir.resolve("out/checkpoints/step-00000010"))
                .contains("step 30: checkpoint written to " + dir.resolve("out/checkpoints/step-00000030"));
        List<JsonObject> log = TrainLog.read(dir.resolve("out").resolve(TrainLog.FILE_NAME));
        assertThat(log.stream().filter(o -> o.get("type").getAsString().equals("train"))).hasSize(30);
        assertThat(dir.resolve("out/checkpoints/step-00000030/model.safetensors")).isRegularFile();
        assertThat(dir.resolve("data").resolve(RGB).resolve("shard-00000.tar")).isRegularFile();

        Run again = run("train", "-c", first.toString());
        assertThat(again.code()).isEqualTo(Main.USER_ERROR);
        assertThat(again.err()).contains("already holds checkpoints").contains("--resume")
                .contains("fourm.train.resume = true");

        Path longer = experiment("b.conf", "fourm.train { steps = 40, eval.every = 0, checkpoint.every = 0,"
                + " schedule.warmup-steps = 5 }");
        Run resumed = run("train", "-c", longer.toString(), "--resume");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("trained steps 30 to 40 of 40");
        assertThat(resumed.err()).contains("resuming from");
        assertThat(dir.resolve("out/checkpoints/step-00000040/train-state.safetensors")).isRegularFile();
    }

    @Test
    void anInvalidConfigFailsBeforeAnyWorkNamingTheKey() throws IOException {
        Run r = run("train", "-c", experiment("bad.conf", "fourm.train.optimizer.betas = [0.9]").toString());
        assertThat(r.code()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("fourm.train.optimizer.betas").contains("two numbers");
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(dir.resolve("data")).doesNotExist();

        Run vocab = run("train", "-c", experiment("bad2.conf", "fourm.train.vocab-sizes.caption = 100").toString());
        assertThat(vocab.code()).isEqualTo(Main.USER_ERROR);
        assertThat(vocab.err()).contains("fourm.train.vocab-sizes").contains("caption");

        Run missing = run("train", "-c", experiment("bad3.conf", "fourm.experiment.modalities = [\"tok_nope@224\"]")
                .toString());
        assertThat(missing.code()).isEqualTo(Main.USER_ERROR);
        assertThat(missing.err()).contains("tok_nope@224");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void pretokenizeIdsPacksNpyFilesAndNamesBadOnes() throws IOException {
        for (int i = 0; i < 3; i++) {
            ToyData.Example e = ToyData.example(2, i);
            write(RGB, "k" + i, new int[] {196}, e.scene());
            write(CAPTION, "k" + i, new int[] {e.caption().length}, e.caption());
        }
        Run r = run("pretokenize-ids", "--input", dir.resolve("ids").toString(), "--output",
                dir.resolve("set").toString(), "--samples-per-shard", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote 3 samples");
        assertThat(dir.resolve("set").resolve(RGB).resolve("shard-00001.tar")).isRegularFile();
        assertThat(dir.resolve("set").resolve(CAPTION).resolve("shard-00000.tar")).isRegularFile();

        int[] bad = ToyData.example(2, 0).scene().clone();
        bad[3] = 20000;
        write(RGB, "k0", new int[] {196}, bad);
        Run b = run("pretokenize-ids", "--input", dir.resolve("ids").toString(), "--output",
                dir.resolve("set2").toString());
        assertThat(b.code()).isEqualTo(Main.USER_ERROR);
        assertThat(b.err()).contains("k0.npy").contains("position 3").contains("16384");

        Files.createDirectories(dir.resolve("ids").resolve("not_a_modality"));
        Run u = run("pretokenize-ids", "--input", dir.resolve("ids").toString(), "--output",
                dir.resolve("set3").toString());
        assertThat(u.code()).isEqualTo(Main.USER_ERROR);
        assertThat(u.err()).contains("not_a_modality");
    }

    private void write(String modality, String key, int[] shape, int[] data) throws IOException {
        Path f = dir.resolve("ids").resolve(modality).resolve(key + ".npy");
        Files.createDirectories(f.getParent());
        Files.write(f, Npy.writeInt16(shape, data));
    }
}
