package fourm.core.io;

import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes masked batches in the layout of the reference's golden inputs: per modality {@code <key>.tensor}
 * (integer ids B x L or B x h x w, or floating values B x ...), {@code <key>.input_mask} and {@code <key>.target_mask}
 * (B x L, true = not an input / not a target) and {@code <key>.decoder_attention_mask} (B x L).
 *
 * <p>Mask dtypes, as the reference produces them: {@code input_mask} and {@code target_mask} may be BOOL or an integer
 * type holding 0 and 1 ({@link #readMask}); {@code decoder_attention_mask} may be an integer type (training batches)
 * or BOOL (the reference's generation helpers create it with {@code dtype=torch.bool}), read as 0/1
 * ({@link #readDecoderAttentionMask}). Every masked-batch reader uses these two.
 *
 * <p>Modality order (the order the encoder concatenates them in) is the comma-separated metadata entry
 * {@value #MODALITIES_METADATA} when present, otherwise the header order of the keys.
 */
public final class MaskedBatchFiles {
    /** Metadata key listing the modalities in batch order, comma-separated. */
    public static final String MODALITIES_METADATA = "modalities";
    /** The four per-modality suffixes. */
    public static final List<String> SUFFIXES = List.of("tensor", "input_mask", "target_mask",
            "decoder_attention_mask");

    private MaskedBatchFiles() {
    }

    /**
     * Reads a masked batch.
     *
     * @throws SafetensorsFormatException naming the file and key when a tensor is missing, unexpected, of the wrong
     *                                    type or shape, or the batch sizes disagree
     */
    public static MaskedBatch read(Path file) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return read(r);
        }
    }

    /** Reads a masked batch from an open reader (see {@link #read(Path)}). */
    public static MaskedBatch read(SafetensorsReader r) throws IOException {
        Path file = r.path();
        Set<String> found = new LinkedHashSet<>();
        for (String key : r.keys()) {
            int dot = key.lastIndexOf('.');
            String suffix = dot < 0 ? "" : key.substring(dot + 1);
            if (dot <= 0 || !SUFFIXES.contains(suffix)) {
                throw new SafetensorsFormatException(file, key, "unexpected key; a masked batch holds "
                        + "<modality>.{tensor, input_mask, target_mask, decoder_attention_mask}");
            }
            found.add(key.substring(0, dot));
        }
        if (found.isEmpty()) {
            throw new SafetensorsFormatException(file, null, "the file holds no modality (no <modality>.tensor)");
        }
        List<String> order = new ArrayList<>(found);
        String listed = r.metadata().get(MODALITIES_METADATA);
        if (listed != null) {
            List<String> names = Arrays.stream(listed.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                    .toList();
            if (!new LinkedHashSet<>(names).equals(found) || names.size() != found.size()) {
                throw new SafetensorsFormatException(file, null, "metadata '" + MODALITIES_METADATA + "' lists "
                        + names + " but the tensors are of " + found);
            }
            order = names;
        }
        Map<String, ModalityTensors> mods = new LinkedHashMap<>();
        int batch = -1;
        for (String m : order) {
            ModalityTensors t = readModality(r, m);
            if (batch >= 0 && t.batchSize() != batch) {
                throw new SafetensorsFormatException(file, m + ".tensor", "batch size " + t.batchSize()
                        + ", the modalities before it have " + batch);
            }
            batch = t.batchSize();
            mods.put(m, t);
        }
        return new MaskedBatch(mods);
    }

    private static ModalityTensors readModality(SafetensorsReader r, String m) throws IOException {
        Path file = r.path();
        for (String s : SUFFIXES) {
            if (!r.has(m + "." + s)) {
                throw new SafetensorsFormatException(file, m + "." + s, "missing; modality '" + m
                        + "' needs tensor, input_mask, target_mask and decoder_attention_mask");
            }
        }
        TensorInfo im = r.info(m + ".input_mask");
        if (im.rank() != 2 || im.shape()[0] < 1 || im.shape()[1] < 1) {
            throw new SafetensorsFormatException(file, im.name(), "shape " + im.shapeString()
                    + "; expected [B, L] with B, L >= 1");
        }
        long[] bl = im.shape();
        int b = (int) bl[0];
        int l = (int) bl[1];
        for (String s : List.of("target_mask", "decoder_attention_mask")) {
            TensorInfo t = r.info(m + "." + s);
            if (!Arrays.equals(t.shape(), bl)) {
                throw new SafetensorsFormatException(file, t.name(), "shape " + t.shapeString()
                        + "; expected " + im.shapeString() + " like " + im.name());
            }
        }
        boolean[] inputMask = readMask(r, im);
        boolean[] targetMask = readMask(r, r.info(m + ".target_mask"));
        int[] decoderAttention = readDecoderAttentionMask(r, r.info(m + ".decoder_attention_mask"));
        return readTensor(r, m, b, l, inputMask, targetMask, decoderAttention);
    }

    /**
     * Reads {@code <m>.tensor} of a masked batch whose masks are read: token ids of shape [B, L] (or [B, h, w] with
     * h*w = L), or floating values of shape [B, ...].
     *
     * @throws SafetensorsFormatException naming the file and key for a BOOL tensor or a shape that does not fit
     */
    public static ModalityTensors readTensor(SafetensorsReader r, String m, int b, int l, boolean[] inputMask,
                                             boolean[] targetMask, int[] decoderAttention) throws IOException {
        Path file = r.path();
        TensorInfo t = r.info(m + ".tensor");
        long[] shape = t.shape();
        if (t.dtype().isFloating()) {
            if (shape.length < 2 || shape[0] != b) {
                throw new SafetensorsFormatException(file, t.name(), "shape " + t.shapeString()
                        + "; expected values of shape [B, ...] with B = " + b);
            }
            int[] valueShape = Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
            return ModalityTensors.ofValues(m, b, l, r.floats(t.name()), valueShape, inputMask, targetMask,
                    decoderAttention);
        }
        if (t.dtype() == SafetensorsDType.BOOL) {
            throw new SafetensorsFormatException(file, t.name(), "dtype BOOL; expected integer token ids or "
                    + "floating values");
        }
        long tokens = 1;
        for (int i = 1; i < shape.length; i++) {
            tokens *= shape[i];
        }
        if (shape.length < 2 || shape[0] != b || tokens != l) {
            throw new SafetensorsFormatException(file, t.name(), "shape " + t.shapeString()
                    + "; expected token ids of shape [" + b + ", " + l + "] (or [B, h, w] with h*w = " + l + ")");
        }
        return ModalityTensors.ofIds(m, b, l, r.longs(t.name()), inputMask, targetMask, decoderAttention);
    }

    /**
     * Reads an {@code input_mask} or {@code target_mask}: BOOL, or an integer type (I64, I32, I16, U8) holding only 0
     * and 1 (true = 1).
     *
     * @throws SafetensorsFormatException naming the file and key if the dtype is floating or a value is not 0 or 1
     */
    public static boolean[] readMask(SafetensorsReader r, TensorInfo t) throws IOException {
        if (t.dtype().isFloating()) {
            throw new SafetensorsFormatException(r.path(), t.name(), "dtype " + t.dtype()
                    + "; expected BOOL or an integer type (I64, I32, I16, U8) holding 0 and 1");
        }
        if (t.dtype() == SafetensorsDType.BOOL) {
            return r.booleans(t.name());
        }
        long[] v = r.longs(t.name());
        boolean[] out = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0 && v[i] != 1) {
                throw new SafetensorsFormatException(r.path(), t.name(), "element " + i + " is " + v[i]
                        + "; a mask holds 0 and 1 (or is BOOL)");
            }
            out[i] = v[i] == 1;
        }
        return out;
    }

    /**
     * Reads a {@code decoder_attention_mask}: an integer type (the per-token counts of training batches) or BOOL (as
     * the reference's generation helpers create it; read as 0 and 1).
     *
     * @throws SafetensorsFormatException naming the file and key if the dtype is floating or a value exceeds an int
     */
    public static int[] readDecoderAttentionMask(SafetensorsReader r, TensorInfo t) throws IOException {
        if (t.dtype().isFloating()) {
            throw new SafetensorsFormatException(r.path(), t.name(), "dtype " + t.dtype()
                    + "; expected an integer type (I64, I32, I16, U8) or BOOL");
        }
        return r.ints(t.name());
    }

    /**
     * Writes {@code batch} atomically: ids as I64 [B, L], values as F32 in their shape, masks as BOOL [B, L], the
     * decoder attention mask as I32 [B, L], and the modality order under {@value #MODALITIES_METADATA}.
     */
    public static void write(MaskedBatch batch, Path file, Map<String, String> metadata) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        w.putMetadata(metadata);
        w.putMetadata(MODALITIES_METADATA, String.join(",", batch.modalities().keySet()));
        for (ModalityTensors t : batch.modalities().values()) {
            long[] bl = {t.batchSize(), t.length()};
            String k = t.key();
            if (t.isDiscrete()) {
                w.addLongs(k + ".tensor", bl, t.ids());
            } else {
                w.addFloats(k + ".tensor", Arrays.stream(t.valueShape()).asLongStream().toArray(), t.values());
            }
            w.addBooleans(k + ".input_mask", bl, t.inputMask());
            w.addBooleans(k + ".target_mask", bl, t.targetMask());
            w.addInts(k + ".decoder_attention_mask", bl, t.decoderAttentionMask());
        }
        w.write(file);
    }
}
