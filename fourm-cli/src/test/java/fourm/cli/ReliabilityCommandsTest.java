package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.core.data.DatasetManifest;
import fourm.core.io.Npy;
import fourm.core.data.SampleFile;
import fourm.core.data.ShardedDatasetWriter;
import fourm.core.train.ToyData;
import fourm.testing.ToyModalities;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages of the reliability checks, through the command line in process. */
class ReliabilityCommandsTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run fourm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path experiment(Path out, Path data, String extra) throws IOException {
        Path toy = Path.of(System.getProperty("fourm.cli.basedir", ".")).resolve("../examples/experiments/toy.conf")
                .normalize().toAbsolutePath();
        Path file = dir.resolve("e.conf");
        Files.writeString(file, "include file(\"" + toy.toString().replace("\\", "/") + "\")\n"
                + "fourm.train { output-dir = \"" + out.toString().replace("\\", "/") + "\",\n"
                + "  data { path = \"" + data.toString().replace("\\", "/") + "\", toy-samples = 0 }\n"
                + "  progress = lines, eval.every = 0, schedule.warmup-steps = 1, checkpoint.every = 0 }\n" + extra);
        return file;
    }

    /** The toy dataset with sample {@code bad} carrying a caption token id outside the toy vocabulary. */
    private static void toyWithBadSample(Path root, int n, int bad) throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.of(ToyModalities.RGB, ToyModalities.DEPTH,
                ToyModalities.CAPTION), 32)) {
            for (int i = 0; i < n; i++) {
                ToyData.Example e = ToyData.example(7, i);
                Map<String, SampleFile> files = new LinkedHashMap<>();
                files.put(ToyModalities.RGB, SampleFile.tokens(new int[][] {e.scene()}));
                files.put(ToyModalities.DEPTH, SampleFile.tokens(new int[][] {e.derived()}));
                int[] caption = e.caption().clone();
                if (i == bad) {
                    caption[0] = 29999;
                }
                files.put(ToyModalities.CAPTION, new SampleFile("npy",
                        Npy.writeInt16(new int[] {caption.length}, caption)));
                w.write(String.format(Locale.ROOT, "toy-%06d", i), files);
            }
            w.finish();
        }
    }

    @Test
    void aBadSampleIsAUserErrorFoundBeforeTrainingOrCheckpointedWhenTheCheckIsOff() throws IOException {
        Path data = dir.resolve("data");
        toyWithBadSample(data, 128, 100);
        Run check = fourm("-c", experiment(dir.resolve("x"), data, "").toString(), "data", "check", data.toString());
        assertThat(check.code()).as(check.err()).isEqualTo(Main.FAILED);
        assertThat(check.out()).contains("sample 'toy-000100'").contains("token id 29999")
                .contains("outside the vocabulary [0, 300)").contains("PROBLEMS");

        Path out = dir.resolve("run");
        Run refused = fourm("train", "-c", experiment(out, data, "fourm.train.steps = 40\n").toString());
        assertThat(refused.code()).isEqualTo(Main.USER_ERROR);
        assertThat(refused.err()).contains("data check").contains("toy-000100").doesNotContain("internal error");
        assertThat(out.resolve("checkpoints")).doesNotExist();

        Run late = fourm("train", "-c", experiment(out, data, "fourm.train { steps = 40, data.check = false }\n"
                + "fourm.data.shuffle-buffer = 0\n").toString());
        assertThat(late.code()).isEqualTo(Main.USER_ERROR);
        assertThat(late.err()).contains("bad data:").contains("toy-000100").contains("token id 29999")
                .contains("checkpoint written to").doesNotContain("internal error");
        assertThat(out.resolve("checkpoints/step-00000012/model.safetensors")).as("96 good samples = 12 steps")
                .isRegularFile();
    }

    @Test
    void aBadNpyOrATruncatedShardIsAUserErrorOfTrainingNamingTheFile() throws IOException {
        Path data = dir.resolve("npy");
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(data, List.of(ToyModalities.RGB, ToyModalities.DEPTH,
                ToyModalities.CAPTION), 32)) {
            for (int i = 0; i < 64; i++) {
                ToyData.Example e = ToyData.example(7, i);
                Map<String, SampleFile> files = new LinkedHashMap<>();
                files.put(ToyModalities.RGB, SampleFile.tokens(new int[][] {e.scene()}));
                files.put(ToyModalities.DEPTH, SampleFile.tokens(new int[][] {e.derived()}));
                files.put(ToyModalities.CAPTION, i == 40 ? new SampleFile("npy", "not an array".getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII)) : new SampleFile("npy",
                        Npy.writeInt16(new int[] {e.caption().length}, e.caption())));
                w.write(String.format(Locale.ROOT, "toy-%06d", i), files);
            }
            w.finish();
        }
        for (String check : List.of("true", "false")) {
            Path out = dir.resolve("run-npy-" + check);
            Run r = fourm("train", "-c", experiment(out, data, "fourm.train { steps = 20, data.check = " + check
                    + " }\nfourm.data.shuffle-buffer = 0\n").toString());
            assertThat(r.code()).as(r.err()).isEqualTo(Main.USER_ERROR);
            assertThat(r.err()).contains(data.resolve(ToyModalities.CAPTION).resolve("shard-00001.tar").toString())
                    .contains("toy-000040").contains("not a .npy file").doesNotContain("internal error");
        }

        Path cut = dir.resolve("cut");
        ToyData.write(cut, ToyModalities.specs(), 64, 7, 32);
        Path shard = cut.resolve(ToyModalities.DEPTH).resolve("shard-00001.tar");
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path out = dir.resolve("run-cut");
        Run r = fourm("train", "-c", experiment(out, cut, "fourm.train.steps = 20\n").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains(shard.toString()).doesNotContain("internal error");
        assertThat(out.resolve("checkpoints")).doesNotExist();
    }

    @Test
    void aDashDOverrideOfANumericTrainKeyWorksInFourmTrain() throws IOException {
        Path data = dir.resolve("data");
        ToyData.write(data, ToyModalities.specs(), 64, 7, 32);
        String before = System.getProperty("fourm.train.steps");
        System.setProperty("fourm.train.steps", "3");
        try {
            Run r = fourm("train", "-c", experiment(dir.resolve("run"), data, "").toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("trained steps 0 to 3 of 3");
        } finally {
            if (before == null) {
                System.clearProperty("fourm.train.steps");
            } else {
                System.setProperty("fourm.train.steps", before);
            }
        }
    }

    @Test
    void unknownKeysAndNamespacesAreUserErrorsNamingKeyAndFile() throws IOException {
        Path data = dir.resolve("data");
        for (String typo : new String[] {"fourm.data.shufle-buffer = 10", "fourm.data.on-bad-sampel = skip",
            "fourm.trian.steps = 5"}) {
            Path conf = experiment(dir.resolve("run"), data, typo + "\n");
            Run r = fourm("train", "-c", conf.toString());
            assertThat(r.code()).as(typo).isEqualTo(Main.USER_ERROR);
            assertThat(r.err()).contains(typo.substring(0, typo.indexOf(' ')).replace(".steps", ""))
                    .contains("e.conf").contains("unknown key");
        }
    }

    @Test
    void aResumeWithNothingToResumeSaysSoAndAPartialPretokenizeIsRedone() throws IOException {
        Path data = dir.resolve("data");
        ToyData.write(data, ToyModalities.specs(), 64, 7, 32);
        Run r = fourm("train", "-c", experiment(dir.resolve("run"), data, "fourm.train.steps = 2\n").toString(),
                "--resume");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("holds no checkpoint; starting from step 0");

        Path ids = dir.resolve("ids");
        Files.createDirectories(ids.resolve("caption"));
        for (int i = 0; i < 30; i++) {
            Files.write(ids.resolve("caption").resolve(String.format(Locale.ROOT, "k%03d.npy", i)),
                    Npy.writeInt16(new int[] {3}, new int[] {1, 2, i}));
        }
        Path ds = dir.resolve("ds");
        Files.createDirectories(ds.resolve("caption"));
        Files.write(ds.resolve("caption").resolve("shard-00000.tar"), new byte[1024]);
        Files.write(ds.resolve("caption").resolve(".shard-00001.tar.tmp"), new byte[10]);
        Run again = fourm("pretokenize-ids", "--input", ids.toString(), "--output", ds.toString(),
                "--samples-per-shard", "10");
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.err()).contains("removed 2 file(s) an earlier run left unfinished");
        assertThat(DatasetManifest.requireComplete(ds, List.of("caption")).get(0).samples()).isEqualTo(30);
        Run refused = fourm("pretokenize-ids", "--input", ids.toString(), "--output", ds.toString());
        assertThat(refused.code()).isEqualTo(Main.USER_ERROR);
        assertThat(refused.err()).contains("holds a complete dataset");
    }

    @Test
    void aTxtCaptionPastMaxTokensIsAProblemOfTheDataCheckUnlessTruncating() throws IOException {
        Path ds = dir.resolve("captions");
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(ds, List.of("caption"), 10)) {
            w.write("fits", Map.of("caption", SampleFile.text("a red square left of a blue one")));
            w.write("too-long", Map.of("caption", SampleFile.text("red ".repeat(20).trim())));
            w.finish();
        }
        Path conf = experiment(dir.resolve("x"), ds, "");
        Run check = fourm("-c", conf.toString(), "data", "check", ds.toString(), "--modalities", "caption");
        assertThat(check.code()).as(check.err()).isEqualTo(Main.FAILED);
        assertThat(check.out()).contains(ds.resolve("caption").resolve("shard-00000.tar").toString())
                .contains("sample 'too-long'").contains("text of 20 tokens").contains("16 (max-tokens) of caption")
                .contains("1 good samples, 1 bad");
        Files.writeString(conf, Files.readString(conf) + "fourm.data.long-sequences = truncate\n");
        Run cut = fourm("-c", conf.toString(), "data", "check", ds.toString(), "--modalities", "caption");
        assertThat(cut.code()).as(cut.out() + cut.err()).isZero();
    }

    @Test
    void aDatasetWrittenBeforeManifestsIsAdoptedAndAnIncompleteOneIsWrittenAgain() throws IOException {
        Path ids = dir.resolve("ids");
        for (String m : List.of("caption", "tok_rgb@224")) {
            Files.createDirectories(ids.resolve(m));
        }
        for (int i = 0; i < 25; i++) {
            String key = String.format(Locale.ROOT, "k%03d", i);
            Files.write(ids.resolve("caption").resolve(key + ".npy"), Npy.writeInt16(new int[] {3},
                    new int[] {1, 2, i}));
            Files.write(ids.resolve("tok_rgb@224").resolve(key + ".npy"), Npy.writeInt16(new int[] {196},
                    new int[196]));
        }
        Path ds = dir.resolve("ds");
        String[] args = {"pretokenize-ids", "--input", ids.toString(), "--output", ds.toString(),
            "--samples-per-shard", "10"};
        assertThat(fourm(args).code()).isZero();
        List<String> mods = List.of("caption", "tok_rgb@224");
        List<DatasetManifest> original = DatasetManifest.requireComplete(ds, mods);

        // written before manifests existed: complete shards, no manifest -> verified and adopted, nothing rewritten
        for (String m : mods) {
            Files.delete(ds.resolve(m).resolve(DatasetManifest.FILE_NAME));
        }
        long modified = Files.getLastModifiedTime(ds.resolve("caption/shard-00000.tar")).toMillis();
        Run adopted = fourm(args);
        assertThat(adopted.code()).as(adopted.err()).isZero();
        assertThat(adopted.err()).contains("adopted " + ds.resolve("caption")).contains("25 samples")
                .doesNotContain("removed");
        assertThat(adopted.out()).contains("nothing to write");
        assertThat(DatasetManifest.requireComplete(ds, mods)).isEqualTo(original);
        assertThat(Files.getLastModifiedTime(ds.resolve("caption/shard-00000.tar")).toMillis()).isEqualTo(modified);

        // an incomplete folder (the last shard missing) is not adopted: removed and written again
        for (String m : mods) {
            Files.delete(ds.resolve(m).resolve(DatasetManifest.FILE_NAME));
        }
        Files.delete(ds.resolve("tok_rgb@224/shard-00002.tar"));
        Run redone = fourm(args);
        assertThat(redone.code()).as(redone.err()).isZero();
        assertThat(redone.err()).contains("is not this run's complete output").contains("shard-00002.tar is missing")
                .contains("removed 5 file(s)").doesNotContain("adopted");
        assertThat(DatasetManifest.requireComplete(ds, mods)).isEqualTo(original);

        // a temporary file left by a killed run: not adopted
        for (String m : mods) {
            Files.delete(ds.resolve(m).resolve(DatasetManifest.FILE_NAME));
        }
        Files.write(ds.resolve("caption/.shard-00003.tar.tmp"), new byte[10]);
        Run tmp = fourm(args);
        assertThat(tmp.code()).as(tmp.err()).isZero();
        assertThat(tmp.err()).contains("an unfinished write left").contains(".shard-00003.tar.tmp")
                .doesNotContain("adopted");
        assertThat(DatasetManifest.requireComplete(ds, mods)).isEqualTo(original);

        // fewer samples than the input holds (a run that stopped at a shard boundary): not adopted
        for (String m : mods) {
            Files.delete(ds.resolve(m).resolve(DatasetManifest.FILE_NAME));
            Files.delete(ds.resolve(m).resolve("shard-00002.tar"));
        }
        Run shortRun = fourm(args);
        assertThat(shortRun.err()).contains("is missing (2 of 3 shard files)").doesNotContain("adopted");
        assertThat(DatasetManifest.requireComplete(ds, mods)).isEqualTo(original);

        // --rebuild writes a complete folder without a manifest again
        for (String m : mods) {
            Files.delete(ds.resolve(m).resolve(DatasetManifest.FILE_NAME));
        }
        List<String> rebuild = new java.util.ArrayList<>(List.of(args));
        rebuild.add("--rebuild");
        Run rebuilt = fourm(rebuild.toArray(String[]::new));
        assertThat(rebuilt.code()).as(rebuilt.err()).isZero();
        assertThat(rebuilt.err()).contains("removed 6 file(s)").doesNotContain("adopted");
        assertThat(DatasetManifest.requireComplete(ds, mods)).isEqualTo(original);
    }
}
