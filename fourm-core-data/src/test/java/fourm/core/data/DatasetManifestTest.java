package fourm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.ModalitySpec;
import fourm.core.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest written last by {@link ShardedDatasetWriter#finish()}, and {@link DatasetCheck}. */
class DatasetManifestTest {
    private static final Map<String, ModalitySpec> SPECS = DataSpecs.three();
    private static final List<String> KEYS = List.copyOf(SPECS.keySet());
    private static final DataConfig CONFIG = new DataConfig(OnBadSample.FAIL, 0, 4, 10, 0);

    @TempDir
    Path root;

    private void write(int n, int perShard, boolean finish) throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, KEYS, perShard)) {
            for (int i = 0; i < n; i++) {
                w.write(ShardedDatasetTest.key(i), ShardedDatasetTest.files(i));
            }
            if (finish) {
                w.finish();
            }
        }
    }

    @Test
    void finishWritesOneManifestPerModalityWithCountsSizesAndCrcs() throws IOException {
        write(25, 10, true);
        List<DatasetManifest> all = DatasetManifest.requireComplete(root, KEYS);
        assertThat(all).hasSize(3).allSatisfy(m -> {
            assertThat(m.samples()).isEqualTo(25);
            assertThat(m.shards()).extracting(DatasetManifest.Shard::samples).containsExactly(10L, 10L, 5L);
        });
        DatasetManifest.Shard s = all.get(0).shards().get(1);
        Path f = root.resolve(KEYS.get(0)).resolve(s.name());
        assertThat(s.bytes()).isEqualTo(Files.size(f));
        assertThat(s.crc32()).isEqualTo(DatasetManifest.crc32(f));
        assertThat(DatasetCheck.run(root, SPECS, CONFIG).ok()).isTrue();
    }

    @Test
    void aWriterThatDidNotFinishLeavesNoManifestAndTheDatasetIsRefused() throws IOException {
        write(25, 10, false);
        assertThat(root.resolve(KEYS.get(0)).resolve("shard-00002.tar")).exists();
        assertThatThrownBy(() -> DatasetManifest.requireComplete(root, KEYS))
                .isInstanceOf(IncompleteDatasetException.class).hasMessageContaining("incomplete dataset")
                .hasMessageContaining(root.resolve(KEYS.get(0)).toString()).hasMessageContaining("3 shard files left");
        DatasetCheck.Report r = DatasetCheck.run(root, SPECS, CONFIG);
        assertThat(r.ok()).isFalse();
        assertThat(r.samples()).isEqualTo(25);
        assertThatThrownBy(r::requireOk).isInstanceOf(BadDatasetException.class)
                .hasMessageContaining("incomplete dataset");
        List<Path> removed = ShardedDatasetWriter.clearUnfinished(root, KEYS);
        assertThat(removed).hasSize(9);
        write(25, 10, true);
        assertThat(DatasetManifest.requireComplete(root, KEYS)).hasSize(3);
        assertThat(ShardedDatasetWriter.clearUnfinished(root, KEYS)).as("complete folders are left alone").isEmpty();
    }

    @Test
    void truncatedExtraAndMismatchedShardsAreRefused() throws IOException {
        write(20, 10, true);
        Path shard = root.resolve("caption").resolve("shard-00001.tar");
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 700));
        assertThatThrownBy(() -> DatasetManifest.requireComplete(root, KEYS)).hasMessageContaining("corrupt dataset")
                .hasMessageContaining(shard.toString()).hasMessageContaining("truncated");
        Files.write(shard, bytes);
        bytes[600] ^= 0x20;
        Files.write(shard, bytes);
        DatasetCheck.Report r = DatasetCheck.run(root, SPECS, CONFIG);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("CRC-32").contains(shard.toString()));
        bytes[600] ^= 0x20;
        Files.write(shard, bytes);
        Files.copy(shard, root.resolve("caption").resolve("shard-00002.tar"));
        assertThatThrownBy(() -> DatasetManifest.requireComplete(root, KEYS)).hasMessageContaining("mixed dataset")
                .hasMessageContaining("shard-00002.tar");
    }

    @Test
    void theCheckNamesFileKeyAndValueOfABadSample() throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, KEYS, 10)) {
            for (int i = 0; i < 12; i++) {
                Map<String, SampleFile> f = ShardedDatasetTest.files(i);
                if (i == 11) {
                    int[][] t = ShardedDatasetTest.tokens(i);
                    t[0][3] = 70000 % 32768;
                    f.put("tok_rgb@64", SampleFile.tokens(t));
                }
                w.write(ShardedDatasetTest.key(i), f);
            }
            w.finish();
        }
        DatasetCheck.Report r = DatasetCheck.run(root, SPECS, CONFIG);
        assertThat(r.samples()).isEqualTo(11);
        assertThat(r.badSamples()).isEqualTo(1);
        assertThat(r.problems()).singleElement().asString().contains("shard-00001.tar").contains("sample 'k0011'")
                .contains("token id 4464").contains("outside the vocabulary [0, 1024)");
    }

    @Test
    void aSequenceLongerThanItsModalitysMaximumIsABadSample() throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.of("caption"), 10)) {
            w.write("short", Map.of("caption", new SampleFile("npy", Npy.writeInt16(new int[] {32}, new int[32]))));
            w.write("long", Map.of("caption", new SampleFile("npy", Npy.writeInt16(new int[] {33}, new int[33]))));
            w.finish();
        }
        DatasetCheck.Report r = DatasetCheck.run(root, Map.of("caption", SPECS.get("caption")), CONFIG);
        assertThat(r.samples()).isEqualTo(1);
        assertThat(r.problems()).singleElement().asString().contains("sample 'long'").contains("33 token ids")
                .contains("32 (max-tokens)");
    }

    /** One token per word. */
    private static final fourm.api.ModalityTokenizer<String> WORDS = new fourm.api.ModalityTokenizer<>() {
        @Override
        public Class<String> valueType() {
            return String.class;
        }

        @Override
        public int[] encode(String value) {
            return java.util.Arrays.stream(value.split(" ")).mapToInt(w -> 300 + w.length()).toArray();
        }

        @Override
        public String decode(int[] tokens) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void aTxtCaptionThatTokenizesPastMaxTokensIsABadSampleUnlessTruncating() throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.of("caption"), 10)) {
            w.write("short", Map.of("caption", SampleFile.text("word ".repeat(32).trim())));
            w.write("long", Map.of("caption", SampleFile.text("word ".repeat(40).trim())));
            w.finish();
        }
        Map<String, ModalitySpec> caption = Map.of("caption", SPECS.get("caption"));
        DatasetCheck.Report r = DatasetCheck.run(root, caption, Map.of("caption", WORDS), CONFIG);
        assertThat(r.samples()).isEqualTo(1);
        assertThat(r.badSamples()).isEqualTo(1);
        assertThat(r.problems()).singleElement().asString().contains("caption/shard-00000.tar")
                .contains("sample 'long'").contains("long.txt").contains("text of 40 tokens")
                .contains("32 (max-tokens) of caption").contains("long-sequences = truncate");
        DataConfig truncating = new DataConfig(OnBadSample.FAIL, 0, 4, 10, 0, true);
        assertThat(DatasetCheck.run(root, caption, Map.of("caption", WORDS), truncating).ok()).isTrue();
        try (ShardedDatasetReader reader = ShardedDatasetReader.open(root, caption, Map.of("caption", WORDS),
                CONFIG)) {
            assertThat(reader.next().key()).isEqualTo("short");
            assertThatThrownBy(reader::hasNext).isInstanceOf(BadSampleException.class)
                    .hasMessageContaining("sample 'long'").hasMessageContaining("text of 40 tokens");
        }
    }

    @Test
    void truncatingCutsANpySequenceToMaxTokens() throws IOException {
        int[] ids = new int[33];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i + 1;
        }
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.of("caption"), 10)) {
            w.write("long", Map.of("caption", new SampleFile("npy", Npy.writeInt16(new int[] {33}, ids))));
            w.finish();
        }
        try (ShardedDatasetReader reader = ShardedDatasetReader.open(root, Map.of("caption", SPECS.get("caption")),
                new DataConfig(OnBadSample.FAIL, 0, 4, 10, 0, true))) {
            Npy.Array a = ((Sample.Tokens) reader.next().get("caption")).array();
            assertThat(a.shape()).containsExactly(32);
            assertThat(a.data()).containsExactly(java.util.Arrays.copyOf(ids, 32));
        }
    }

    @Test
    void longSequencesIsReadFromTheConfigAndAnUnknownValueIsNamed() {
        com.typesafe.config.Config base = com.typesafe.config.ConfigFactory.defaultReference();
        assertThat(DataConfig.fromConfig(base).truncateLong()).isFalse();
        assertThat(DataConfig.fromConfig(com.typesafe.config.ConfigFactory.parseString(
                "fourm.data.long-sequences = truncate").withFallback(base)).truncateLong()).isTrue();
        assertThatThrownBy(() -> DataConfig.fromConfig(com.typesafe.config.ConfigFactory.parseString(
                "fourm.data.long-sequences = cut").withFallback(base)))
                .hasMessageContaining("fourm.data.long-sequences").hasMessageContaining("refuse, truncate");
    }

    @Test
    void aManifestThatIsNotJsonIsNamed() throws IOException {
        write(3, 10, true);
        Path m = root.resolve("det").resolve(DatasetManifest.FILE_NAME);
        Files.writeString(m, "{not json");
        assertThatThrownBy(() -> DatasetManifest.requireComplete(root, KEYS))
                .isInstanceOf(IncompleteDatasetException.class).hasMessageContaining(m.toString())
                .hasMessageNotContaining("setStrictness");
    }
}
