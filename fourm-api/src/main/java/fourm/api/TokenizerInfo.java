package fourm.api;

import java.util.Objects;
import java.util.Optional;

/**
 * What a modality's tokenizer is, for listings and error messages ({@code fourm modalities --json}).
 *
 * @param type       the tokenizer's architecture: {@code wordpiece}, {@code vq-vae}, {@code memcodes},
 *                   {@code divae}, {@code continuous} (values enter the model as they are), {@code pretokenized}
 *                   (ids produced elsewhere), or a plugin's own name
 * @param checkpoint where its weights come from, when it has learned weights and one is configured
 */
public record TokenizerInfo(String type, Optional<String> checkpoint) {

    /** Tokenizer type of a modality whose values enter the model as they are. */
    public static final String CONTINUOUS = "continuous";

    /** Tokenizer type of a modality whose ids are produced elsewhere. */
    public static final String PRETOKENIZED = "pretokenized";

    /** Checks the type is a non-empty name. */
    public TokenizerInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(checkpoint, "checkpoint");
        if (type.isBlank()) {
            throw new IllegalArgumentException("tokenizer type must not be blank");
        }
    }

    /** A tokenizer with no learned weights (or whose weights are built in). */
    public static TokenizerInfo of(String type) {
        return new TokenizerInfo(type, Optional.empty());
    }

    /** A tokenizer with learned weights; {@code checkpoint} is empty when none is configured. */
    public static TokenizerInfo of(String type, Optional<String> checkpoint) {
        return new TokenizerInfo(type, checkpoint);
    }
}
