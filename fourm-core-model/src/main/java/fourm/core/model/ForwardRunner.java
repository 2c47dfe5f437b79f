package fourm.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.core.batch.MaskedBatch;
import fourm.core.io.MaskedBatchFiles;
import fourm.core.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code fourm forward --model M --inputs I --out O [--decoder-order a,b,c] [--num-encoder-tokens N]
 * [--num-decoder-tokens N]} does: load a checkpoint, read a masked batch in the golden inputs layout, run the
 * reference's forward pass, and write the results to {@code O} atomically.
 *
 * <p>Written keys: {@code logits.<modality>} [B, N, V] at every decoder slot, {@code loss_mod} and {@code loss_token}
 * [1], {@code mod_loss.<modality>} [1]; with intermediates (the default) also {@code loss_logits.<modality>} [K, V],
 * {@code loss_targets.<modality>} [K], {@code encoder_tokens}, {@code encoder_emb}, {@code encoder_mask},
 * {@code encoder_mod_mask}, {@code encoder_output}, {@code decoder_context}, {@code decoder_tokens},
 * {@code decoder_emb}, {@code decoder_mask}, {@code target_ids}, {@code decoder_attention_mask},
 * {@code decoder_mod_mask} and {@code decoder_output}, with the reference's names, dtypes and shapes. Metadata:
 * {@code decoder_modality_order}, {@code num_encoder_tokens}, {@code num_decoder_tokens}.
 */
public final class ForwardRunner {
    private ForwardRunner() {
    }

    /**
     * A forward request.
     *
     * @param model         checkpoint (safetensors with reference key names)
     * @param inputs        masked batch (golden inputs layout)
     * @param out           output file (written atomically)
     * @param config        explicit model config; empty = read it from the checkpoint's metadata
     * @param catalog       where modalities named by the checkpoint's config are looked up
     * @param options       token counts, decoder order, shuffle seed
     * @param intermediates also write the intermediate tensors
     * @param allowNonFinite load a checkpoint holding NaN or infinite weights instead of refusing it
     */
    public record Request(Path model, Path inputs, Path out, Optional<FourMConfig> config, ModalityCatalog catalog,
                          ForwardOptions options, boolean intermediates, boolean allowNonFinite) {
        /** Checks for nulls. */
        public Request {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(inputs, "inputs");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(catalog, "catalog");
            Objects.requireNonNull(options, "options");
        }

        /**
         * A request with the config from the checkpoint, no catalog (the checkpoint must describe its modalities; see
         * {@link #withCatalog}), default options, intermediates.
         */
        public static Request of(Path model, Path inputs, Path out) {
            return new Request(model, inputs, out, Optional.empty(), ModalityCatalog.empty(),
                    ForwardOptions.defaults(), true, false);
        }

        /** With an explicit model config. */
        public Request withConfig(FourMConfig c) {
            return new Request(model, inputs, out, Optional.of(c), catalog, options, intermediates, allowNonFinite);
        }

        /** With a modality catalog (for example the enabled plugins' modalities, then every discovered plugin's). */
        public Request withCatalog(ModalityCatalog c) {
            return new Request(model, inputs, out, config, c, options, intermediates, allowNonFinite);
        }

        /** With forward options. */
        public Request withOptions(ForwardOptions o) {
            return new Request(model, inputs, out, config, catalog, o, intermediates, allowNonFinite);
        }

        /** Accepting NaN and infinite weights, or not (the default). */
        public Request withAllowNonFinite(boolean allow) {
            return new Request(model, inputs, out, config, catalog, options, intermediates, allow);
        }

        /** With or without intermediates. */
        public Request withIntermediates(boolean on) {
            return new Request(model, inputs, out, config, catalog, options, on, allowNonFinite);
        }
    }

    /**
     * What a run produced.
     *
     * @param out              the written file
     * @param decoderOrder     decoder modality order used
     * @param numEncoderTokens encoder slots used
     * @param numDecoderTokens decoder slots used
     * @param lossMod          the 'mod' loss
     * @param lossToken        the 'token' loss
     * @param modLoss          per output modality mean cross-entropy, in batch order
     * @param keys             the tensor keys written, in the order added
     */
    public record Summary(Path out, List<String> decoderOrder, int numEncoderTokens, int numDecoderTokens,
                          double lossMod, double lossToken, Map<String, Double> modLoss, List<String> keys) {
    }

