package fourm.core.model;

import fourm.api.ModalityIds;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import java.util.Objects;

/**
 * What the transformer needs to know about one modality: how it is embedded and how large its tables are.
 *
 * @param key        modality key, as in the reference ({@code tok_rgb@224}, {@code caption})
 * @param kind       token layout
 * @param vocabSize  vocabulary size V for discrete kinds, 0 otherwise
 * @param numTokens  tokens of a grid (side x side), or the maximum token count of a sequence
 * @param maxLength  sequences: decoder target positions at or beyond it are mapped to 0; grids: equals numTokens
 * @param posRows    rows of the positional table ({@code pos_emb} is [1, posRows, D]); grids: numTokens; 1D sin-cos
 *                   sequences: max(512, maxLength), as the reference builds them
 * @param patchSize  pixels per patch side (pixel patches), 0 otherwise
 * @param valueDim   channels per pixel (pixel patches) or vector width (embedding sequences), 0 otherwise
 * @param positional positional scheme
 */
public record ModelModality(String key, ModalityKind kind, int vocabSize, int numTokens, int maxLength, int posRows,
                            int patchSize, int valueDim, PositionalScheme positional) {

    /** Rows the reference builds every 1D sin-cos table with before truncation. */
    public static final int SINCOS_1D_ROWS = 512;

    /** Checks the invariants of the kind. */
    public ModelModality {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(positional, "positional");
        String where = "modality " + key + " (" + kind.configName() + "): ";
        if (kind.isDiscrete() ? vocabSize < 2 : vocabSize != 0) {
            throw new IllegalArgumentException(where + (kind.isDiscrete() ? "vocabulary size must be >= 2, got "
                    : "has no vocabulary, got ") + vocabSize);
        }
        if (numTokens < 1 || maxLength < 1 || posRows < 1) {
            throw new IllegalArgumentException(where + "token count, max length and positional rows must be >= 1");
        }
        if (kind.isImageLike()) {
            int side = (int) Math.round(Math.sqrt(numTokens));
            if (side * side != numTokens) {
                throw new IllegalArgumentException(where + numTokens + " tokens do not form a square grid");
            }
            if (maxLength != numTokens || posRows != numTokens) {
                throw new IllegalArgumentException(where + "a grid has max length and positional rows = tokens ("
                        + numTokens + "), got " + maxLength + " and " + posRows);
            }
            if (positional == PositionalScheme.SINCOS_1D) {
                throw new IllegalArgumentException(where + "a grid uses sincos-2d or learned positions");
            }
        } else if (positional == PositionalScheme.SINCOS_2D) {
            throw new IllegalArgumentException(where + "a sequence uses sincos-1d or learned positions");
        }
        if (kind == ModalityKind.PIXEL_PATCHES ? patchSize < 1 : patchSize != 0) {
            throw new IllegalArgumentException(where + "patch size applies to pixel patches only, got " + patchSize);
        }
        boolean needsValues = kind == ModalityKind.PIXEL_PATCHES || kind == ModalityKind.EMBEDDING_SEQUENCE;
        if (needsValues ? valueDim < 1 : valueDim != 0) {
            throw new IllegalArgumentException(where + "value width applies to pixel patches and embedding "
                    + "sequences only, got " + valueDim);
        }
    }

    /** A grid of discrete tokens with 2D sin-cos positions ({@code tok_rgb@224}: 16384, 14). */
    public static ModelModality imageTokens(String key, int vocabSize, int side) {
        return new ModelModality(key, ModalityKind.IMAGE_TOKENS, vocabSize, side * side, side * side, side * side, 0,
                0, PositionalScheme.SINCOS_2D);
    }

    /** A small set of discrete tokens with learned positions ({@code tok_dinov2_global}: 8192, 16). */
    public static ModelModality globalTokens(String key, int vocabSize, int tokens) {
        return new ModelModality(key, ModalityKind.GLOBAL_TOKENS, vocabSize, tokens, tokens, tokens, 0, 0,
                PositionalScheme.LEARNED);
    }

    /** Pixels cut into patches and projected linearly ({@code rgb@224}: side 14, patch 16, 3 channels). */
    public static ModelModality pixelPatches(String key, int side, int patchSize, int channels) {
        return new ModelModality(key, ModalityKind.PIXEL_PATCHES, 0, side * side, side * side, side * side,
                patchSize, channels, PositionalScheme.SINCOS_2D);
    }

    /** A token sequence with 1D sin-cos positions ({@code caption}: 30000, 256, 256). */
    public static ModelModality tokenSequence(String key, int vocabSize, int maxTokens, int maxLength) {
        return new ModelModality(key, ModalityKind.TOKEN_SEQUENCE, vocabSize, maxTokens, maxLength,
                Math.max(SINCOS_1D_ROWS, maxLength), 0, 0, PositionalScheme.SINCOS_1D);
    }

    /** A sequence of dense vectors with 1D sin-cos positions ({@code t5_caption}: 4096, 77). */
    public static ModelModality embeddingSequence(String key, int valueDim, int maxTokens) {
        return new ModelModality(key, ModalityKind.EMBEDDING_SEQUENCE, 0, maxTokens, maxTokens,
                Math.max(SINCOS_1D_ROWS, maxTokens), 0, valueDim, PositionalScheme.SINCOS_1D);
    }

    /** The transformer's view of a framework modality specification. */
    public static ModelModality of(ModalitySpec spec) {
        int vocab = spec.vocabSize().orElse(0);
        int rows;
        if (spec.kind().isImageLike()) {
            rows = spec.maxTokens();
        } else {
            rows = spec.positional() == PositionalScheme.SINCOS_1D
                    ? Math.max(SINCOS_1D_ROWS, spec.maxLength()) : spec.maxLength();
        }
        int maxLength = spec.kind().isImageLike() ? spec.maxTokens() : spec.maxLength();
        int patch = spec.kind() == ModalityKind.PIXEL_PATCHES ? spec.patchSize().orElse(0) : 0;
        return new ModelModality(spec.key(), spec.kind(), vocab, spec.maxTokens(), maxLength, rows, patch,
                spec.valueDim().orElse(0), spec.positional());
    }

    /** Tokens per grid side (grids only). */
    public int gridSide() {
        if (!kind.isImageLike()) {
            throw new IllegalStateException(key + " is not a grid");
        }
        return (int) Math.round(Math.sqrt(numTokens));
    }

    /** The reference's 15-bit modality id. */
    public int modalityId() {
        return ModalityIds.of(key);
    }

    /** True for sequences (teacher forcing with a shift in the decoder). */
    public boolean isSequence() {
        return kind.isSequence();
    }

    /** This modality with another vocabulary size. */
    public ModelModality withVocabSize(int v) {
        return new ModelModality(key, kind, v, numTokens, maxLength, posRows, patchSize, valueDim, positional);
    }

    /** This modality with another number of positional rows (sequences). */
    public ModelModality withPosRows(int rows) {
        return new ModelModality(key, kind, vocabSize, numTokens, maxLength, rows, patchSize, valueDim, positional);
    }
}
