package fourm.core.train;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The toy experiment's modalities (as {@code examples/experiments/toy.conf} enables them): the plugins' keys with the
 * toy vocabularies and caption cap, so that {@link ToyData} writes the scene into {@value #RGB}, the derived grid into
 * {@value #DEPTH} and the caption into {@value #CAPTION}.
 */
final class ToyModalities {
    /** The scene grid. */
    static final String RGB = "tok_rgb@224";
    /** The derived grid. */
    static final String DEPTH = "tok_depth@224";
    /** The caption. */
    static final String CAPTION = "caption";
    /** Vocabulary of {@link #RGB}. */
    static final int RGB_VOCAB = ToyData.SCENE_VOCAB;

    private ToyModalities() {
    }

    /** The toy modalities' specifications, as the plugins describe them with the toy vocabularies and caption cap. */
    static Map<String, ModalitySpec> specs() {
        DecoderStrategy roar = new DecoderStrategy(GenerationScheme.ROAR, 1, 0.01, "constant", 2.0, 0.8);
        DecoderStrategy ar = new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 1.0, 0.8);
        Map<String, ModalitySpec> m = new LinkedHashMap<>();
        m.put(RGB, grid(RGB, ToyData.SCENE_VOCAB, roar));
        m.put(DEPTH, grid(DEPTH, ToyData.DERIVED_VOCAB, roar));
        m.put(CAPTION, ModalitySpec.builder(CAPTION, ModalityKind.TOKEN_SEQUENCE).optVocabSize(ToyData.CAPTION_VOCAB)
                .setMaxTokens(ToyData.CAPTION_MAX_TOKENS).setPositional(PositionalScheme.SINCOS_1D).setEncoder(true)
                .setDecoder(true).optGeneration(ar).setMasking(MaskingPolicy.SPAN).build());
        return m;
    }

    private static ModalitySpec grid(String key, int vocab, DecoderStrategy gen) {
        return ModalitySpec.builder(key, ModalityKind.IMAGE_TOKENS).optVocabSize(vocab).optImageSize(224)
                .optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(true)
                .optGeneration(gen).setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }
}
