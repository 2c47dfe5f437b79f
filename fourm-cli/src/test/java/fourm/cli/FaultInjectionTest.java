package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.label.LabelImages;
import fourm.core.data.DatasetManifest;
import fourm.core.io.OutputLock;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.TensorInfo;
import fourm.core.model.Checkpoints;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.NonFiniteCheckpointException;
import fourm.core.train.ToyData;
import fourm.testing.Slow;
import fourm.testing.ToyModalities;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault-injection suite: corrupted checkpoints, configs, shards and images (generated here, many variants each),
 * kill -9 at random points of checkpoint writes and of a pre-tokenize run followed by a resume, two runs on one
 * folder, and a full disk. Every case must end in a clean error (the user-error exit code or an exception naming the
 * file, never an internal error) or a correct recovery (the same bytes as an uninterrupted run). Counts per category
 * go to {@code target/fault-injection.txt} and stdout. Random choices are seeded; {@code -Dfourm.faults.seed=N}
 * draws other ones.
 */
@Slow
class FaultInjectionTest {
    private static final long SEED = Long.getLong("fourm.faults.seed", 15);
    /** kill -9 rounds per kill case; a soak run raises it ({@code -Dfourm.faults.kills=20}). */
    private static final int KILLS = Integer.getInteger("fourm.faults.kills", 3);
    private static final Map<String, int[]> COUNTS = new LinkedHashMap<>();
    private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path shared;
    static Path data;
    /** 1500 samples of caption and tok_rgb@224 token ids, written once for the pretokenize cases. */
    static Path ids;

    @TempDir
    Path dir;

    @BeforeAll
    static void toyData() throws IOException {
        data = shared.resolve("toy");
        ToyData.write(data, ToyModalities.specs(), 128, 7, 32);
        ids = shared.resolve("ids");
        writeIds(ids, 1500);
    }

