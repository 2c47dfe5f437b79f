package fourm.core.model;

import fourm.api.ModalitySpec;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Matrix-multiply FLOPs of the 4M transformer, the one count behind every "model FLOP/s" figure of fourm (the
 * {@code fourm-bench} benchmarks and {@code fourm bench train}).
 *
 * <p>A multiply of an [R, K] by a [K, C] matrix counts {@code 2 R K C}. Counted: every linear layer (input
 * projections of pixel and embedding modalities on their selected rows, qkv / q / kv / proj, the MLP, the decoder's
 * context projection), the attention products {@code q k^T} and {@code attn v} over all slots (padding included, as
 * the kernels compute them), and each output head on its own modality's target rows only (as the training forward
 * applies it). Not counted: embeddings (gathers), norms, activations, softmax, losses. A training step is
 * {@link #TRAINING_FACTOR} times the forward count (forward, and backward's two products per forward product).
 *
 * <p>Shapes: B batch, N encoder slots, M decoder slots, D width, F MLP hidden width, V vocabulary, K rows.
 */
public final class FlopCounter {
    /** Training step FLOPs over forward FLOPs. */
    public static final int TRAINING_FACTOR = 3;

    private FlopCounter() {
    }

    /**
     * The sizes a step's FLOPs depend on.
     *
     * @param batch          B
     * @param encoderTokens  N, encoder slots per sample
     * @param decoderTokens  M, decoder slots per sample
     * @param encoderRows    per encoder modality, its selected (valid) encoder rows over the batch
     * @param targetRows     per output modality, its target rows over the batch (the rows its head is applied to)
     */
    public record StepShape(int batch, int encoderTokens, int decoderTokens, Map<String, Long> encoderRows,
                            Map<String, Long> targetRows) {
        /** Checks sizes and copies the maps. */
        public StepShape {
            if (batch < 0 || encoderTokens < 0 || decoderTokens < 0) {
                throw new IllegalArgumentException("negative size: batch " + batch + ", encoder tokens "
                        + encoderTokens + ", decoder tokens " + decoderTokens);
            }
            encoderRows = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(encoderRows)));
            targetRows = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(targetRows)));
        }

        /** Encoder plus decoder slots over the batch: the tokens a step processes. */
        public long tokens() {
            return (long) batch * (encoderTokens + decoderTokens);
        }
    }

    /**
     * A forward pass's FLOPs by part.
     *
     * @param encoder the input projections, the encoder blocks and the decoder's context projection
     * @param decoder the decoder blocks (their cross-attention keys and values included)
     * @param heads   the output heads on their own target rows
     */
    public record Breakdown(long encoder, long decoder, long heads) {
        /** The whole forward pass. */
        public long total() {
            return encoder + decoder + heads;
        }
    }

    /** The shape of a forward pass that ran: slots from its inputs, rows counted from their modality ids. */
    public static StepShape shapeOf(FourMConfig config, EncoderInput encoder, DecoderInput decoder) {
        return new StepShape(encoder.batch(), encoder.length(), decoder.length(),
                rowsById(config, encoder.modIds()), rowsById(config, decoder.modIds()));
    }

    /** The shape of a forward pass that ran. */
    public static StepShape shapeOf(FourMConfig config, ForwardOutput out) {
        return shapeOf(config, out.encoderInput(), out.decoderInput());
    }

    /**
     * The shape a forward pass of {@code batch} will have, computed on the host without running it: per sample, the
     * first {@code numEncoderTokens} valid inputs (modalities in batch order) and the first {@code numDecoderTokens}
     * valid targets (modalities in {@code decoderOrder}), as {@link FourMModel#embedEncoder} and
     * {@link FourMModel#embedDecoder} select them.
     *
     * @throws IllegalArgumentException if the order names a modality that is not an output of the batch
     */
    public static StepShape shapeOf(FourMConfig config, MaskedBatch batch, List<String> decoderOrder,
                                    int numEncoderTokens, int numDecoderTokens) {
        Map<String, Long> enc = new LinkedHashMap<>();
        Map<String, Long> dec = new LinkedHashMap<>();
        for (int b = 0; b < batch.batchSize(); b++) {
            int left = numEncoderTokens;
            for (Map.Entry<String, ModalityTensors> e : batch.modalities().entrySet()) {
                if (!config.isInput(e.getKey()) || left == 0) {
                    continue;
                }
                ModalityTensors t = e.getValue();
                int valid = 0;
                for (int p = 0; p < t.length(); p++) {
                    valid += t.inputMask()[b * t.length() + p] ? 0 : 1;
                }
                int taken = Math.min(valid, left);
                left -= taken;
                if (taken > 0) {
                    enc.merge(e.getKey(), (long) taken, Long::sum);
                }
            }
            left = numDecoderTokens;
            for (String key : decoderOrder) {
                ModalityTensors t = batch.modalities().get(key);
                if (t == null || !config.isOutput(key)) {
                    throw new IllegalArgumentException("decoder order " + decoderOrder + " names '" + key
                            + "', not an output modality of the batch");
                }
                boolean seq = modality(config, key).layout().sequence();
                int valid = 0;
                for (int c = 0; c < FourMModel.candidates(t, seq); c++) {
                    valid += FourMModel.decoderValid(t, seq, b, c) ? 1 : 0;
                }
                int taken = Math.min(valid, left);
                left -= taken;
                if (taken > 0) {
                    dec.merge(key, (long) taken, Long::sum);
                }
            }
        }
        return new StepShape(batch.batchSize(), numEncoderTokens, numDecoderTokens, enc, dec);
    }

    private static Map<String, Long> rowsById(FourMConfig config, int[] modIds) {
        Map<Integer, String> byId = new LinkedHashMap<>();
        for (ModalitySpec m : config.modalities().values()) {
            byId.put(m.modalityId(), m.key());
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        for (int id : modIds) {
            if (id >= 0) {
                String key = byId.get(id);
                if (key == null) {
                    throw new IllegalArgumentException("modality id " + id + " is not one of the model's");
                }
                rows.merge(key, 1L, Long::sum);
            }
        }
        return rows;
    }

    /** The forward pass's FLOPs by part. */
    public static Breakdown forward(FourMConfig c, StepShape s) {
        long d = c.dim();
        long f = c.mlpHidden();
        long b = s.batch();
        long te = b * s.encoderTokens();
        long td = b * s.decoderTokens();
        long mlpMats = c.mlp() == MlpKind.SWIGLU ? 3 : 2;

        long encoder = 0;
        for (Map.Entry<String, Long> e : s.encoderRows().entrySet()) {
            long width = modality(c, e.getKey()).layout().tokenWidth();
            encoder += 2 * e.getValue() * width * d;
        }
        long encoderBlock = 2 * te * d * 3 * d           // qkv
                + 2 * 2 * b * s.encoderTokens() * s.encoderTokens() * d  // q k^T and attn v over H heads
                + 2 * te * d * d                             // proj
                + 2 * te * d * f * mlpMats;                  // MLP
        encoder += c.encoderDepth() * encoderBlock + 2 * te * d * d;   // + decoder_proj_context

        long decoderBlock = 2 * td * d * 3 * d                                   // self qkv
                + 2 * 2 * b * s.decoderTokens() * s.decoderTokens() * d              // self attention
                + 2 * td * d * d                                                     // self proj
                + 2 * td * d * d                                                     // cross q
                + 2 * te * d * 2 * d                                                 // cross kv on the context
                + 2 * 2 * b * s.decoderTokens() * s.encoderTokens() * d              // cross attention
                + 2 * td * d * d                                                     // cross proj
                + 2 * td * d * f * mlpMats;                                          // MLP
        long decoder = c.decoderDepth() * decoderBlock;

        long heads = 0;
        for (Map.Entry<String, Long> e : s.targetRows().entrySet()) {
            heads += 2 * e.getValue() * d * c.vocabSize(modality(c, e.getKey()).key());
        }
        return new Breakdown(encoder, decoder, heads);
    }

    /** FLOPs of one training step (forward and backward): {@link #TRAINING_FACTOR} times the forward's. */
    public static long training(FourMConfig c, StepShape s) {
        return TRAINING_FACTOR * forward(c, s).total();
    }

    private static ModalitySpec modality(FourMConfig c, String key) {
        ModalitySpec m = c.modalities().get(key);
        if (m == null) {
            throw new IllegalArgumentException("'" + key + "' is not a modality of the model " + c.modalities()
                    .keySet());
        }
        return m;
    }
}
