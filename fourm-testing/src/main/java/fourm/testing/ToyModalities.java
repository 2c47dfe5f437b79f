package fourm.testing;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The toy experiment's modalities (as {@code examples/experiments/toy.conf} enables them), a test fixture: the plugins'
 * keys with the toy vocabularies and caption cap, so that fourm-core's {@code ToyData} writes the scene into
 * {@value #RGB}, the derived grid into {@value #DEPTH} and the caption into {@value #CAPTION}. The sizes are those
 * {@code ToyData} needs ({@code ToyData.roles} refuses smaller ones by name).
 */
public final class ToyModalities {
    /** The scene grid. */
    public static final String RGB = "tok_rgb@224";
    /** The derived grid. */
    public static final String DEPTH = "tok_depth@224";
    /** The caption. */
    public static final String CAPTION = "caption";
    /** Vocabulary of {@link #RGB}. */
    public static final int RGB_VOCAB = 32;
    /** Vocabulary of {@link #DEPTH}. */
    public static final int DEPTH_VOCAB = 16;
    /** Vocabulary of {@link #CAPTION}. */
    public static final int CAPTION_VOCAB = 300;
    /** Token cap of {@link #CAPTION}. */
    public static final int CAPTION_MAX_TOKENS = 16;

    private ToyModalities() {
    }

    /** The toy modalities' specifications, as the plugins describe them with the toy vocabularies and caption cap. */
    public static Map<String, ModalitySpec> specs() {
        DecoderStrategy roar = new DecoderStrategy(GenerationScheme.ROAR, 1, 0.01, "constant", 2.0, 0.8);
        DecoderStrategy ar = new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 1.0, 0.8);
        Map<String, ModalitySpec> m = new LinkedHashMap<>();
        m.put(RGB, grid(RGB, RGB_VOCAB, roar));
        m.put(DEPTH, grid(DEPTH, DEPTH_VOCAB, roar));
        m.put(CAPTION, ModalitySpec.builder(CAPTION, ModalityKind.TOKEN_SEQUENCE).optVocabSize(CAPTION_VOCAB)
                .setMaxTokens(CAPTION_MAX_TOKENS).setPositional(PositionalScheme.SINCOS_1D).setEncoder(true)
                .setDecoder(true).optGeneration(ar).setMasking(MaskingPolicy.SPAN).build());
        return m;
    }

    private static ModalitySpec grid(String key, int vocab, DecoderStrategy gen) {
        return ModalitySpec.builder(key, ModalityKind.IMAGE_TOKENS).optVocabSize(vocab).optImageSize(224)
                .optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(true)
                .optGeneration(gen).setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }
}
