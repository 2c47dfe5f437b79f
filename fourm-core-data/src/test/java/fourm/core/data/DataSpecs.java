package fourm.core.data;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import java.util.LinkedHashMap;
import java.util.Map;

/** Small modality specifications for the data tests. */
final class DataSpecs {
    static final int VOCAB = 1024;

    private DataSpecs() {
    }

    /** tok_rgb@64: 4 x 4 = 16 tokens, vocabulary 1024; caption: text; det: JSON. */
    static Map<String, ModalitySpec> three() {
        Map<String, ModalitySpec> m = new LinkedHashMap<>();
        m.put("tok_rgb@64", ModalitySpec.builder("tok_rgb@64", ModalityKind.IMAGE_TOKENS).optVocabSize(VOCAB)
                .optImageSize(64).optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true)
                .setDecoder(true).optGeneration(new DecoderStrategy(GenerationScheme.ROAR, 1, 0.01, "constant", 2, 0.8))
                .setMasking(MaskingPolicy.RANDOM_TOKENS).build());
        m.put("caption", sequence("caption"));
        m.put("det", sequence("det"));
        return m;
    }

    static ModalitySpec sequence(String key) {
        return ModalitySpec.builder(key, ModalityKind.TOKEN_SEQUENCE).optVocabSize(30000).setMaxTokens(32)
                .setPositional(PositionalScheme.SINCOS_1D).setEncoder(true).setDecoder(true)
                .optGeneration(new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant", 1, 0.8))
                .setMasking(MaskingPolicy.SPAN).build();
    }
}
