package fourm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.ModalitySpec;
import fourm.core.io.Npy;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedDatasetTest {
    private static final Map<String, ModalitySpec> SPECS = DataSpecs.three();
    private static final DataConfig IN_ORDER = new DataConfig(OnBadSample.FAIL, 0, 4, 10, 0);
    private static final DataConfig SKIP = IN_ORDER.withOnBadSample(OnBadSample.SKIP);

    @TempDir
    Path root;

    /** The content written for sample {@code i}. */
    static int[][] tokens(int i) {
        int[][] crops = new int[2][16];
        for (int c = 0; c < 2; c++) {
            for (int t = 0; t < 16; t++) {
                crops[c][t] = (i * 31 + c * 7 + t) % DataSpecs.VOCAB;
            }
        }
        return crops;
    }

    static Map<String, SampleFile> files(int i) {
        Map<String, SampleFile> f = new LinkedHashMap<>();
        f.put("tok_rgb@64", SampleFile.tokens(tokens(i)));
        f.put("caption", SampleFile.text("a caption number " + i + " with ünïcode"));
        f.put("det", SampleFile.json("{\"instances\": [{\"class_name\": \"cat\", \"score\": 0." + i + "}]}"));
        return f;
    }

    static String key(int i) {
        return String.format("k%04d", i);
    }

    private void writeDataset(int n, int perShard) throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.copyOf(SPECS.keySet()), perShard)) {
            for (int i = 0; i < n; i++) {
                w.write(key(i), files(i));
            }
        }
    }

    private static List<Sample> readAll(ShardedDatasetReader r) {
        List<Sample> out = new ArrayList<>();
        r.forEachRemaining(out::add);
        return out;
    }

    private List<Sample> readAll(DataConfig config) throws IOException {
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, config)) {
            return readAll(r);
        }
    }

    private static void assertContent(Sample s) {
        int i = Integer.parseInt(s.key().substring(1));
        Npy.Array a = ((Sample.Tokens) s.get("tok_rgb@64")).array();
        assertThat(a.shape()).containsExactly(2, 16);
        assertThat(a.row(0)).containsExactly(tokens(i)[0]);
        assertThat(a.row(1)).containsExactly(tokens(i)[1]);
        assertThat(((Sample.Text) s.get("caption")).text()).isEqualTo("a caption number " + i + " with ünïcode");
        assertThat(((Sample.Json) s.get("det")).json().getAsJsonObject().getAsJsonArray("instances").get(0)
                .getAsJsonObject().get("class_name").getAsString()).isEqualTo("cat");
    }

    @Test
    void roundTripInOrder() throws IOException {
        writeDataset(25, 10);
        for (String m : SPECS.keySet()) {
            try (Stream<Path> files = Files.list(root.resolve(m))) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted())
                        .containsExactly("shard-00000.tar", "shard-00001.tar", "shard-00002.tar");
            }
        }
        List<Sample> samples = readAll(IN_ORDER);
        assertThat(samples).extracting(Sample::key).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, 25).mapToObj(ShardedDatasetTest::key).toList());
        assertThat(samples.get(12).shard()).isEqualTo("shard-00001.tar");
        assertThat(samples.get(3).values().keySet()).containsExactlyElementsOf(SPECS.keySet());
        samples.forEach(ShardedDatasetTest::assertContent);
    }

    @Test
    void shufflingIsSeededAndKeepsEverySample() throws IOException {
        writeDataset(40, 7);
        DataConfig shuffled = new DataConfig(OnBadSample.FAIL, 8, 3, 10, 5);
        List<String> a = readAll(shuffled).stream().map(Sample::key).toList();
        List<String> b = readAll(shuffled).stream().map(Sample::key).toList();
        List<String> other = readAll(new DataConfig(OnBadSample.FAIL, 8, 3, 10, 6)).stream().map(Sample::key)
                .toList();
        List<String> inOrder = readAll(IN_ORDER).stream().map(Sample::key).toList();
        assertThat(a).containsExactlyInAnyOrderElementsOf(inOrder).isEqualTo(b).isNotEqualTo(inOrder)
                .isNotEqualTo(other);
    }

    @Test
    void shardsAppearOnlyWhenComplete() throws IOException {
        ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.copyOf(SPECS.keySet()), 10);
        for (int i = 0; i < 13; i++) {
            w.write(key(i), files(i));
        }
        Path dir = root.resolve("caption");
        assertThat(dir.resolve("shard-00000.tar")).exists();
        assertThat(dir.resolve("shard-00001.tar")).doesNotExist();
        assertThat(dir.resolve(".shard-00001.tar.tmp")).exists();
        w.close();
        assertThat(dir.resolve("shard-00001.tar")).exists();
        assertThat(dir.resolve(".shard-00001.tar.tmp")).doesNotExist();
        assertThat(w.shards()).hasSize(6);
        assertThatThrownBy(() -> new ShardedDatasetWriter(root, List.copyOf(SPECS.keySet()), 10))
                .isInstanceOf(IOException.class).hasMessageContaining("already exists");
    }

    @Test
    void theWriterRefusesBadSamples() throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.copyOf(SPECS.keySet()), 10)) {
            assertThatThrownBy(() -> w.write("a.b", files(0))).hasMessageContaining("sample key 'a.b'");
            Map<String, SampleFile> partial = new LinkedHashMap<>(files(0));
            partial.remove("det");
            assertThatThrownBy(() -> w.write("k", partial)).hasMessageContaining("expected exactly");
            w.write("k", files(0));
            assertThatThrownBy(() -> w.write("k", files(1))).hasMessageContaining("already in shard-00000.tar");
        }
    }

    @Test
    void aWriterGivenTheSpecsRefusesFilesTheReaderWouldSkip() throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, SPECS, 10)) {
            Map<String, SampleFile> shortGrid = new LinkedHashMap<>(files(0));
            shortGrid.put("tok_rgb@64", SampleFile.tokens(new int[][] {new int[15]}));
            assertThatThrownBy(() -> w.write("k0", shortGrid)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sample 'k0' (tok_rgb@64)").hasMessageContaining("expected (n_crops, 16)");
            Map<String, SampleFile> textGrid = new LinkedHashMap<>(files(0));
            textGrid.put("tok_rgb@64", SampleFile.text("not ids"));
            assertThatThrownBy(() -> w.write("k0", textGrid)).hasMessageContaining("a .txt file does not fit");
            w.write("k0", files(0));
        }
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, IN_ORDER)) {
            assertThat(r.next().key()).isEqualTo("k0");
            assertThat(r.hasNext()).isFalse();
        }
    }

    /**
     * Cuts {@code file} inside the data of its 6th member (each member of these shards is a 512-byte header and one
     * 512-byte data block).
     */
    private static void truncate(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, 5 * 1024 + 700));
    }

    @Test
    void aTruncatedShardFailsNamingTheFile() throws IOException {
        writeDataset(25, 10);
        Path shard = root.resolve("tok_rgb@64").resolve("shard-00001.tar");
        truncate(shard);
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, IN_ORDER)) {
            assertThatThrownBy(() -> readAll(r)).isInstanceOf(BadSampleException.class)
                    .hasMessageContaining(shard.toString()).hasMessageContaining("corrupt shard after sample 'k0014'")
                    .hasMessageContaining("truncated member 'k0015.npy'");
        }
    }

    @Test
    void aTruncatedShardIsSkippedAndItsLostSamplesCounted() throws IOException {
        writeDataset(25, 10);
        truncate(root.resolve("tok_rgb@64").resolve("shard-00001.tar"));
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, SKIP)) {
            List<Sample> samples = readAll(r);
            ShardedDatasetReader.Stats stats = r.stats();
            assertThat(stats.corruptShards()).isEqualTo(1);
            assertThat(stats.badSamples()).isPositive();
            assertThat(stats.samples()).isEqualTo(samples.size());
            assertThat(samples.size() + stats.badSamples()).isEqualTo(25);
            assertThat(stats.badSamples()).as("k0015..k0019 lost with the cut").isEqualTo(5);
            assertThat(samples).extracting(Sample::shard).contains("shard-00000.tar", "shard-00001.tar",
                    "shard-00002.tar");
            assertThat(stats.problems()).anySatisfy(p -> assertThat(p).contains("missing in modality 'tok_rgb@64'"));
            samples.forEach(ShardedDatasetTest::assertContent);
        }
    }

    @Test
    void aBadNpyHeaderNamesShardKeyAndProblem() throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.copyOf(SPECS.keySet()), 10)) {
            for (int i = 0; i < 6; i++) {
                Map<String, SampleFile> f = files(i);
                if (i == 4) {
                    byte[] npy = f.get("tok_rgb@64").bytes().clone();
                    npy[0] = 'X';
                    f.put("tok_rgb@64", new SampleFile("npy", npy));
                }
                w.write(key(i), f);
            }
        }
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, IN_ORDER)) {
            assertThatThrownBy(() -> readAll(r)).isInstanceOf(BadSampleException.class)
                    .hasMessageContaining(root.resolve("tok_rgb@64").resolve("shard-00000.tar").toString())
                    .hasMessageContaining("sample 'k0004'").hasMessageContaining("k0004.npy")
                    .hasMessageContaining("magic")
                    .satisfies(e -> assertThat(((BadSampleException) e).key()).contains("k0004"));
        }
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, SKIP)) {
            assertThat(readAll(r)).extracting(Sample::key).containsExactly("k0000", "k0001", "k0002", "k0003",
                    "k0005");
            assertThat(r.stats().badSamples()).isEqualTo(1);
            assertThat(r.stats().corruptShards()).isZero();
        }
    }

    @Test
    void aKeyMissingInOneModalityIsReported() throws IOException {
        writeDataset(5, 10);
        // Rewrite det's shard with k0002 renamed to k0002x.
        Path det = root.resolve("det").resolve("shard-00000.tar");
        try (TarWriter t = new TarWriter(new BufferedOutputStream(Files.newOutputStream(det)))) {
            for (int i = 0; i < 5; i++) {
                t.add((i == 2 ? "k0002x" : key(i)) + ".json", files(i).get("det").bytes());
            }
        }
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, IN_ORDER)) {
            assertThatThrownBy(() -> readAll(r)).isInstanceOf(BadSampleException.class)
                    .hasMessageContaining(det.toString()).hasMessageContaining("sample 'k0002'")
                    .hasMessageContaining("missing in modality 'det'");
        }
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, SKIP)) {
            assertThat(readAll(r)).extracting(Sample::key).containsExactly("k0000", "k0001", "k0003", "k0004");
            assertThat(r.stats().badSamples()).as("k0002 lacks det, k0002x lacks the others").isEqualTo(2);
        }
    }

    @Test
    void aTokenIdOutsideTheVocabularyIsReported() throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.copyOf(SPECS.keySet()), 10)) {
            for (int i = 0; i < 4; i++) {
                Map<String, SampleFile> f = files(i);
                if (i == 1) {
                    int[][] t = tokens(i);
                    t[1][5] = DataSpecs.VOCAB;
                    f.put("tok_rgb@64", SampleFile.tokens(t));
                }
                w.write(key(i), f);
            }
        }
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, IN_ORDER)) {
            assertThatThrownBy(() -> readAll(r)).isInstanceOf(BadSampleException.class)
                    .hasMessageContaining("shard-00000.tar").hasMessageContaining("sample 'k0001'")
                    .hasMessageContaining("token id 1024 at crop 1, position 5")
                    .hasMessageContaining("outside the vocabulary [0, 1024)");
        }
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, SKIP)) {
            assertThat(readAll(r)).extracting(Sample::key).containsExactly("k0000", "k0002", "k0003");
            assertThat(r.stats().badSamples()).isEqualTo(1);
        }
    }

    @Test
    void filesThatDoNotFitTheirModalityAreReported() throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.copyOf(SPECS.keySet()), 10)) {
            Map<String, SampleFile> f0 = files(0);
            f0.put("det", SampleFile.json("{not json"));
            w.write(key(0), f0);
            Map<String, SampleFile> f1 = files(1);
            f1.put("tok_rgb@64", SampleFile.text("tokens as text"));
            w.write(key(1), f1);
            Map<String, SampleFile> f2 = files(2);
            f2.put("caption", new SampleFile("jpg", new byte[] {1}));
            w.write(key(2), f2);
            Map<String, SampleFile> f3 = files(3);
            f3.put("tok_rgb@64", SampleFile.tokens(new int[][] {new int[15]}));
            w.write(key(3), f3);
            Map<String, SampleFile> f4 = files(4);
            f4.put("caption", new SampleFile("txt", new byte[] {(byte) 0xff, (byte) 0xfe}));
            w.write(key(4), f4);
            w.write(key(5), files(5));
        }
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, SKIP)) {
            assertThat(readAll(r)).extracting(Sample::key).containsExactly("k0005");
            List<String> p = r.stats().problems();
            assertThat(p).hasSize(5);
            assertThat(p.get(0)).contains("k0000").contains("not valid JSON");
            assertThat(p.get(1)).contains("k0001").contains("a .txt file does not fit tok_rgb@64");
            assertThat(p.get(2)).contains("k0002").contains("unsupported file extension '.jpg'");
            assertThat(p.get(3)).contains("k0003").contains("expected (n_crops, 16)");
            assertThat(p.get(4)).contains("k0004").contains("not valid UTF-8");
        }
    }

    @Test
    void aMissingShardFileIsACorruptShard() throws IOException {
        writeDataset(15, 10);
        Path gone = root.resolve("caption").resolve("shard-00001.tar");
        Files.delete(gone);
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, IN_ORDER)) {
            assertThatThrownBy(() -> readAll(r)).isInstanceOf(BadSampleException.class)
                    .hasMessageContaining(gone.toString()).hasMessageContaining("missing shard file");
        }
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, SKIP)) {
            assertThat(readAll(r)).hasSize(10);
            assertThat(r.stats().corruptShards()).isEqualTo(1);
            assertThat(r.stats().badSamples()).isEqualTo(5);
        }
    }

    @Test
    void aMissingModalityFolderFailsAtOpen() throws IOException {
        writeDataset(3, 10);
        Map<String, ModalitySpec> more = new LinkedHashMap<>(SPECS);
        more.put("metadata", DataSpecs.sequence("metadata"));
        assertThatThrownBy(() -> ShardedDatasetReader.open(root, more, IN_ORDER))
                .isInstanceOf(IOException.class).hasMessageContaining("metadata");
    }

    @Test
    void closingStopsTheReaderThread() throws IOException, InterruptedException {
        writeDataset(60, 10);
        ShardedDatasetReader r = ShardedDatasetReader.open(root, SPECS, new DataConfig(OnBadSample.FAIL, 4, 2, 10, 1));
        assertThat(r.hasNext()).isTrue();
        r.next();
        r.close();
        assertThat(r.hasNext()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("fourm-shard-reader")
                && t.isAlive());
    }

    @Test
    void settingsComeFromReferenceConf() {
        DataConfig c = DataConfig.fromConfig(ConfigFactory.defaultReference());
        assertThat(c.onBadSample()).isEqualTo(OnBadSample.FAIL);
        assertThat(c.shuffleBuffer()).isEqualTo(1000);
        var bad = ConfigFactory.defaultReference().withValue("fourm.data.on-bad-sample",
                ConfigValueFactory.fromAnyRef("ignore"));
        assertThatThrownBy(() -> DataConfig.fromConfig(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fourm.data.on-bad-sample").hasMessageContaining("fail, skip");
        var negative = ConfigFactory.defaultReference().withValue("fourm.data.prefetch",
                ConfigValueFactory.fromAnyRef(0));
        assertThatThrownBy(() -> DataConfig.fromConfig(negative)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("prefetch");
    }

    @Test
    void randomDatasetsRoundTrip() throws IOException {
        SplittableRandom rng = new SplittableRandom(3);
        int n = rng.nextInt(30, 60);
        writeDataset(n, rng.nextInt(1, 12));
        assertThat(readAll(new DataConfig(OnBadSample.FAIL, 16, 5, 10, 9))).hasSize(n)
                .allSatisfy(ShardedDatasetTest::assertContent);
    }
}
