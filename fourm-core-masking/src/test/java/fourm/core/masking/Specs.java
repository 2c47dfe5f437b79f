package fourm.core.masking;

import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import java.util.LinkedHashMap;
import java.util.Map;

/** Modality specifications for the tests: the reference's 19 4M-21 modalities and small variants. */
final class Specs {
    private static final DecoderStrategy ROAR = new DecoderStrategy(GenerationScheme.ROAR, 1, 0.01, "constant", 2, 0.8);
    private static final DecoderStrategy AR = new DecoderStrategy(GenerationScheme.AUTOREGRESSIVE, 0, 0.3, "constant",
            1, 0.8);

    private Specs() {
    }

    static ModalitySpec grid(String key, int vocab, int imageSize, int patch) {
        return ModalitySpec.builder(key, ModalityKind.IMAGE_TOKENS).optVocabSize(vocab).optImageSize(imageSize)
                .optPatchSize(patch).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(true)
                .optGeneration(ROAR).setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }

    static ModalitySpec global(String key) {
        return ModalitySpec.builder(key, ModalityKind.GLOBAL_TOKENS).optVocabSize(8192).optImageSize(224)
                .optPatchSize(56).setPositional(PositionalScheme.LEARNED).setEncoder(true).setDecoder(true)
                .optGeneration(ROAR).setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }

    static ModalitySpec pixels(String key, int imageSize) {
        return ModalitySpec.builder(key, ModalityKind.PIXEL_PATCHES).optValueDim(3).optImageSize(imageSize)
                .optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D).setEncoder(true).setDecoder(false)
                .setMasking(MaskingPolicy.RANDOM_TOKENS).build();
    }

    static ModalitySpec text(String key, int maxTokens) {
        return ModalitySpec.builder(key, ModalityKind.TOKEN_SEQUENCE).optVocabSize(30000).setMaxTokens(maxTokens)
                .setPositional(PositionalScheme.SINCOS_1D).setEncoder(true).setDecoder(true).optGeneration(AR)
                .setMasking(MaskingPolicy.SPAN).build();
    }

    static ModalitySpec chunked(String key, int maxTokens) {
        return ModalitySpec.builder(key, ModalityKind.TOKEN_SEQUENCE).optVocabSize(30000).setMaxTokens(maxTokens)
                .setPositional(PositionalScheme.SINCOS_1D).setEncoder(true).setDecoder(true).optGeneration(AR)
                .setMasking(MaskingPolicy.CHUNK_SPAN).build();
    }

    static ModalitySpec embeddings(String key, int maxTokens, int dim) {
        return ModalitySpec.builder(key, ModalityKind.EMBEDDING_SEQUENCE).optValueDim(dim).setMaxTokens(maxTokens)
                .setPositional(PositionalScheme.SINCOS_1D).setEncoder(true).setDecoder(false)
                .setMasking(MaskingPolicy.SPAN).build();
    }

    /** The 4M-7 modalities at reference sizes. */
    static Map<String, ModalitySpec> fourM7() {
        Map<String, ModalitySpec> m = new LinkedHashMap<>();
        m.put("rgb@224", pixels("rgb@224", 224));
        m.put("tok_rgb@224", grid("tok_rgb@224", 16384, 224, 16));
        m.put("tok_depth@224", grid("tok_depth@224", 8192, 224, 16));
        m.put("tok_normal@224", grid("tok_normal@224", 8192, 224, 16));
        m.put("tok_semseg@224", grid("tok_semseg@224", 4096, 224, 16));
        m.put("tok_clip@224", grid("tok_clip@224", 8192, 224, 16));
        m.put("caption", text("caption", 256));
        m.put("det", text("det", 256));
        return m;
    }

    /** The 19 4M-21 modalities at reference sizes. */
    static Map<String, ModalitySpec> fourM21() {
        Map<String, ModalitySpec> m = new LinkedHashMap<>();
        m.put("caption", text("caption", 256));
        m.put("t5_caption", embeddings("t5_caption", 77, 4096));
        m.put("det", text("det", 256));
        m.put("metadata", chunked("metadata", 40));
        m.put("rgb@224", pixels("rgb@224", 224));
        for (String k : new String[] {"tok_rgb@224", "tok_normal@224", "tok_depth@224", "tok_semseg@224",
            "tok_clip@224", "tok_sam_edge@224", "tok_canny_edge@224"}) {
            m.put(k, grid(k, 8192, 224, 16));
        }
        m.put("human_poses", text("human_poses", 275));
        m.put("tok_dinov2@224", grid("tok_dinov2@224", 8192, 224, 14));
        m.put("tok_dinov2_global", global("tok_dinov2_global"));
        m.put("tok_imagebind@224", grid("tok_imagebind@224", 8192, 224, 14));
        m.put("tok_imagebind_global", global("tok_imagebind_global"));
        m.put("color_palette", text("color_palette", 23));
        m.put("sam_instance", text("sam_instance", 290));
        return m;
    }

    /** One of each kind at small sizes, for fast property loops. */
    static Map<String, ModalitySpec> small() {
        Map<String, ModalitySpec> m = new LinkedHashMap<>();
        m.put("rgb@64", pixels("rgb@64", 64));
        m.put("tok_rgb@64", grid("tok_rgb@64", 1024, 64, 8));
        m.put("tok_depth@64", grid("tok_depth@64", 512, 64, 16));
        m.put("tok_g", global("tok_g"));
        m.put("caption", text("caption", 48));
        m.put("metadata", chunked("metadata", 20));
        m.put("t5_caption", embeddings("t5_caption", 12, 4));
        return m;
    }
}
