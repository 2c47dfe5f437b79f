package fourm.bench;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.SpecialTokens;
import fourm.core.batch.MaskedBatch;
import fourm.core.masking.AlphaMixture;
import fourm.core.masking.MaskedSample;
import fourm.core.masking.MaskingCollator;
import fourm.core.masking.MaskingConfig;
import fourm.core.masking.UnifiedMasking;
import fourm.core.model.FlopCounter;
import fourm.core.model.FourMConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A benchmark configuration: a model, its modalities, the batch size, the encoder and decoder token budgets, and the
 * seeded masked batches a run cycles through.
 *
 * <p>Both configurations use four modalities, {@code tok_rgb@224}, {@code tok_depth@224}, {@code tok_normal@224}
 * (14 x 14 token grids) and {@code caption} (up to 256 tokens): random token grids and random captions of 20 to 59
 * words, masked by {@link UnifiedMasking} with budgets of exactly N input and N target tokens per sample and a
 * single all-to-all Dirichlet component (alpha 0.5 for inputs and targets, as the 4M-7 mixture's all-to-all part),
 * every random choice seeded. Each batch gets its own decoder modality order (a seeded shuffle), as training does.
 *
 * @param name          {@code tiny} or {@code micro}
 * @param model         the transformer
 * @param specs         the modalities, in encoder order
 * @param batchSize     B
 * @param tokens        N, encoder slots and decoder slots per sample (each)
 */
public record BenchConfig(String name, FourMConfig model, Map<String, ModalitySpec> specs, int batchSize,
                          int tokens) {

    /** The seed of the data, the masking and the decoder orders. */
    public static final long SEED = 2024;

    /** The names of the configurations, in report order. */
    public static final List<String> NAMES = List.of("tiny", "micro");

    /**
     * The reference's tiny preset ({@code fm_tiny_6e_6d_swiglu_nobias}: dim 384, 6+6 blocks, 6 heads, no biases,
     * gated SiLU) with the released vocabularies (tok_rgb 16384, tok_depth 8192, tok_normal 8192, caption 30000);
     * batch 8, 128 encoder and 128 decoder tokens.
     */
    public static BenchConfig tiny() {
        FourMConfig.Builder b = FourMConfig.builder().size(FourMConfig.Size.TINY)
                .family(FourMConfig.Family.SWIGLU_NOBIAS);
        return of("tiny", b, 16384, 8192, 30000, 8, 128);
    }

    /**
     * A micro model: dim 256, 4+4 blocks, 4 heads, swiglu_nobias; vocabularies 1024 for the image modalities and 4096
     * for caption; batch 16, 64 encoder and 64 decoder tokens.
     */
    public static BenchConfig micro() {
        FourMConfig.Builder b = FourMConfig.builder().dim(256).encoderDepth(4).decoderDepth(4).numHeads(4)
                .family(FourMConfig.Family.SWIGLU_NOBIAS);
        return of("micro", b, 1024, 1024, 4096, 16, 64);
    }

    /**
     * The configuration called {@code name}.
     *
     * @throws IllegalArgumentException naming the known ones
     */
    public static BenchConfig byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> tiny();
            case "micro" -> micro();
            default -> throw new IllegalArgumentException("unknown benchmark configuration '" + name + "'; known: "
                    + NAMES);
        };
    }

    private static BenchConfig of(String name, FourMConfig.Builder b, int rgbVocab, int otherVocab, int captionVocab,
                                  int batch, int tokens) {
        Map<String, ModalitySpec> specs = new LinkedHashMap<>();
        specs.put("tok_rgb@224", grid("tok_rgb@224", rgbVocab));
        specs.put("tok_depth@224", grid("tok_depth@224", otherVocab));
        specs.put("tok_normal@224", grid("tok_normal@224", otherVocab));
        specs.put("caption", caption(captionVocab));
        for (ModalitySpec s : specs.values()) {
            b.modality(s, true, true);
        }
        return new BenchConfig(name, b.build(), Collections.unmodifiableMap(specs), batch, tokens);
    }

    private static ModalitySpec grid(String key, int vocab) {
        return ModalitySpec.builder(key, ModalityKind.IMAGE_TOKENS).optVocabSize(vocab).optImageSize(224)
                .optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(true)
                .optGeneration(new DecoderStrategy(GenerationScheme.ROAR, 8, 1.0, "constant", 1.0, 0.8))
                .setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }

    private static ModalitySpec caption(int vocab) {
        return ModalitySpec.builder("caption", ModalityKind.TOKEN_SEQUENCE).optVocabSize(vocab).setMaxTokens(256)
                .setPositional(PositionalScheme.SINCOS_1D).setEncoder(true).setDecoder(true)
                .optGeneration(new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 1.0, 0.8))
                .setMasking(MaskingPolicy.SPAN).build();
    }

    /** Encoder plus decoder slots of one step: {@code B * 2N}. */
    public long tokensPerStep() {
        return (long) batchSize * 2 * tokens;
    }

    /**
     * A masked batch and the decoder modality order it is run with.
     *
     * @param batch the masked batch
     * @param order the decoder modality order
     */
    public record Batch(MaskedBatch batch, List<String> order) {
    }

    /** {@code count} masked batches; batch i holds samples {@code i*B ... i*B + B-1} of the seeded stream. */
    public List<Batch> batches(int count) {
        MaskingConfig masking = new MaskingConfig(tokens, tokens, tokens, tokens,
                AlphaMixture.uniform(specs, 0.5, 0.5, KeepScheme.RANDOM), SpecialTokens.REFERENCE, SEED);
        UnifiedMasking unified = new UnifiedMasking(specs, masking);
        MaskingCollator collator = new MaskingCollator(specs);
        Random orders = new Random(SEED);
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<MaskedSample> samples = new ArrayList<>();
            for (int s = 0; s < batchSize; s++) {
                long index = (long) i * batchSize + s;
                samples.add(unified.mask(index, sample(index)));
            }
            List<String> order = new ArrayList<>(specs.keySet());
            Collections.shuffle(order, orders);
            out.add(new Batch(collator.collate(samples), List.copyOf(order)));
        }
        return out;
    }

    private Map<String, ModalityInput> sample(long index) {
        SplittableRandom rng = new SplittableRandom(SEED * 1_000_003L + index);
        Map<String, ModalityInput> in = new LinkedHashMap<>();
        for (ModalitySpec s : specs.values()) {
            int vocab = s.vocabSize().orElseThrow();
            if (s.kind() == ModalityKind.IMAGE_TOKENS) {
                in.put(s.key(), new ModalityInput.Grid(rng.ints(s.maxTokens(), 0, vocab).toArray()));
            } else {
                // word ids above the special ids (PAD, EOS, SOS, UNK and the 200 sentinels)
                in.put(s.key(), new ModalityInput.Tokens(rng.ints(20 + rng.nextInt(40), 300, vocab).toArray()));
            }
        }
        return in;
    }

    /**
     * Mean FLOPs of one step over {@code batches} ({@link FlopCounter}): the forward count, or the training count
     * (3 x forward) when {@code training}.
     */
    public double meanFlops(List<Batch> batches, boolean training) {
        double sum = 0;
        for (Batch b : batches) {
            FlopCounter.StepShape s = FlopCounter.shapeOf(model, b.batch(), b.order(), tokens, tokens);
            sum += training ? FlopCounter.training(model, s) : FlopCounter.forward(model, s).total();
        }
        return sum / batches.size();
    }
}
