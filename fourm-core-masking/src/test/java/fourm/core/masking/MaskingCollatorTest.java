package fourm.core.masking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fourm.api.ModalitySpec;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.Maskings;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.ModalitySample;
import fourm.api.masking.SpanMasking;
import fourm.api.masking.SpecialTokens;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MaskingCollatorTest {
    private static final SpecialTokens SP = SpecialTokens.REFERENCE;

    @Test
    void stacksSamplesInSpecOrderWithTheirShapes() {
        Map<String, ModalitySpec> specs = Specs.small();
        UnifiedMasking masking = new UnifiedMasking(specs, new MaskingConfig(32, 32, 32, 32,
                AlphaMixture.uniform(specs, 1, 1, KeepScheme.RANDOM), SP, 1));
        SplittableRandom data = new SplittableRandom(1);
        List<MaskedSample> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            samples.add(masking.mask(i, Samples.random(specs, data)));
        }
        MaskedBatch batch = new MaskingCollator(specs).collate(samples);
        assertThat(batch.batchSize()).isEqualTo(3);
        assertThat(batch.modalities().keySet()).containsExactlyElementsOf(specs.keySet());
        ModalityTensors caption = batch.modalities().get("caption");
        assertThat(caption.length()).isEqualTo((48 + 1) * 2);
        assertThat(caption.ids()).hasSize(3 * 98);
        ModalityTensors rgb = batch.modalities().get("rgb@64");
        assertThat(rgb.length()).isEqualTo(16);
        assertThat(rgb.valueShape()).containsExactly(3, 3, 64, 64);
        ModalityTensors t5 = batch.modalities().get("t5_caption");
        assertThat(t5.valueShape()).containsExactly(3, 12, 4);
        for (int i = 0; i < 3; i++) {
            ModalitySample s = samples.get(i).get("tok_rgb@64");
            for (int j = 0; j < 64; j++) {
                assertThat(batch.modalities().get("tok_rgb@64").inputMask()[i * 64 + j]).isEqualTo(s.inputMask()[j]);
            }
        }
    }

    @Test
    void aModalityMissingFromSomeSamplesIsFilledEmpty() {
        Map<String, ModalitySpec> specs = Specs.small();
        Map<String, ModalitySample> one = new LinkedHashMap<>();
        one.put("caption", Maskings.sequence("caption", specs.get("caption").layout(), new int[] {300, 3}, new int[0], 2, SP));
        Map<String, ModalitySample> two = new LinkedHashMap<>();
        two.put("tok_g", specs.get("tok_g").tokenMasking().empty("tok_g"));
        MaskedBatch b = new MaskingCollator(specs).collate(List.of(
                new MaskedSample(0, 0, one, Map.of(), Map.of()), new MaskedSample(1, 0, two, Map.of(), Map.of())));
        assertThat(b.modalities().keySet()).containsExactly("tok_g", "caption");
        ModalityTensors cap = b.modalities().get("caption");
        for (int j = 0; j < cap.length(); j++) {
            assertThat(cap.inputMask()[cap.length() + j]).isTrue();
            assertThat(cap.targetMask()[cap.length() + j]).isTrue();
        }
        assertThatThrownBy(() -> new MaskingCollator(specs).collate(List.of()))
                .hasMessageContaining("empty");
    }

    /**
     * The reference's own masked batch (golden/inputs.safetensors) was written by its UnifiedMasking. Feeding its
     * inputs and targets back through fourm's layout writers must reproduce every mask bit for bit: the grid
     * convention (target count at the lowest target position) and the sequence convention (inputs first, targets at
     * offset = input budget, attention 1 on targets).
     */
    @Test
    void layoutsReproduceTheReferenceBatch() throws IOException {
        Map<String, Tensor> golden = readSafetensors(SharedFiles.require("reference/golden/inputs.safetensors")
                .toFile().toPath());
        for (int b = 0; b < 2; b++) {
            for (String key : List.of("tok_rgb@224", "tok_depth@224")) {
                ModalitySpec spec = Specs.grid(key, 256, 224, 16);
                boolean[] in = golden.get(key + ".input_mask").bools(b);
                boolean[] tgt = golden.get(key + ".target_mask").bools(b);
                List<Integer> order = new ArrayList<>();
                int nIn = 0;
                int nTgt = 0;
                for (int i = 0; i < 196; i++) {
                    if (!in[i]) {
                        order.add(i);
                        nIn++;
                    }
                }
                for (int i = 195; i >= 0; i--) { // any order of the targets gives the same layout
                    if (!tgt[i]) {
                        order.add(i);
                        nTgt++;
                    }
                }
                int[] perm = new int[196];
                int k = 0;
                for (int p : order) {
                    perm[k++] = p;
                }
                long[] ids = golden.get(key + ".tensor").longs(b);
                int[] grid = new int[196];
                for (int i = 0; i < 196; i++) {
                    grid[i] = (int) ids[i];
                }
                ModalitySample m = Maskings.grid(spec.key(), spec.layout(), new ModalityInput.Grid(grid), perm, nIn, nTgt);
                assertThat(m.inputMask()).containsExactly(in);
                assertThat(m.targetMask()).containsExactly(tgt);
                assertThat(m.decoderAttentionMask()).containsExactly(golden.get(key + ".decoder_attention_mask").ints(b));
            }
            ModalitySpec caption = Specs.text("caption", 256);
            long[] ids = golden.get("caption.tensor").longs(b);
            boolean[] in = golden.get("caption.input_mask").bools(b);
            boolean[] tgt = golden.get("caption.target_mask").bools(b);
            List<Integer> input = new ArrayList<>();
            List<Integer> target = new ArrayList<>();
            int offset = -1;
            for (int i = 0; i < ids.length; i++) {
                if (!in[i]) {
                    input.add((int) ids[i]);
                }
                if (!tgt[i]) {
                    offset = offset < 0 ? i : offset;
                    target.add((int) ids[i]);
                }
            }
            ModalitySample m = Maskings.sequence(caption.key(), caption.layout(), toArray(input), toArray(target), offset, SP);
            assertThat(m.ids()).containsExactly(ids);
            assertThat(m.inputMask()).containsExactly(in);
            assertThat(m.targetMask()).containsExactly(tgt);
            assertThat(m.decoderAttentionMask()).containsExactly(golden.get("caption.decoder_attention_mask").ints(b));
            // ...and the reference's spans follow fourm's span grammar: merging gives a sequence ending in EOS. (The
            // golden toy tokenizer puts its words at ids 104-127, inside the real sentinel range, so only
            // [S_0]..[S_99] count as sentinels here.)
            int[] merged = SpanMasking.merge(toArray(input), toArray(target), new SpecialTokens(0, 3, 4, 100));
            assertThat(merged[merged.length - 1]).isEqualTo(SP.eos());
        }
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A tensor of the golden file, rows of the batch dimension. */
    record Tensor(String dtype, int[] shape, ByteBuffer data) {
        int row() {
            int n = 1;
            for (int i = 1; i < shape.length; i++) {
                n *= shape[i];
            }
            return n;
        }

        long[] longs(int b) {
            long[] out = new long[row()];
            for (int i = 0; i < out.length; i++) {
                int at = b * out.length + i;
                out[i] = dtype.equals("I64") ? data.getLong(at * 8) : data.getInt(at * 4);
            }
            return out;
        }

        int[] ints(int b) {
            long[] l = longs(b);
            int[] out = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                out[i] = (int) l[i];
            }
            return out;
        }

        boolean[] bools(int b) {
            boolean[] out = new boolean[row()];
            for (int i = 0; i < out.length; i++) {
                out[i] = data.get(b * out.length + i) != 0;
            }
            return out;
        }
    }

    static Map<String, Tensor> readSafetensors(java.nio.file.Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen = (int) buf.getLong(0);
        JsonObject header = JsonParser.parseString(new String(all, 8, headerLen, StandardCharsets.UTF_8))
                .getAsJsonObject();
        Map<String, Tensor> out = new HashMap<>();
        for (String name : header.keySet()) {
            if (name.equals("__metadata__")) {
                continue;
            }
            JsonObject t = header.getAsJsonObject(name);
            var shapeJson = t.getAsJsonArray("shape");
            int[] shape = new int[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.get(i).getAsInt();
            }
            var offsets = t.getAsJsonArray("data_offsets");
            int start = 8 + headerLen + offsets.get(0).getAsInt();
            int end = 8 + headerLen + offsets.get(1).getAsInt();
            ByteBuffer data = ByteBuffer.wrap(all, start, end - start).slice().order(ByteOrder.LITTLE_ENDIAN);
            out.put(name, new Tensor(t.get("dtype").getAsString(), shape, data));
        }
        return out;
    }
}
