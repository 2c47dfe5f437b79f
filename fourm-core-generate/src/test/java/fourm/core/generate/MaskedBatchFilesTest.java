package fourm.core.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.io.MaskedBatchFiles;
import fourm.core.io.SafetensorsDType;
import fourm.core.io.SafetensorsFormatException;
import fourm.core.io.SafetensorsWriter;
import fourm.testing.SharedFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden inputs layout, read and written. */
class MaskedBatchFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsTheGoldenInputs() throws IOException {
        MaskedBatch b = MaskedBatchFiles.read(SharedFiles.require("reference/golden/inputs.safetensors"));
        assertThat(b.batchSize()).isEqualTo(2);
        assertThat(b.modalities().keySet()).containsExactly("caption", "tok_depth@224", "tok_rgb@224");
        ModalityTensors caption = b.modalities().get("caption");
        assertThat(caption.length()).isEqualTo(514);
        assertThat(caption.isDiscrete()).isTrue();
        assertThat(caption.ids()[1]).isEqualTo(5);
        ModalityTensors depth = b.modalities().get("tok_depth@224");
        assertThat(depth.length()).isEqualTo(196);
        assertThat(depth.decoderAttentionMask()[6]).isEqualTo(23);
    }

    @Test
    void roundTripsIdsAndValues() throws IOException {
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        mods.put("tok_b", ModalityTensors.ofIds("tok_b", 1, 4, new long[] {1, 2, 3, 4},
                new boolean[] {false, true, true, false}, new boolean[] {true, false, false, true},
                new int[] {0, 2, 0, 0}));
        mods.put("a_values", ModalityTensors.ofValues("a_values", 1, 2, new float[] {1, 2, 3, 4, 5, 6},
                new int[] {1, 2, 3}, new boolean[] {false, false}, new boolean[] {true, true}, new int[] {0, 0}));
        Path p = dir.resolve("batch.safetensors");
        MaskedBatchFiles.write(new MaskedBatch(mods), p, Map.of("seed", "7"));
        MaskedBatch back = MaskedBatchFiles.read(p);
        assertThat(back.modalities().keySet()).containsExactly("tok_b", "a_values");
        assertThat(back.modalities().get("tok_b")).usingRecursiveComparison().isEqualTo(mods.get("tok_b"));
        assertThat(back.modalities().get("a_values")).usingRecursiveComparison().isEqualTo(mods.get("a_values"));
    }

    /**
     * A batch as the reference's generation helpers leave it: BOOL decoder_attention_mask; and masks stored as
     * integers (I64 0/1, U8 0/1) as some writers do.
     */
    private Path referenceDtypes(String name) throws IOException {
        Path p = dir.resolve(name);
        new SafetensorsWriter()
                .addLongs("tok_a.tensor", new long[] {1, 3}, new long[] {4, 5, 6})
                .addBooleans("tok_a.input_mask", new long[] {1, 3}, new boolean[] {false, true, true})
                .addBooleans("tok_a.target_mask", new long[] {1, 3}, new boolean[] {true, false, false})
                .addBooleans("tok_a.decoder_attention_mask", new long[] {1, 3}, new boolean[] {false, true, false})
                .addLongs("cap.tensor", new long[] {1, 2}, new long[] {7, 8})
                .addLongs("cap.input_mask", new long[] {1, 2}, new long[] {0, 1})
                .add("cap.target_mask", SafetensorsDType.U8, new long[] {1, 2},
                        java.nio.ByteBuffer.wrap(new byte[] {1, 0}))
                .addInts("cap.decoder_attention_mask", new long[] {1, 2}, new int[] {0, 1}).write(p);
        return p;
    }

    @Test
    void boolAndIntegerMasksAreReadByEveryMaskedBatchReader() throws IOException {
        Path p = referenceDtypes("reference-dtypes.safetensors");
        for (MaskedBatch b : java.util.List.of(MaskedBatchFiles.read(p),
                GenerationInputs.read(p))) {
            ModalityTensors a = b.modalities().get("tok_a");
            assertThat(a.inputMask()).containsExactly(false, true, true);
            assertThat(a.targetMask()).containsExactly(true, false, false);
            assertThat(a.decoderAttentionMask()).containsExactly(0, 1, 0);
            ModalityTensors cap = b.modalities().get("cap");
            assertThat(cap.inputMask()).containsExactly(false, true);
            assertThat(cap.targetMask()).containsExactly(true, false);
            assertThat(cap.decoderAttentionMask()).containsExactly(0, 1);
        }
    }

    @Test
    void floatingMasksAndIntegerMasksBeyondZeroOneAreRefused() throws IOException {
        Path floating = dir.resolve("floating.safetensors");
        new SafetensorsWriter().addLongs("m.tensor", new long[] {1, 2}, new long[2])
                .addFloats("m.input_mask", new long[] {1, 2}, new float[2])
                .addBooleans("m.target_mask", new long[] {1, 2}, new boolean[2])
                .addFloats("m.decoder_attention_mask", new long[] {1, 2}, new float[2]).write(floating);
        assertThatThrownBy(() -> MaskedBatchFiles.read(floating)).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("floating.safetensors").hasMessageContaining("'m.input_mask'")
                .hasMessageContaining("dtype F32; expected BOOL or an integer type");
        assertThatThrownBy(() -> GenerationInputs.read(floating))
                .hasMessageContaining("'m.decoder_attention_mask'").hasMessageContaining("dtype F32");
        Path two = dir.resolve("two.safetensors");
        new SafetensorsWriter().addLongs("m.tensor", new long[] {1, 2}, new long[2])
                .addBooleans("m.input_mask", new long[] {1, 2}, new boolean[2])
                .addLongs("m.target_mask", new long[] {1, 2}, new long[] {1, 2})
                .addInts("m.decoder_attention_mask", new long[] {1, 2}, new int[2]).write(two);
        assertThatThrownBy(() -> MaskedBatchFiles.read(two)).hasMessageContaining("'m.target_mask'")
                .hasMessageContaining("element 1 is 2; a mask holds 0 and 1");
    }

    @Test
    void missingOrStrayKeysNameTheFileAndKey() throws IOException {
        Path missing = dir.resolve("missing.safetensors");
        new SafetensorsWriter().addLongs("m.tensor", new long[] {1, 2}, new long[2])
                .addBooleans("m.input_mask", new long[] {1, 2}, new boolean[2])
                .addBooleans("m.target_mask", new long[] {1, 2}, new boolean[2]).write(missing);
        assertThatThrownBy(() -> MaskedBatchFiles.read(missing)).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("missing.safetensors").hasMessageContaining("m.decoder_attention_mask");
        Path stray = dir.resolve("stray.safetensors");
        new SafetensorsWriter().addLongs("m.weights", new long[] {1}, new long[1]).write(stray);
        assertThatThrownBy(() -> MaskedBatchFiles.read(stray)).hasMessageContaining("'m.weights'")
                .hasMessageContaining("unexpected key");
        Path shape = dir.resolve("shape.safetensors");
        new SafetensorsWriter().addLongs("m.tensor", new long[] {1, 3}, new long[3])
                .addBooleans("m.input_mask", new long[] {1, 2}, new boolean[2])
                .addBooleans("m.target_mask", new long[] {1, 2}, new boolean[2])
                .addInts("m.decoder_attention_mask", new long[] {1, 2}, new int[2]).write(shape);
        assertThatThrownBy(() -> MaskedBatchFiles.read(shape)).hasMessageContaining("'m.tensor'")
                .hasMessageContaining("expected token ids of shape [1, 2]");
    }
}
