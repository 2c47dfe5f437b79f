package fourm.api.masking;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One modality of an unmasked sample, as masking receives it: already tokenized (text through the modality's
 * tokenizer, images through their VQ tokenizer or read pre-tokenized).
 */
public sealed interface ModalityInput {

    /** A full grid of token ids, row-major ({@code image-tokens}, {@code global-tokens}); length = max tokens. */
    record Grid(int[] ids) implements ModalityInput {
        /** Copies nothing; checks non-null. */
        public Grid {
            Objects.requireNonNull(ids, "ids");
        }
    }

    /** Pixels of a {@code pixel-patches} modality, shape {@code [C, H, W]} (channel-first, already normalised). */
    record Pixels(float[] values, int[] shape) implements ModalityInput {
        /** Checks that the shape matches the value count. */
        public Pixels {
            Objects.requireNonNull(values, "values");
            Objects.requireNonNull(shape, "shape");
            if (shape.length != 3 || (long) shape[0] * shape[1] * shape[2] != values.length) {
                throw new IllegalArgumentException("pixels of shape " + Arrays.toString(shape) + " hold "
                        + values.length + " values, expected [C, H, W] with C*H*W values");
            }
        }
    }

    /** Token ids of a sequence, without {@code [EOS]} (masking appends it). */
    record Tokens(int[] ids) implements ModalityInput {
        /** Checks non-null. */
        public Tokens {
            Objects.requireNonNull(ids, "ids");
        }
    }

    /**
     * A sequence made of chunks (metadata's {@code v1=K v0=V} pairs), masked chunk by chunk; without {@code [EOS]}
     * (masking appends it as its own chunk).
     */
    record Chunks(List<int[]> chunks) implements ModalityInput {
        /** Copies the list. */
        public Chunks {
            chunks = List.copyOf(chunks);
        }
    }

    /** Valid rows of an embedding sequence ({@code t5_caption}), row-major {@code [rows, dim]}. */
    record Embeddings(float[] values, int rows, int dim) implements ModalityInput {
        /** Checks that the shape matches the value count. */
        public Embeddings {
            Objects.requireNonNull(values, "values");
            if (rows < 0 || dim < 1 || (long) rows * dim != values.length) {
                throw new IllegalArgumentException("embeddings of " + rows + " x " + dim + " hold " + values.length
                        + " values");
            }
        }
    }
}