    @AfterAll
    static void report() throws IOException {
        StringBuilder b = new StringBuilder("fault injection (seed " + SEED + "): category, cases tried, passed\n");
        int tried = 0;
        int passed = 0;
        synchronized (COUNTS) {
            for (Map.Entry<String, int[]> e : COUNTS.entrySet()) {
                b.append(String.format(Locale.ROOT, "%-28s %4d %4d%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
                tried += e.getValue()[0];
                passed += e.getValue()[1];
            }
        }
        b.append(String.format(Locale.ROOT, "%-28s %4d %4d%n", "total", tried, passed));
        System.out.print(b);
        Files.writeString(ModulePathRun.TARGET.resolve("fault-injection.txt"), b.toString());
    }

    /** Records a case; a failing case adds its description to {@code failures}. */
    private static void record(String category, boolean ok, String what, List<String> failures) {
        synchronized (COUNTS) {
            int[] c = COUNTS.computeIfAbsent(category, k -> new int[2]);
            c[0]++;
            if (ok) {
                c[1]++;
            }
        }
        if (!ok) {
            failures.add(category + ": " + what);
        }
    }

    private record Run(int code, String out, String err) {
        boolean cleanUserError() {
            return code == Main.USER_ERROR && !err.contains("internal error");
        }
    }

    private static Run fourm(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String toyConf() {
        Path base = Path.of(System.getProperty("fourm.cli.basedir", "."));
        return base.resolve("../examples/experiments/toy.conf").normalize().toAbsolutePath().toString()
                .replace("\\", "/");
    }

    /** The toy experiment on the shared data into {@code out}, then {@code extra}. */
    private Path experiment(String name, Path out, String extra) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "include file(\"" + toyConf() + "\")\n"
                + "fourm.train { output-dir = \"" + out.toString().replace("\\", "/") + "\",\n"
                + "  data { path = \"" + data.toString().replace("\\", "/") + "\", toy-samples = 0 }\n"
                + "  progress = lines, steps = 4, eval.every = 0, schedule.warmup-steps = 1,"
                + " checkpoint.every = 0 }\n" + extra);
        return file;
    }

    // ---------------------------------------------------------------------------------------------- checkpoints

    @Test
    void corruptedCheckpointsAreRefusedNamingTheFileOrTheTensor() throws IOException {
        Path out = dir.resolve("run");
        Run r = fourm("train", "-c", experiment("a.conf", out, "").toString());
        assertThat(r.code()).as(r.err()).isZero();
        Path clean = out.resolve("checkpoints/step-00000004/model.safetensors");
        FourMConfig config = Checkpoints.readConfig(clean, Startup.catalog(com.typesafe.config.ConfigFactory.load()));
        try (FourMModel m = Checkpoints.load(clean, config)) {
            assertThat(m).isNotNull();
        }
        byte[] bytes = Files.readAllBytes(clean);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        List<Integer> structural = new ArrayList<>();
        boolean inString = false;
        for (int i = 8; i < 8 + headerLength; i++) {
            byte c = bytes[i];
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    structural.add(i);
                }
            } else if (c == '"') {
                inString = true;
                structural.add(i);
            } else if ("{}[]:,".indexOf(c) >= 0) {
                structural.add(i); // outside strings: replacing it always breaks the JSON
            }
        }
        List<TensorInfo> floats = new ArrayList<>();
        try (SafetensorsReader sr = SafetensorsReader.open(clean)) {
            sr.tensors().values().stream().filter(t -> t.dtype().isFloating() && t.end() > t.begin())
                    .forEach(floats::add);
        }
        Random rnd = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int n = 0;
        for (int v = 0; v < 15; v++) {
            byte[] b = Arrays.copyOf(bytes, rnd.nextInt(bytes.length));
            expectCheckpointError("checkpoint truncated", b, config, n++, null, failures);
        }
        for (int v = 0; v < 10; v++) {
            byte[] b = bytes.clone();
            b[structural.get(rnd.nextInt(structural.size()))] = '#';
            expectCheckpointError("checkpoint header corrupt", b, config, n++, null, failures);
        }
        for (long len : new long[] {bytes.length, -1, 1L << 40, 0}) {
            byte[] b = bytes.clone();
            ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(len);
            expectCheckpointError("checkpoint length field", b, config, n++, null, failures);
        }
        for (int v = 0; v < 3; v++) {
            byte[] b = Arrays.copyOf(bytes, bytes.length + 1 + rnd.nextInt(100));
            expectCheckpointError("checkpoint trailing bytes", b, config, n++, null, failures);
        }
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int v = 0; v < 9; v++) {
            TensorInfo t = floats.get(rnd.nextInt(floats.size()));
            byte[] b = bytes.clone();
            long count = (t.end() - t.begin()) / 4;
            int at = (int) (8 + headerLength + t.begin() + 4 * rnd.nextInt((int) count));
            ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(specials[v % 3]);
            expectCheckpointError("checkpoint NaN/Inf weight", b, config, n++, t.name(), failures);
        }
        assertThat(failures).isEmpty();
    }

    private void expectCheckpointError(String category, byte[] bytes, FourMConfig config, int n, String tensor,
                                       List<String> failures) throws IOException {
        Path f = dir.resolve("bad-" + n + ".safetensors");
        Files.write(f, bytes);
        boolean ok;
        String what;
        try (FourMModel m = Checkpoints.load(f, config)) {
            ok = false;
            what = f.getFileName() + " loaded";
        } catch (IOException e) {
            // a NaN in one of two tied tensors is refused as "tied tensors differ", also naming the tensor
            ok = e.getMessage().contains(f.toString()) && (tensor == null || e.getMessage().contains(tensor));
            what = f.getFileName() + ": " + e;
        } catch (RuntimeException e) {
            ok = false;
            what = f.getFileName() + ": not a clean error: " + e;
        }
        record(category, ok, what, failures);
    }

    // ---------------------------------------------------------------------------------------------- configs

    @Test
    void corruptedConfigsAreUserErrorsNamingTheKeyOrTheFile() throws IOException {
        List<String> keys = List.of("fourm.data.shuffle-buffer", "fourm.data.on-bad-sample", "fourm.train.steps",
                "fourm.train.optimizer.blr", "fourm.train.checkpoint.every", "fourm.masking.seed",
                "fourm.train.eval.batch-size", "fourm.train.schedule.warmup-steps");
        Random rnd = new Random(SEED + 1);
        List<String> failures = new ArrayList<>();
        Path out = dir.resolve("never");
        for (int v = 0; v < 16; v++) {
            String key = keys.get(v % keys.size());
            String bad = mutate(key, rnd);
            Path f = experiment("typo-" + v + ".conf", out, bad + " = 5\n");
            Run r = fourm("train", "-c", f.toString());
            // the message names the first unknown segment: fourm.trian for fourm.trian.steps
            String first = firstDifference(key, bad);
            record("config unknown key", r.cleanUserError() && r.err().contains("'" + first + "'")
                    && r.err().contains(f.getFileName().toString()), bad + ": " + r.err(), failures);
        }
        String[][] wrong = {{"fourm.train.steps", "\"many\""}, {"fourm.train.batch-size", "[1]"},
            {"fourm.train.optimizer.blr", "true"}, {"fourm.data.shuffle-buffer", "\"x\""},
            {"fourm.train.resume", "3"}, {"fourm.train.data.crop", "diagonal"}, {"fourm.train.steps", "-4"},
            {"fourm.train.max-non-finite-steps", "-1"}};
        for (String[] w : wrong) {
            Path f = experiment("type.conf", out, w[0] + " = " + w[1] + "\n");
            Run r = fourm("train", "-c", f.toString());
            record("config wrong type", r.cleanUserError() && r.err().contains(w[0].substring(w[0].lastIndexOf('.')
                    + 1)) && r.err().contains(f.getFileName().toString()), w[0] + ": " + r.err(), failures);
        }
        String[] garbage = {"fourm.train {", "}", "fourm.train.steps = = 3", "fourm.train.steps = ${nowhere}",
            "include file(\"/no/such/file.conf\") \"", "fourm.train.steps = 3 }"};
        for (int v = 0; v < garbage.length; v++) {
            Path f = experiment("syntax-" + v + ".conf", out, garbage[v] + "\n");
            Run r = fourm("train", "-c", f.toString());
            record("config syntax", r.cleanUserError() && (r.err().contains(f.getFileName().toString())
                    || r.err().contains("nowhere")), garbage[v] + ": " + r.err(), failures);
        }
        assertThat(failures).isEmpty();
        assertThat(out.resolve("checkpoints")).as("no case trained").doesNotExist();
    }

    /** {@code bad} up to and including its first segment that differs from {@code key}'s. */
    private static String firstDifference(String key, String bad) {
        String[] k = key.split("\\.");
        String[] b = bad.split("\\.");
        StringBuilder out = new StringBuilder(b[0]);
        for (int i = 1; i < b.length; i++) {
            out.append('.').append(b[i]);
            if (!b[i].equals(k[i])) {
                break;
            }
        }
        return out.toString();
    }

    /** A typo in the last or first segment of {@code key}: a dropped, doubled or swapped letter. */
    private static String mutate(String key, Random rnd) {
        String[] parts = key.split("\\.");
        int seg = rnd.nextBoolean() ? parts.length - 1 : 1;
        String s = parts[seg];
        int i = 1 + rnd.nextInt(s.length() - 2);
        String m = switch (rnd.nextInt(3)) {
            case 0 -> s.substring(0, i) + s.substring(i + 1);
            case 1 -> s.substring(0, i) + s.charAt(i) + s.substring(i);
            default -> s.substring(0, i - 1) + s.charAt(i) + s.charAt(i - 1) + s.substring(i + 1);
        };
        if (m.equals(s)) {
            m = s + "x";
        }
        parts[seg] = m;
        return String.join(".", parts);
    }

    // ---------------------------------------------------------------------------------------------- shards

    @Test
    void corruptedShardsAreFoundByTheCheckAndRefusedByTraining() throws IOException {
        Random rnd = new Random(SEED + 2);
        List<String> failures = new ArrayList<>();
        List<String> mods = List.of(ToyModalities.RGB, ToyModalities.DEPTH, ToyModalities.CAPTION);
        for (int v = 0; v < 28; v++) {
            Path copy = dir.resolve("data-" + v);
            copyTree(data, copy);
            Path folder = copy.resolve(mods.get(rnd.nextInt(mods.size())));
            Path shard = folder.resolve(String.format(Locale.ROOT, "shard-%05d.tar", rnd.nextInt(4)));
            String kind;
            switch (v % 7) {
                case 0, 1 -> {
                    byte[] b = Files.readAllBytes(shard);
                    b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
                    Files.write(shard, b);
                    kind = "shard byte flipped";
                }
                case 2, 3 -> {
                    byte[] b = Files.readAllBytes(shard);
                    Files.write(shard, Arrays.copyOf(b, rnd.nextInt(b.length)));
                    kind = "shard truncated";
                }
                case 4 -> {
                    Files.delete(shard);
                    kind = "shard deleted";
                }
                case 5 -> {
                    Files.delete(folder.resolve(DatasetManifest.FILE_NAME));
                    kind = "manifest missing";
                }
                default -> {
                    Files.copy(shard, folder.resolve("shard-00009.tar"));
                    kind = "extra shard";
                }
            }
            Run r = fourm("-c", experiment("check.conf", dir.resolve("x"), "").toString(), "data", "check",
                    copy.toString());
            boolean ok = r.code() == Main.FAILED && r.out().contains(folder.toString())
                    && !r.err().contains("internal error");
            if (v % 7 == 3 || v % 7 == 5) {
                Path out = dir.resolve("train-" + v);
                Path conf = experiment("t.conf", out, "fourm.train.data.path = \"" + copy.toString()
                        .replace("\\", "/") + "\"\n");
                Run t = fourm("train", "-c", conf.toString());
                ok &= t.cleanUserError() && t.err().contains(folder.toString())
                        && !Files.exists(out.resolve("checkpoints"));
            }
            record(kind, ok, shard + ": " + r.out() + r.err(), failures);
        }
        assertThat(failures).isEmpty();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- images

    @Test
    void corruptedImagesAreRefusedNamingTheFileBeforeAnyLargeAllocation() throws IOException {
        LabelImages io = LabelImages.installed().orElseThrow();
        BufferedImage img = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(SEED + 3);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 48; x++) {
                img.setRGB(x, y, rnd.nextInt());
            }
        }
        Map<String, byte[]> base = new LinkedHashMap<>();
        for (String f : new String[] {"png", "jpg", "bmp"}) {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            ImageIO.write(img, f, o);
            base.put(f, o.toByteArray());
        }
        List<String> failures = new ArrayList<>();
        int[][] hostile = {{20000, 20000}, {100000, 1000}, {1, 100_000_000}, {9000, 9000}, {65535, 65535}};
        for (int[] wh : hostile) {
            byte[] png = base.get("png").clone();
            ByteBuffer.wrap(png, 16, 8).putInt(wh[0]).putInt(wh[1]);
            CRC32 crc = new CRC32();
            crc.update(png, 12, 17);
            ByteBuffer.wrap(png, 29, 4).putInt((int) crc.getValue());
            Path p = dir.resolve("bomb-" + wh[0] + "x" + wh[1] + ".png");
            Files.write(p, png);
            imageCase("image bomb header", io, p, true, failures);
        }
        int n = 0;
        for (Map.Entry<String, byte[]> e : base.entrySet()) {
            byte[] b = e.getValue();
            for (int v = 0; v < 5; v++) {
                Path p = dir.resolve("cut-" + n++ + "." + e.getKey());
                Files.write(p, Arrays.copyOf(b, rnd.nextInt(b.length)));
                imageCase("image truncated", io, p, false, failures);
            }
            for (int v = 0; v < 5; v++) {
                byte[] c = b.clone();
                for (int k = 0; k < 4; k++) {
                    c[rnd.nextInt(Math.min(c.length, 200))] = (byte) rnd.nextInt(256);
                }
                Path p = dir.resolve("flip-" + n++ + "." + e.getKey());
                Files.write(p, c);
                imageCase("image bytes flipped", io, p, false, failures);
            }
        }
        assertThat(failures).isEmpty();
    }

    private static void imageCase(String category, LabelImages io, Path p, boolean mustFail, List<String> failures) {
        boolean ok;
        String what;
        try {
            var image = io.read(p);
            ok = !mustFail && (long) image.width() * image.height() <= fourm.api.label.ImageHeader.MAX_PIXELS;
            what = p.getFileName() + " read as " + image.width() + "x" + image.height();
        } catch (IOException e) {
            ok = e.getMessage().contains(p.toString()) && (!mustFail || e.getMessage().contains("declares"));
            what = p.getFileName() + ": " + e.getMessage();
        } catch (RuntimeException | OutOfMemoryError e) {
            ok = false;
            what = p.getFileName() + ": not a clean error: " + e;
        }
        record(category, ok, what, failures);
    }

    // ---------------------------------------------------------------------------------------------- concurrent runs

    @Test
    void aSecondRunOnAFolderIsRefusedNamingTheHolderAndTheFolderIsNotMixed() throws Exception {
        List<String> failures = new ArrayList<>();
        Path out = dir.resolve("shared-out");
        try (OutputLock held = OutputLock.acquire(out, "another fourm train")) {
            Run r = fourm("train", "-c", experiment("a.conf", out, "").toString());
            record("concurrent train (in JVM)", r.cleanUserError() && r.err().contains("PID "
                    + ProcessHandle.current().pid()) && r.err().contains("on host") && r.err().contains("since"),
                    r.err(), failures);
            Path few = dir.resolve("ids");
            writeIds(few, 10);
            Run p = fourm("pretokenize-ids", "--input", few.toString(), "--output", out.toString());
            record("concurrent pretokenize-ids", p.cleanUserError() && p.err().contains("in use by another run"),
                    p.err(), failures);
        }
        // across processes: a long run in a child JVM holds the folder; a second run with another seed is refused
        Path child = dir.resolve("child-out");
        Path longConf = experiment("long.conf", child, "fourm.train { steps = 5000, seed = 3 }\n");
        Process p = childFourm(dir.resolve("child.log"), "train", "-c", longConf.toString());
        try {
            waitFor(() -> Files.exists(child.resolve("train-log.jsonl")), p);
            Run second = fourm("train", "-c", experiment("b.conf", child, "fourm.train.seed = 4\n").toString());
            record("concurrent train (two JVMs)", second.cleanUserError() && second.err().contains("PID " + p.pid()),
                    second.err(), failures);
        } finally {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Run after = fourm("train", "-c", experiment("c.conf", child, "fourm.train.seed = 4\n").toString());
        String config = Files.readString(child.resolve("config.conf"));
        record("stale lock taken over", after.code() == 0 && after.err().contains("took over the lock")
                && after.err().contains(String.valueOf(p.pid())) && config.contains("seed=4")
                && !Files.exists(child.resolve(OutputLock.FILE_NAME)), after.err(), failures);
        assertThat(failures).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- kill -9

    @Test
    void killedDuringCheckpointWritesThenResumedGivesTheBytesOfAnUninterruptedRun() throws Exception {
        // each round runs until one more checkpoint is complete, then at most 300 ms: 15 steps a round keep the run
        // alive to the last kill (a toy step with its checkpoint takes 30 ms or more)
        int steps = 15 * KILLS;
        String settings = "fourm.train { steps = " + steps + ", checkpoint { every = 1, keep-last = 2 } }\n";
        // the uninterrupted run writes its last checkpoint only: how often a run saves does not change its weights
        Path reference = dir.resolve("reference");
        Run r = fourm("train", "-c", experiment("ref.conf", reference, "fourm.train.steps = " + steps + "\n")
                .toString());
        assertThat(r.code()).as(r.err()).isZero();

        Path out = dir.resolve("killed");
        Path conf = experiment("k.conf", out, settings);
        Random rnd = new Random(SEED + 4);
        List<String> failures = new ArrayList<>();
        for (int k = 0; k < KILLS; k++) {
            Process p = childFourm(dir.resolve("kill-" + k + ".log"), k == 0 ? new String[] {"train", "-c",
                conf.toString()} : new String[] {"train", "-c", conf.toString(), "--resume"});
            long before = latestCheckpoint(out);
            waitFor(() -> latestCheckpoint(out) > before, p);
            Thread.sleep(rnd.nextInt(300));
            boolean alive = p.isAlive();
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            // a child that had already finished would test nothing: the case then fails, so the steps get raised
            record("kill -9 in checkpoint writes", alive, "round " + k + ": the child ended before the kill: "
                    + Files.readString(dir.resolve("kill-" + k + ".log")), failures);
        }
        Run resumed = fourm("train", "-c", conf.toString(), "--resume");
        String last = String.format(Locale.ROOT, "checkpoints/step-%08d/model.safetensors", steps);
        Path got = out.resolve(last);
        record("resume after kill -9", resumed.code() == 0 && sameTensors(reference.resolve(last), got),
                resumed.err(), failures);
        assertThat(failures).isEmpty();
    }

    /** Every tensor byte for byte (the metadata names the output folder, so the files differ there). */
    private static boolean sameTensors(Path a, Path b) throws IOException {
        try (SafetensorsReader x = SafetensorsReader.open(a); SafetensorsReader y = SafetensorsReader.open(b)) {
            if (!x.keys().equals(y.keys())) {
                return false;
            }
            for (String k : x.keys()) {
                if (!x.bytes(k).equals(y.bytes(k))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The step of the newest checkpoint folder (0 when there is none). */
    private static long latestCheckpoint(Path out) {
        Path c = out.resolve("checkpoints");
        if (!Files.isDirectory(c)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(c)) {
            return s.map(x -> x.getFileName().toString()).filter(n -> n.matches("step-\\d+"))
                    .mapToLong(n -> Long.parseLong(n.substring(5))).max().orElse(0);
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    @Test
    void killedDuringPretokenizeThenRunAgainGivesTheDatasetOfAnUninterruptedRun() throws Exception {
        Path reference = dir.resolve("reference");
        Run r = fourm("pretokenize-ids", "--input", ids.toString(), "--output", reference.toString(),
                "--samples-per-shard", "25");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> failures = new ArrayList<>();
        Random rnd = new Random(SEED + 5);
        for (int k = 0; k < KILLS; k++) {
            Path out = dir.resolve("killed-" + k);
            Process p = childFourm(dir.resolve("pk-" + k + ".log"), "pretokenize-ids", "--input", ids.toString(),
                    "--output", out.toString(), "--samples-per-shard", "25");
            waitFor(() -> Files.exists(out.resolve("caption").resolve("shard-00000.tar")), p);
            Thread.sleep(rnd.nextInt(300));
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            boolean finished = Files.exists(out.resolve("caption").resolve(DatasetManifest.FILE_NAME))
                    && Files.exists(out.resolve("tok_rgb@224").resolve(DatasetManifest.FILE_NAME));
            Run check = fourm("data", "check", out.toString());
            boolean ok = finished ? check.code() == 0 : check.code() == Main.FAILED
                    && check.out().contains("incomplete dataset");
            Run again = fourm("pretokenize-ids", "--input", ids.toString(), "--output", out.toString(),
                    "--samples-per-shard", "25");
            if (!finished) {
                ok &= again.code() == 0 && sameDataset(reference, out);
            }
            record("kill -9 in pretokenize-ids", ok, check.out() + again.err(), failures);
        }
        assertThat(failures).isEmpty();
    }

    private static boolean sameDataset(Path a, Path b) throws IOException {
        for (String m : List.of("caption", "tok_rgb@224")) {
            var x = DatasetManifest.read(a.resolve(m)).orElseThrow();
            var y = DatasetManifest.read(b.resolve(m)).orElseThrow();
            if (!x.equals(y)) {
                return false;
            }
        }
        return DatasetManifest.requireComplete(b, List.of("caption", "tok_rgb@224")).size() == 2;
    }

    /** {@code n} samples of caption and tok_rgb@224 token ids as .npy files. */
    private static void writeIds(Path root, int n) throws IOException {
        Random rnd = new Random(SEED + 6);
        Files.createDirectories(root.resolve("caption"));
        Files.createDirectories(root.resolve("tok_rgb@224"));
        for (int i = 0; i < n; i++) {
            int[] cap = new int[1 + rnd.nextInt(30)];
            for (int j = 0; j < cap.length; j++) {
                cap[j] = rnd.nextInt(30000);
            }
            int[] rgb = new int[196];
            for (int j = 0; j < rgb.length; j++) {
                rgb[j] = rnd.nextInt(16384);
            }
            String key = String.format(Locale.ROOT, "s%05d", i);
            Files.write(root.resolve("caption").resolve(key + ".npy"),
                    fourm.core.io.Npy.writeInt16(new int[] {cap.length}, cap));
            Files.write(root.resolve("tok_rgb@224").resolve(key + ".npy"),
                    fourm.core.io.Npy.writeInt16(new int[] {196}, rgb));
        }
    }

    // ---------------------------------------------------------------------------------------------- plugin jars

    @Test
    void corruptPluginJarsAreNamedBeforeTheJvmStartsOnTheModulePath() throws IOException {
        Path example = ModulePathRun.jar(ModulePathRun.TEST_PLUGINS, "example-custom-modality");
        byte[] good = Files.readAllBytes(example);
        Random rnd = new Random(SEED + 7);
        List<String> failures = new ArrayList<>();
        record("plugin jar intact", ModulePathCheck.checkEntry(example).isEmpty(), example.toString(), failures);
        int n = 0;
        for (int v = 0; v < 8; v++) {
            pluginCase("plugin jar truncated", Arrays.copyOf(good, 4 + rnd.nextInt(good.length - 4)), n++, failures);
        }
        int eocd = lastIndexOf(good, new byte[] {0x50, 0x4b, 0x05, 0x06});
        for (int field : new int[] {12, 16}) { // the central directory's size and offset (its entry count is recounted)
            byte[] b = good.clone();
            ByteBuffer.wrap(b, eocd + field, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(1 + rnd.nextInt(good.length));
            pluginCase("plugin jar central directory", b, n++, failures);
        }
        for (byte[] signature : new byte[][] {{0x50, 0x4b, 0x01, 0x02}, {0x50, 0x4b, 0x03, 0x04}}) {
            List<Integer> at = new ArrayList<>();
            for (int i = 4; i + 4 <= good.length; i++) {
                if (Arrays.equals(good, i, i + 4, signature, 0, 4)) {
                    at.add(i);
                }
            }
            byte[] b = good.clone();
            b[at.get(rnd.nextInt(at.size())) + 3] = 0x7f; // a central or local entry header that is not one
            pluginCase(signature[2] == 1 ? "plugin jar central directory" : "plugin jar entry header", b, n++,
                    failures);
        }
        byte[][] moduleInfos = {{(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, 0, 61, 1, 2, 3},
            {(byte) 0xca, (byte) 0xfe}, "module x {}".getBytes(java.nio.charset.StandardCharsets.US_ASCII)};
        for (byte[] info : moduleInfos) {
            ByteArrayOutputStream jar = new ByteArrayOutputStream();
            try (var out = new java.util.jar.JarOutputStream(jar)) {
                out.putNextEntry(new java.util.jar.JarEntry("module-info.class"));
                out.write(info);
                out.closeEntry();
            }
            pluginCase("plugin jar bad module-info", jar.toByteArray(), n++, failures);
        }
        assertThat(failures).isEmpty();
    }

    private void pluginCase(String category, byte[] bytes, int n, List<String> failures) throws IOException {
        Path jar = Files.write(dir.resolve("plugin-" + n + ".jar"), bytes);
        var problem = ModulePathCheck.check(List.of(jar), List.of(jar));
        record(category, problem.isPresent() && problem.get().contains(jar.toString()), jar.getFileName() + ": "
                + problem.orElse("accepted"), failures);
    }

    private static int lastIndexOf(byte[] b, byte[] what) {
        for (int i = b.length - what.length; i >= 0; i--) {
            if (Arrays.equals(b, i, i + what.length, what, 0, what.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not found");
    }

    // ---------------------------------------------------------------------------------------------- long captions

    @Test
    void captionsPastMaxTokensAreBadSamplesOfTheDataCheck() throws IOException {
        Random rnd = new Random(SEED + 8);
        List<String> failures = new ArrayList<>();
        Path conf = experiment("captions.conf", dir.resolve("x"), "");
        for (int v = 0; v < 6; v++) {
            Path ds = dir.resolve("captions-" + v);
            int bad = rnd.nextInt(20);
            int words = 17 + rnd.nextInt(40); // the toy caption holds at most 16 tokens
            try (fourm.core.data.ShardedDatasetWriter w = new fourm.core.data.ShardedDatasetWriter(ds,
                    List.of("caption"), 8)) {
                for (int i = 0; i < 20; i++) {
                    w.write(String.format(Locale.ROOT, "c%03d", i), Map.of("caption", fourm.core.data.SampleFile.text(
                            i == bad ? "red ".repeat(words).trim() : "a red square")));
                }
                w.finish();
            }
            Run r = fourm("-c", conf.toString(), "data", "check", ds.toString(), "--modalities", "caption");
            record("caption past max-tokens", r.code() == Main.FAILED && r.out().contains(String.format(Locale.ROOT,
                    "sample 'c%03d'", bad)) && r.out().contains("text of " + words + " tokens")
                    && r.out().contains("19 good samples, 1 bad") && !r.err().contains("internal error"),
                    r.out() + r.err(), failures);
        }
        assertThat(failures).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- no manifest

    @Test
    void aDatasetWithoutManifestIsAdoptedOnlyWhenItIsTheRunsCompleteOutput() throws IOException {
        Path few = dir.resolve("few");
        writeIds(few, 60);
        String[] args = {"pretokenize-ids", "--input", few.toString(), "--output", "", "--samples-per-shard", "8"};
        Path reference = dir.resolve("reference");
        args[4] = reference.toString();
        assertThat(fourm(args).code()).isZero();
        List<String> mods = List.of("caption", "tok_rgb@224");
        Random rnd = new Random(SEED + 9);
        List<String> failures = new ArrayList<>();
        for (int v = 0; v < 5; v++) {
            Path ds = dir.resolve("old-" + v);
            copyTree(reference, ds);
            for (String m : mods) {
                Files.delete(ds.resolve(m).resolve(DatasetManifest.FILE_NAME));
            }
            Path folder = ds.resolve(mods.get(rnd.nextInt(2)));
            Path shard = folder.resolve(String.format(Locale.ROOT, "shard-%05d.tar", rnd.nextInt(8)));
            String kind = switch (v) {
                case 0 -> "complete";
                case 1 -> "tmp";
                case 2 -> "missing";
                case 3 -> "truncated";
                default -> "extra";
            };
            switch (kind) {
                case "tmp" -> Files.write(folder.resolve(".shard-00008.tar.tmp"), new byte[100]);
                case "missing" -> Files.delete(shard);
                case "truncated" -> Files.write(shard, Arrays.copyOf(Files.readAllBytes(shard), 700));
                case "extra" -> Files.copy(shard, folder.resolve("shard-00008.tar"));
                default -> { }
            }
            args[4] = ds.toString();
            Run r = fourm(args);
            boolean adopted = r.err().contains("note: adopted");
            boolean ok = r.code() == 0 && adopted == kind.equals("complete")
                    && sameDataset(reference, ds) && noTemporaryFiles(ds);
            record("dataset without manifest (" + (kind.equals("complete") ? "adopted" : "written again") + ")",
                    ok, kind + ": " + r.err(), failures);
        }
        assertThat(failures).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- disk full

    @Test
    void aFullDiskIsAUserErrorNamingTheFileAndLeavesNoTemporaryFiles() throws Exception {
        List<String> failures = new ArrayList<>();
        Path small = dir.resolve("small");
        Files.createDirectories(small);
        boolean tmpfs = mount(small, "600k");
        try {
            Path out = small.resolve("dataset");
            Run r;
            if (tmpfs) {
                r = fourm("pretokenize-ids", "--input", ids.toString(), "--output", out.toString(),
                        "--samples-per-shard", "100");
            } else {
                r = childUnderFileSizeLimit(dir.resolve("ulimit.log"), 300, "pretokenize-ids", "--input",
                        ids.toString(), "--output", out.toString(), "--samples-per-shard", "1500");
            }
            boolean ok = r.code() == Main.USER_ERROR && r.err().contains(out.toString()) && noTemporaryFiles(out)
                    && !Files.exists(out.resolve("caption").resolve(DatasetManifest.FILE_NAME));
            record(tmpfs ? "disk full (tmpfs) dataset" : "disk full (file size limit) dataset", ok, r.err(),
                    failures);
            if (tmpfs) {
                deleteTree(out);
                Path run = small.resolve("run");
                Run t = fourm("train", "-c", experiment("full.conf", run, "fourm.train.checkpoint.every = 1\n")
                        .toString());
                boolean okT = t.cleanUserError() && t.err().contains("cannot write the checkpoint")
                        && noTemporaryFiles(run);
                record("disk full (tmpfs) checkpoint", okT, t.err(), failures);
            }
        } finally {
            if (tmpfs) {
                new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertThat(failures).isEmpty();
    }

    /** Mounts a tmpfs of {@code size} on {@code dir} when this process may (root in a container); false otherwise. */
    private static boolean mount(Path dir, String size) {
        try {
            Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean noTemporaryFiles(Path root) throws IOException {
        if (!Files.exists(root)) {
            return true;
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- child JVMs

    private static List<String> childCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ModulePathRun.JAVA.toString(), "-Dai.djl.offline=true",
                "-DOPT_OUT_TRACKING=true", "-Xmx1g", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /** Starts fourm in a child JVM (the test's class path), output to {@code log}. */
    private static Process childFourm(Path log, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(childCommand(args)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("DJL_OFFLINE", "true");
        pb.environment().put("OPT_OUT_TRACKING", "true");
        return pb.start();
    }

    /** Runs fourm in a child JVM whose files may not grow beyond {@code blocks} 1 KB blocks (ulimit -f). */
    private static Run childUnderFileSizeLimit(Path log, int blocks, String... args) throws Exception {
        StringBuilder cmd = new StringBuilder("ulimit -f " + blocks + "; exec");
        for (String a : childCommand(args)) {
            cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        ModulePathRun.Result r = ModulePathRun.run(List.of("bash", "-c", cmd.toString()), Map.of(), CHILD_TIMEOUT);
        return new Run(r.exitCode(), r.stdout(), r.stderr());
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private static void waitFor(Condition c, Process p) throws Exception {
        long deadline = System.nanoTime() + CHILD_TIMEOUT.toNanos();
        while (!c.holds()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                return; // the case then checks what the child left
            }
            Thread.sleep(20);
        }
    }
}
