package fourm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.SpecialTokens;
import fourm.core.batch.MaskedBatch;
import fourm.core.io.Npy;
import fourm.core.masking.AlphaMixture;
import fourm.core.masking.MaskedSample;
import fourm.core.masking.MaskingCollator;
import fourm.core.masking.MaskingConfig;
import fourm.core.masking.UnifiedMasking;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleInputsTest {
    @TempDir
    Path root;

    /** A toy text tokenizer: each word's length + 300. */
    private static final ModalityTokenizer<String> WORDS = new ModalityTokenizer<>() {
        @Override
        public Class<String> valueType() {
            return String.class;
        }

        @Override
        public int[] encode(String value) {
            return Arrays.stream(value.split(" ")).mapToInt(w -> 300 + w.length()).toArray();
        }

        @Override
        public String decode(int[] tokens) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void shardsFeedMaskingAndCollate() throws IOException {
        Map<String, ModalitySpec> specs = new LinkedHashMap<>(DataSpecs.three());
        specs.remove("det");
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.copyOf(specs.keySet()), 4)) {
            for (int i = 0; i < 6; i++) {
                Map<String, SampleFile> f = new LinkedHashMap<>(ShardedDatasetTest.files(i));
                f.remove("det");
                w.write(ShardedDatasetTest.key(i), f);
            }
        }
        Map<String, Modality> modalities = new LinkedHashMap<>();
        modalities.put("tok_rgb@64", Modality.pretokenized(specs.get("tok_rgb@64")));
        modalities.put("caption", Modality.of(specs.get("caption"), WORDS));
        UnifiedMasking masking = new UnifiedMasking(specs, new MaskingConfig(12, 12, 12, 12,
                AlphaMixture.uniform(specs, 1, 1, KeepScheme.RANDOM), SpecialTokens.REFERENCE, 3));
        List<MaskedSample> masked = new ArrayList<>();
        try (ShardedDatasetReader r = ShardedDatasetReader.open(root, specs,
                new DataConfig(OnBadSample.FAIL, 0, 2, 4, 0))) {
            long index = 0;
            while (r.hasNext()) {
                Sample s = r.next();
                assertThat(SampleInputs.crops(s)).isEqualTo(2);
                Map<String, ModalityInput> in = SampleInputs.of(s, modalities, 1);
                int i = Integer.parseInt(s.key().substring(1));
                assertThat(((ModalityInput.Grid) in.get("tok_rgb@64")).ids()).containsExactly(
                        ShardedDatasetTest.tokens(i)[1]);
                assertThat(((ModalityInput.Tokens) in.get("caption")).ids()).containsExactly(WORDS.encode(
                        "a caption number " + i + " with ünïcode"));
                masked.add(masking.mask(index++, in));
            }
        }
        MaskedBatch batch = new MaskingCollator(specs).collate(masked);
        assertThat(batch.batchSize()).isEqualTo(6);
        assertThat(batch.modalities().get("caption").length()).isEqualTo(66);
    }

    @Test
    void refusesWhatItCannotConvert() throws IOException {
        Map<String, ModalitySpec> specs = DataSpecs.three();
        Sample s = new Sample("k", "shard-00000.tar", Map.of("det",
                new Sample.Json(com.google.gson.JsonParser.parseString("{}"))));
        Map<String, Modality> modalities = Map.of("det", Modality.pretokenized(specs.get("det")));
        assertThatThrownBy(() -> SampleInputs.of(s, modalities, 0)).hasMessageContaining("sample 'k' (det)")
                .hasMessageContaining("serializer");
        Sample text = new Sample("k", "shard-00000.tar", Map.of("det", new Sample.Text("hello")));
        assertThatThrownBy(() -> SampleInputs.of(text, modalities, 0)).hasMessageContaining("takes int[]");
        Sample grid = new Sample("k", "shard-00000.tar", Map.of("tok_rgb@64", new Sample.Tokens(
                new Npy.Array("<i2", new int[] {1, 16}, new int[16]))));
        assertThatThrownBy(() -> SampleInputs.of(grid, Map.of("tok_rgb@64",
                Modality.pretokenized(specs.get("tok_rgb@64"))), 1)).hasMessageContaining("crop 1 requested");
    }

    @Test
    void aTextPastMaxTokensIsRefusedWithItsCountOrCutWhenAsked() {
        ModalitySpec spec = DataSpecs.three().get("caption");
        Map<String, Modality> modalities = Map.of("caption", Modality.of(spec, WORDS));
        Sample s = new Sample("k", "shard-00000.tar", Map.of("caption", new Sample.Text("w ".repeat(33).trim())));
        assertThatThrownBy(() -> SampleInputs.of(s, modalities, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample 'k' (caption)").hasMessageContaining("text of 33 tokens")
                .hasMessageContaining("32 (max-tokens)");
        assertThat(((ModalityInput.Tokens) SampleInputs.of(s, modalities, 0, true).get("caption")).ids())
                .hasSize(32);
        assertThat(SampleInputs.textTokenizers(modalities)).containsOnlyKeys("caption");
    }
}
