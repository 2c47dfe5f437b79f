package fourm.vq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import fourm.vq.VqConfig.Arch;
import fourm.vq.VqConfig.QuantizerType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A VQ-VAE tokenizer network (spec-4m.md §6.1) on DJL NDArrays: optional class embedding (semseg), encoder,
 * {@code quant_proj} (1x1, D to L), quantizer, and a decoder in the {@link LatentDecoder} slot
 * ({@code post_quant_proj} L to D, then the decoder network). Tensors carry the reference's state-dict names
 * ({@link #stateDictKeys()}; see the module README for the full mapping).
 *
 * <p>The model works on normalised values ({@link #input}); {@link ImageTokenizer} is the user-facing API in natural
 * units. Tensors belong to the model's NDManager; every computation happens in a caller's step manager (a sub-manager
 * of {@link #manager()}), so closing the step frees it. The forward is differentiable: attach gradients to
 * {@link #trainableParameters()} and record under a {@code GradientCollector}.
 *
 * <p>Shape legend: B batch, C input channels, H x W input, h x w token grid, N = h w positions, L latent width,
 * T tokens per image (N, or the Memcodes heads), C' output channels (class logits for semseg).
 */
public final class VqModel implements AutoCloseable {
    /** Prefixes of the decoder's tensors (absent from an encoder-only model). */
    static final String[] DECODER_PREFIXES = {"decoder.", "post_quant_proj."};

    private final VqConfig config;
    private final Params params;
    private final Quantizer quantizer;
    private final Networks.PositionTable encoderPositions;
    private final LatentDecoder decoder;

    private VqModel(VqConfig config, Params params, boolean withDecoder) {
        this.config = config;
        this.params = params;
        this.quantizer = quantizer(config);
        this.encoderPositions = config.encoder().arch() == Arch.VIT
                ? new Networks.PositionTable(params.get("encoder.pos_emb").toFloatArray(),
                params.spec("encoder.pos_emb").shape()) : null;
        if (!withDecoder) {
            this.decoder = null;
        } else if (config.decoder().arch() == Arch.VIT) {
            this.decoder = new VitDecoder(new Networks.PositionTable(params.get("decoder.pos_emb").toFloatArray(),
                    params.spec("decoder.pos_emb").shape()));
        } else {
            this.decoder = new MlpDecoder();
        }
    }

    private static Quantizer quantizer(VqConfig c) {
        return c.quantizer().type() == QuantizerType.LUCID ? new CosineCodebook(c.quantizer())
                : new Memcodes(c.quantizer());
    }

    /**
     * A new tokenizer initialised as the reference initialises one: xavier-uniform linear layers of the ViTs (qkv with
     * its fan-out split), PyTorch's default init for convolutions, MLPs and Memcodes projections, N(0, 1) class
     * embeddings and Memcodes codes, unit-length random codebook rows, fixed sin-cos positions. The same seed gives the
     * same weights on every machine.
     */
    public static VqModel create(VqConfig config, long seed) {
        return create(config, seed, true);
    }

    /**
     * A new tokenizer without its decoder (encoder, {@code quant_proj}, quantizer), initialised as {@link #create}
     * does: the encoder side of a tokenizer whose decoder is another network (a DiVAE's diffusion decoder).
     */
    public static VqModel createEncoderOnly(VqConfig config, long seed) {
        return create(config, seed, false);
    }

    private static VqModel create(VqConfig config, long seed, boolean withDecoder) {
        NDManager m = NDManager.newBaseManager();
        try {
            List<Params.Spec> layout = layout(config, withDecoder);
            Map<String, float[]> given = new HashMap<>();
            int grid = config.gridSide();
            if (config.encoder().arch() == Arch.VIT) {
                given.put("encoder.pos_emb", PosEmb.sincos(grid, grid, config.encoder().dim()));
            }
            if (withDecoder && config.decoder().arch() == Arch.VIT) {
                given.put("decoder.pos_emb", PosEmb.sincos(grid, grid, config.decoder().dim()));
            }
            return new VqModel(config, Params.create(m, layout, seed, given), withDecoder);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Wraps loaded tensors. */
    static VqModel wrap(VqConfig config, Params params, boolean withDecoder) {
        return new VqModel(config, params, withDecoder);
    }

    /** Every tensor of a configuration, in the reference's registration order. */
    static List<Params.Spec> layout(VqConfig c, boolean withDecoder) {
        Params.Layout l = new Params.Layout();
        if (c.values().classLabels()) {
            l.param("cls_emb.weight", Params.Init.NORMAL, c.numClasses() + 1, c.channels());
        }
        int grid = c.gridSide();
        int latent = c.quantizer().latentDim();
        if (c.encoder().arch() == Arch.VIT) {
            Networks.vitEncoderLayout(l, c.encoder(), c.channels(), c.patchSize(), grid, c.postMlp());
        } else {
            Networks.mlpLayout(l, "encoder", c.encoder(), c.channels(), c.encoder().dim());
        }
        l.conv1x1("quant_proj", c.encoder().dim(), latent);
        quantizer(c).layout(l);
        if (withDecoder) {
            if (c.decoder().arch() == Arch.VIT) {
                Networks.vitDecoderLayout(l, c.decoder(), c.outputChannels(), c.patchSize(), grid, c.postMlp(),
                        c.outConv());
            } else {
                Networks.mlpLayout(l, "decoder", c.decoder(), c.decoder().dim(), c.outputChannels());
            }
            l.conv1x1("post_quant_proj", latent, c.decoder().dim());
        }
        return l.specs();
    }

    /** The configuration. */
    public VqConfig config() {
        return config;
    }

    /** The manager owning the tensors. */
    public NDManager manager() {
        return params.manager();
    }

    /** True when the model has its decoder (an encoder-only model tokenizes but cannot decode). */
    public boolean hasDecoder() {
        return decoder != null;
    }

    /** The decoder slot, if the model has a decoder. */
    public Optional<LatentDecoder> decoder() {
        return Optional.ofNullable(decoder);
    }

    /** Every state-dict key, in registration order. */
    public List<String> stateDictKeys() {
        return params.keys();
    }

    /** The tensor stored under {@code key} (a live array of the model: do not close it). */
    public NDArray tensor(String key) {
        return params.get(key);
    }

    /** True when {@code key} is a buffer (saved, not trained): positions, the codebook and its statistics. */
    public boolean isBuffer(String key) {
        return params.spec(key).role() == Params.Role.BUFFER;
    }

    /** The trainable parameters by state-dict name (live arrays of the model). */
    public Map<String, NDArray> trainableParameters() {
        return params.trainable();
    }

    /** Number of trainable values. */
    public long parameterCount() {
        return params.parameterCount();
    }

    Params params() {
        return params;
    }

    /**
     * The model input of a batch of normalised values (see {@link ImageValues#toModel}), in {@code m}: FLOAT32
     * [B, C, H, W], or for semseg INT64 labels [B, H, W] (already shifted, 0 = no class).
     *
     * @param values row-major [B, C, H, W] (semseg: [B, H, W])
     */
    public NDArray input(NDManager m, float[] values, int batch, int height, int width) {
        int c = config.valueChannels();
        long expected = (long) batch * c * height * width;
        if (values.length != expected) {
            throw new IllegalArgumentException("a batch of " + batch + " x " + c + " x " + height + " x " + width
                    + " needs " + expected + " values, got " + values.length);
        }
        checkSize(height, width);
        if (config.values().classLabels()) {
            long[] labels = new long[values.length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = (long) values[i];
            }
            return m.create(labels, new Shape(batch, height, width));
        }
        return m.create(values, new Shape(batch, c, height, width));
    }

    private void checkSize(int height, int width) {
        int p = config.patchSize();
        if (height < p || width < p || height % p != 0 || width % p != 0) {
            throw new IllegalArgumentException("a " + height + " x " + width + " input does not divide into "
                    + p + " x " + p + " patches");
        }
        if (config.values().global() && (height != 1 || width != 1)) {
            throw new IllegalArgumentException("a global embedding is 1 x 1, got " + height + " x " + width);
        }
    }

    /** The latents [B, N, L] of an input (see {@link #input}). */
    private NDArray latents(Params.View p, NDArray x) {
        NDArray in = x;
        if (config.values().classLabels()) {
            in = Embedding.embedding(x, p.get("cls_emb.weight"), SparseFormat.DENSE).singletonOrThrow()
                    .transpose(0, 3, 1, 2);
        }
        NDArray tokens;
        if (config.encoder().arch() == Arch.VIT) {
            tokens = Networks.vitEncode(p, in, config.encoder(), config.patchSize(), config.postMlp(),
                    encoderPositions);
        } else {
            Shape s = in.getShape();
            tokens = Networks.mlp(p, "encoder", in.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1),
                    config.encoder());
        }
        return Nn.conv1x1(p, "quant_proj", tokens);
    }

    /**
     * Encoder, quantizer and decoder. With {@code training} the quantizer uses its training path (straight-through
     * gradients, commitment loss, Gumbel noise from {@code rng}) and returns a pending codebook update to apply after
     * the backward pass ({@link #applyCodebookUpdate}).
     *
     * @param input see {@link #input}
     * @throws IllegalStateException if the model has no decoder
     */
    public Forward forward(NDManager m, NDArray input, boolean training, SplittableRandom rng) {
        if (decoder == null) {
            throw new IllegalStateException("this tokenizer was loaded without its decoder; it can encode only");
        }
        return forward(m, input, training, rng, decoder);
    }

    /**
     * Encoder and quantizer as {@link #forward(NDManager, NDArray, boolean, SplittableRandom)}, with the quantized
     * latents [B, L, h, w] given to {@code decoder} instead of the model's own (a DiVAE's diffusion decoder in
     * training: the conditioning of one denoiser evaluation).
     */
    public Forward forward(NDManager m, NDArray input, boolean training, SplittableRandom rng, LatentDecoder decoder) {
        Params.View p = params.view(m);
        Shape s = input.getShape();
        int h = (int) (s.get(s.dimension() - 2) / config.patchSize());
        int w = (int) (s.get(s.dimension() - 1) / config.patchSize());
        Quantizer.Quantized q = quantizer.quantize(p, latents(p, input), training, rng);
        NDArray output = decoder.decode(m, toMap(q.quantized(), h, w));
        return new Forward(output, q.codeLoss(), q.ids(), h, w, q.update());
    }

    /** The latent map [B, L, h, w] of an input before quantisation (the reference's {@code quant_proj} output). */
    NDArray latentMap(NDManager m, NDArray input) {
        Shape s = input.getShape();
        int h = (int) (s.get(s.dimension() - 2) / config.patchSize());
        int w = (int) (s.get(s.dimension() - 1) / config.patchSize());
        return toMap(latents(params.view(m), input), h, w);
    }

    /**
     * Applies the codebook update of a training forward (EMA and dead-code replacement); a no-op for quantizers
     * without one.
     *
     * @return codes replaced
     */
    public int applyCodebookUpdate(Forward forward, double deadCodeThreshold, SplittableRandom rng) {
        return forward.update == null ? 0 : forward.update.apply(params, deadCodeThreshold, rng);
    }

    /**
     * Token ids of a batch, deterministic: [B * T] row-major (per image its grid row by row, or its Memcodes heads;
     * with several lucid codebooks the reference's order {@code [B, codebook, h, w]}).
     */
    public long[] tokenize(NDManager m, NDArray input) {
        Params.View p = params.view(m);
        return quantizer.quantize(p, latents(p, input), false, null).ids();
    }

    /**
     * The quantized latents [B, L, h, w] of token ids [B * T] (the decoder's input).
     *
     * @throws IllegalArgumentException for a wrong number of ids or an id outside the vocabulary
     */
    public NDArray embedTokens(NDManager m, long[] ids, int batch, int gridH, int gridW) {
        int positions = config.quantizer().type() == QuantizerType.MEMCODES ? 1 : gridH * gridW;
        long expected = (long) batch * config.quantizer().heads() * positions;
        if (ids.length != expected) {
            throw new IllegalArgumentException(batch + " images of " + gridH + " x " + gridW + " need " + expected
                    + " tokens, got " + ids.length);
        }
        NDArray q = quantizer.embed(params.view(m), ids, batch, positions);
        return toMap(q, gridH, gridW);
    }

    /** The decoder's output [B, C', H, W] for token ids [B * T] on an h x w grid. */
    public NDArray decodeTokens(NDManager m, long[] ids, int batch, int gridH, int gridW) {
        if (decoder == null) {
            throw new IllegalStateException("this tokenizer was loaded without its decoder; it can encode only");
        }
        return decoder.decode(m, embedTokens(m, ids, batch, gridH, gridW));
    }

    private static NDArray toMap(NDArray tokens, int h, int w) {
        Shape s = tokens.getShape();
        return tokens.transpose(0, 2, 1).reshape(s.get(0), s.get(2), h, w);
    }

    private static NDArray toTokens(NDArray map) {
        Shape s = map.getShape();
        return map.reshape(s.get(0), s.get(1), -1).transpose(0, 2, 1);
    }

    /** Frees every tensor. */
    @Override
    public void close() {
        params.close();
    }

    /**
     * What a forward pass gives.
     */
    public static final class Forward {
        private final NDArray output;
        private final NDArray codeLoss;
        private final long[] ids;
        private final int gridH;
        private final int gridW;
        private final Quantizer.CodebookUpdate update;

        Forward(NDArray output, NDArray codeLoss, long[] ids, int gridH, int gridW, Quantizer.CodebookUpdate update) {
            this.output = output;
            this.codeLoss = codeLoss;
            this.ids = ids;
            this.gridH = gridH;
            this.gridW = gridW;
            this.update = update;
        }

        /** The reconstruction [B, C', H, W] in normalised units (class logits for semseg). */
        public NDArray output() {
            return output;
        }

        /** The scalar code loss (the commitment loss times its weight; zero for Memcodes or at inference). */
        public NDArray codeLoss() {
            return codeLoss;
        }

        /** The token ids, [B * T]. */
        public long[] ids() {
            return ids.clone();
        }

        /** Token grid rows. */
        public int gridH() {
            return gridH;
        }

        /** Token grid columns. */
        public int gridW() {
            return gridW;
        }
    }

    /** The ViT decoder slot: {@code post_quant_proj}, then {@code decoder.*}. */
    private final class VitDecoder implements LatentDecoder {
        private final Networks.PositionTable positions;

        VitDecoder(Networks.PositionTable positions) {
            this.positions = positions;
        }

        @Override
        public String type() {
            return "vit";
        }

        @Override
        public NDArray decode(NDManager m, NDArray quantized) {
            Params.View p = params.view(m);
            Shape s = quantized.getShape();
            NDArray tokens = Nn.conv1x1(p, "post_quant_proj", toTokens(quantized));
            return Networks.vitDecode(p, tokens, (int) s.get(2), (int) s.get(3), config.decoder(),
                    config.outputChannels(), config.patchSize(), config.postMlp(), config.outConv(), positions);
        }
    }

    /** The bottleneck-MLP decoder slot: {@code post_quant_proj}, then {@code decoder.*}, per position. */
    private final class MlpDecoder implements LatentDecoder {
        @Override
        public String type() {
            return "bottleneck-mlp";
        }

        @Override
        public NDArray decode(NDManager m, NDArray quantized) {
            Params.View p = params.view(m);
            Shape s = quantized.getShape();
            NDArray tokens = Nn.conv1x1(p, "post_quant_proj", toTokens(quantized));
            NDArray out = Networks.mlp(p, "decoder", tokens, config.decoder());
            return out.transpose(0, 2, 1).reshape(s.get(0), -1, s.get(2), s.get(3));
        }
    }
}