    /**
     * Loads the model and the inputs, runs, writes {@code request.out()}.
     *
     * @throws IOException              if a file cannot be read or written, or is invalid (the message names the
     *                                  file and the key)
     * @throws IllegalArgumentException if the batch does not fit the model or the options
     */
    public static Summary run(Request request) throws IOException {
        MaskedBatch batch = MaskedBatchFiles.read(request.inputs());
        try (FourMModel model = request.config().isPresent()
                ? Checkpoints.load(request.model(), request.config().get(), request.allowNonFinite())
                : Checkpoints.load(request.model(), request.catalog(), request.allowNonFinite())) {
            return run(model, batch, request.out(), request.options(), request.intermediates());
        }
    }

    /** Runs a loaded model on a batch and writes the results to {@code out}. */
    public static Summary run(FourMModel model, MaskedBatch batch, Path out, ForwardOptions options,
                              boolean intermediates) throws IOException {
        try (NDManager step = model.newStepManager()) {
            ForwardOutput f = model.forward(step, batch, options.withFullLogits(true));
            SafetensorsWriter w = new SafetensorsWriter();
            List<String> keys = new ArrayList<>();
            Map<String, Double> modLoss = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : f.logits().entrySet()) {
                add(w, keys, "logits." + e.getKey(), e.getValue());
            }
            add(w, keys, "loss_mod", f.lossMod().reshape(1));
            add(w, keys, "loss_token", f.lossToken().reshape(1));
            for (Map.Entry<String, NDArray> e : f.modLoss().entrySet()) {
                add(w, keys, "mod_loss." + e.getKey(), e.getValue().reshape(1));
                modLoss.put(e.getKey(), (double) e.getValue().getFloat());
            }
            EncoderInput ei = f.encoderInput();
            DecoderInput di = f.decoderInput();
            if (intermediates) {
                for (String k : f.lossLogits().keySet()) {
                    add(w, keys, "loss_logits." + k, f.lossLogits().get(k));
                    add(w, keys, "loss_targets." + k, f.lossTargets().get(k));
                }
                add(w, keys, "encoder_tokens", ei.tokens());
                add(w, keys, "encoder_emb", ei.emb());
                add(w, keys, "encoder_mask", ei.mask());
                w.addShorts("encoder_mod_mask", new long[] {ei.batch(), ei.length()}, shorts(ei.modIds()));
                keys.add("encoder_mod_mask");
                add(w, keys, "encoder_output", f.encoderOutput().output());
                add(w, keys, "decoder_context", f.encoderOutput().context());
                add(w, keys, "decoder_tokens", di.tokens());
                add(w, keys, "decoder_emb", di.emb());
                add(w, keys, "decoder_mask", di.mask());
                w.addLongs("target_ids", new long[] {di.batch(), di.length()}, di.targetIds());
                keys.add("target_ids");
                add(w, keys, "decoder_attention_mask", di.attentionMask());
                w.addShorts("decoder_mod_mask", new long[] {di.batch(), di.length()}, shorts(di.modIds()));
                keys.add("decoder_mod_mask");
                add(w, keys, "decoder_output", f.decoderOutput());
            }
            w.putMetadata("decoder_modality_order", String.join(",", di.order()));
            w.putMetadata("num_encoder_tokens", Integer.toString(ei.length()));
            w.putMetadata("num_decoder_tokens", Integer.toString(di.length()));
            w.write(out);
            return new Summary(out, di.order(), ei.length(), di.length(), f.lossMod().getFloat(),
                    f.lossToken().getFloat(), modLoss, keys);
        }
    }

    private static void add(SafetensorsWriter w, List<String> keys, String key, NDArray a) {
        w.add(key, a);
        keys.add(key);
    }

    private static short[] shorts(int[] v) {
        short[] s = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = (short) v[i];
        }
        return s;
    }
}
