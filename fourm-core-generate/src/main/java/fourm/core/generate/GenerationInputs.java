package fourm.core.generate;

import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import fourm.api.masking.SpecialTokens;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import fourm.core.io.MaskedBatchFiles;
import fourm.core.io.SafetensorsFormatException;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.TensorInfo;
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
 * Preparing the masked batch generation starts from (spec section 4.1), and reading one from a file.
 *
 * <ul>
 *   <li>{@link #fullGrid}: every position an input ({@code input_mask} all false, {@code target_mask} all true).</li>
 *   <li>{@link #fullSequence}: a sequence input up to and including its first {@code [EOS]}; a sequence without one
 *       gets {@code [EOS]} appended (4M is trained on sequences that end in it; the reference's helper would instead
 *       overwrite the first token).</li>
 *   <li>{@link #emptyTarget}: a grid of zeros, {@code input_mask} all true and {@code target_mask} all false; a
 *       sequence {@code [S_1] [S_1] 0 ... 0 [S_2]} whose input is the first token only and whose target is the
 *       rest.</li>
 *   <li>{@link #emptied}: what classifier-free guidance makes of a condition in its unconditional pass (spec section
 *       4.3): a grid with no input, a sequence reduced to {@code [S_1]}, an embedding sequence whose only visible
 *       slot is a zero vector.</li>
 * </ul>
 */
public final class GenerationInputs {
    private GenerationInputs() {
    }

    /**
     * A grid given in full: row-major ids, {@code batch} samples of {@code mm.layout().length()} each.
     *
     * @throws IllegalArgumentException if the ids do not fill the grid or fall outside the vocabulary
     */
    public static ModalityTensors fullGrid(ModalitySpec mm, int batch, long[] ids) {
        TokenLayout layout = mm.layout();
        int l = layout.length();
        if (layout.sequence() || !layout.discrete()) {
            throw new IllegalArgumentException(mm.key() + " is " + layout.name() + ", not a token grid");
        }
        if (ids.length != batch * l) {
            throw new IllegalArgumentException(mm.key() + ": " + ids.length + " token ids, expected " + batch + " x "
                    + l);
        }
        checkVocab(mm, ids);
        boolean[] in = new boolean[batch * l];
        boolean[] tg = new boolean[batch * l];
        Arrays.fill(tg, true);
        return ModalityTensors.ofIds(mm.key(), batch, l, ids.clone(), in, tg, new int[batch * l]);
    }

    /**
     * Pixels or dense embeddings given in full (every position an input).
     *
     * @param values     row-major values of shape {@code valueShape} (B first)
     * @param valueShape B,C,H,W for pixels or B,L,E for embedding sequences
     */
    public static ModalityTensors fullValues(ModalitySpec mm, float[] values, int[] valueShape) {
        TokenLayout layout = mm.layout();
        if (layout.discrete()) {
            throw new IllegalArgumentException(mm.key() + " takes token ids, not values");
        }
        int b = valueShape[0];
        int l = !layout.sequence() ? layout.length() : valueShape.length > 1 ? valueShape[1] : 0;
        boolean[] in = new boolean[b * l];
        boolean[] tg = new boolean[b * l];
        Arrays.fill(tg, true);
        return ModalityTensors.ofValues(mm.key(), b, l, values.clone(), valueShape.clone(), in, tg, new int[b * l]);
    }

    /**
     * Sequences given in full, one id array per sample: each is an input up to and including its first {@code [EOS]}
     * ({@code [EOS]} appended when absent), right-padded with {@code [PAD]} to the longest.
     *
     * @throws IllegalArgumentException if an id falls outside the vocabulary or a sequence is longer than the
     *                                  modality's positional table
     */
    public static ModalityTensors fullSequence(ModalitySpec mm, List<int[]> samples, SpecialTokens specials) {
        TokenLayout layout = mm.layout();
        if (!layout.sequence() || !layout.discrete()) {
            throw new IllegalArgumentException(mm.key() + " is " + layout.name() + ", not a token sequence");
        }
        List<long[]> rows = new ArrayList<>();
        int l = 1;
        for (int[] s : samples) {
            int end = -1;
            for (int i = 0; i < s.length; i++) {
                if (s[i] == specials.eos()) {
                    end = i;
                    break;
                }
            }
            long[] row = new long[end >= 0 ? end + 1 : s.length + 1];
            for (int i = 0; i < row.length; i++) {
                row[i] = i < s.length && (end < 0 || i <= end) ? s[i] : specials.eos();
            }
            checkVocab(mm, row);
            if (row.length > layout.positionRows()) {
                throw new IllegalArgumentException(mm.key() + ": a sequence of " + row.length + " tokens is longer"
                        + " than the " + layout.positionRows() + " positions of the modality");
            }
            rows.add(row);
            l = Math.max(l, row.length);
        }
        int b = rows.size();
        long[] ids = new long[b * l];
        boolean[] in = new boolean[b * l];
        boolean[] tg = new boolean[b * l];
        Arrays.fill(tg, true);
        for (int r = 0; r < b; r++) {
            long[] row = rows.get(r);
            for (int p = 0; p < l; p++) {
                ids[r * l + p] = p < row.length ? row[p] : specials.pad();
                in[r * l + p] = p >= row.length;
            }
        }
        return ModalityTensors.ofIds(mm.key(), b, l, ids, in, tg, new int[b * l]);
    }

    /**
     * An empty target: a grid of zeros to decode entirely, or a sequence {@code [S_1] [S_1] 0 ... 0 [S_2]} of
     * {@code tokens} positions (at least 2) whose first token is the input.
     *
     * @param tokens positions of a sequence target (ignored for grids, which have {@code mm.layout().length()})
     */
    public static ModalityTensors emptyTarget(ModalitySpec mm, int batch, int tokens, SpecialTokens specials) {
        TokenLayout layout = mm.layout();
        if (!layout.discrete()) {
            throw new IllegalArgumentException(mm.key() + " is " + layout.name() + " and cannot be a target");
        }
        if (!layout.sequence()) {
            int l = layout.length();
            boolean[] in = new boolean[batch * l];
            Arrays.fill(in, true);
            return ModalityTensors.ofIds(mm.key(), batch, l, new long[batch * l], in, new boolean[batch * l],
                    new int[batch * l]);
        }
        if (tokens < 2) {
            throw new IllegalArgumentException(mm.key() + ": an empty sequence target needs at least 2 positions ([S_1]"
                    + " ... [S_2]), got " + tokens);
        }
        int l = tokens;
        long[] ids = new long[batch * l];
        boolean[] in = new boolean[batch * l];
        boolean[] tg = new boolean[batch * l];
        int[] dam = new int[batch * l];
        for (int b = 0; b < batch; b++) {
            emptySequenceRow(ids, in, tg, dam, b * l, l, specials);
        }
        return ModalityTensors.ofIds(mm.key(), batch, l, ids, in, tg, dam);
    }

    private static void emptySequenceRow(long[] ids, boolean[] in, boolean[] tg, int[] dam, int o, int l,
                                         SpecialTokens specials) {
        Arrays.fill(ids, o, o + l, specials.pad());
        ids[o] = specials.sentinel(1);
        if (l > 1) {
            ids[o + 1] = specials.sentinel(1);
            ids[o + l - 1] = specials.sentinel(2);
        }
        Arrays.fill(in, o, o + l, true);
        in[o] = false;
        for (int p = 0; p < l; p++) {
            tg[o + p] = !in[o + p];
            dam[o + p] = p == 0 ? 0 : 1;
        }
    }

    /**
     * A condition as guidance's unconditional pass sees it: a grid with no input; a token sequence rewritten to
     * {@code [S_1] [S_1] 0 ... 0 [S_2]} with only the first token visible; an embedding sequence of zeros with only
     * the first slot visible.
     */
    public static ModalityTensors emptied(ModalityTensors t, ModalitySpec mm, SpecialTokens specials) {
        int b = t.batchSize();
        int l = t.length();
        boolean[] in = new boolean[b * l];
        boolean[] tg = t.targetMask().clone();
        TokenLayout layout = mm.layout();
        if (!layout.sequence()) {
            Arrays.fill(in, true);
            return new ModalityTensors(t.key(), b, l, t.ids().clone(), t.values().clone(), t.valueShape().clone(), in,
                    tg, t.decoderAttentionMask().clone());
        }
        if (layout.discrete()) {
            long[] ids = new long[b * l];
            int[] dam = new int[b * l];
            for (int r = 0; r < b; r++) {
                emptySequenceRow(ids, in, tg, dam, r * l, l, specials);
            }
            return ModalityTensors.ofIds(t.key(), b, l, ids, in, tg, dam);
        }
        Arrays.fill(in, true);
        for (int r = 0; r < b; r++) {
            in[r * l] = false;
        }
        Arrays.fill(tg, true);
        return ModalityTensors.ofValues(t.key(), b, l, new float[t.values().length], t.valueShape().clone(), in, tg,
                new int[b * l]);
    }

    private static void checkVocab(ModalitySpec mm, long[] ids) {
        int vocab = mm.vocabSize().orElse(0);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException(mm.key() + ": token id " + ids[i] + " at index " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }

    /**
     * Reads the batch generation starts from: per modality {@code <key>.tensor} (integer ids [B, L] or [B, h, w], or
     * floating values [B, ...]), {@code <key>.input_mask} and {@code <key>.target_mask} ([B, L], true = not an
     * input / not a target) and optionally {@code <key>.decoder_attention_mask} ([B, L]; zeros when absent). Masks
     * may be BOOL or integer, as {@link MaskedBatchFiles#readMask} and
     * {@link MaskedBatchFiles#readDecoderAttentionMask} read them.
     * The modality order is the comma-separated metadata entry {@code modalities} when present, else the header
     * order.
     *
     * @throws SafetensorsFormatException naming the file, the key and what was expected
     */
    public static MaskedBatch read(Path file) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            Set<String> found = new LinkedHashSet<>();
            for (String key : r.keys()) {
                int dot = key.lastIndexOf('.');
                String suffix = dot < 0 ? "" : key.substring(dot + 1);
                if (dot <= 0 || !List.of("tensor", "input_mask", "target_mask", "decoder_attention_mask")
                        .contains(suffix)) {
                    throw new SafetensorsFormatException(file, key, "unexpected key; generation inputs hold "
                            + "<modality>.tensor, <modality>.input_mask, <modality>.target_mask and optionally "
                            + "<modality>.decoder_attention_mask");
                }
                found.add(key.substring(0, dot));
            }
            if (found.isEmpty()) {
                throw new SafetensorsFormatException(file, null, "the file holds no modality");
            }
            List<String> order = new ArrayList<>(found);
            String listed = r.metadata().get("modalities");
            if (listed != null) {
                List<String> names = Arrays.stream(listed.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .toList();
                if (!new LinkedHashSet<>(names).equals(found) || names.size() != found.size()) {
                    throw new SafetensorsFormatException(file, null, "metadata 'modalities' lists " + names
                            + " but the tensors are of " + found);
                }
                order = names;
            }
            Map<String, ModalityTensors> mods = new LinkedHashMap<>();
            int batch = -1;
            for (String m : order) {
                ModalityTensors t = readModality(r, file, m);
                if (batch >= 0 && t.batchSize() != batch) {
                    throw new SafetensorsFormatException(file, m + ".tensor", "batch size " + t.batchSize()
                            + ", the modalities before it have " + batch);
                }
                batch = t.batchSize();
                mods.put(m, t);
            }
            return new MaskedBatch(mods);
        }
    }

    private static ModalityTensors readModality(SafetensorsReader r, Path file, String m) throws IOException {
        for (String s : List.of("tensor", "input_mask", "target_mask")) {
            if (!r.has(m + "." + s)) {
                throw new SafetensorsFormatException(file, m + "." + s, "missing; modality '" + m
                        + "' needs tensor, input_mask and target_mask");
            }
        }
        TensorInfo im = r.info(m + ".input_mask");
        if (im.rank() != 2 || im.shape()[0] < 1 || im.shape()[1] < 1) {
            throw new SafetensorsFormatException(file, im.name(), im.dtype() + " " + im.shapeString()
                    + "; expected [B, L] with B, L >= 1");
        }
        long[] bl = im.shape();
        int b = Math.toIntExact(bl[0]);
        int l = Math.toIntExact(bl[1]);
        TensorInfo tm = r.info(m + ".target_mask");
        if (!Arrays.equals(tm.shape(), bl)) {
            throw new SafetensorsFormatException(file, tm.name(), tm.dtype() + " " + tm.shapeString()
                    + "; expected " + im.shapeString() + " like " + im.name());
        }
        int[] dam = new int[b * l];
        if (r.has(m + ".decoder_attention_mask")) {
            TensorInfo d = r.info(m + ".decoder_attention_mask");
            if (!Arrays.equals(d.shape(), bl)) {
                throw new SafetensorsFormatException(file, d.name(), d.dtype() + " " + d.shapeString()
                        + "; expected shape " + im.shapeString());
            }
            dam = MaskedBatchFiles.readDecoderAttentionMask(r, d);
        }
        boolean[] inputMask = MaskedBatchFiles.readMask(r, im);
        boolean[] targetMask = MaskedBatchFiles.readMask(r, tm);
        return MaskedBatchFiles.readTensor(r, m, b, l, inputMask, targetMask, dam);
    }
}
