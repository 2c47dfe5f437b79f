package fourm.modality.text;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.ValueFormat;
import java.util.Optional;

/**
 * Creates a sequence modality from its configuration node: the specification's keys plus the {@code tokenizer}
 * setting ({@link TokenizerSetting}). The sequence modality providers (caption, det, metadata, color palette, human
 * poses, SAM instances) all build their modality through here.
 */
public final class SequenceModalities {
    private SequenceModalities() {
    }

    /**
     * Reads the node and returns the modality with a {@link SequenceTokenizer} over {@code serializer} and its text
     * form as file format ({@link SerializedTextFormat}), or a pre-tokenized modality when the setting is
     * {@code none}.
     *
     * @throws ConfigException naming the key when a setting is missing, mistyped or invalid, or when the tokenizer has
     *                         more ids than {@code vocab-size}
     */
    public static <T> Modality create(Config node, TextSerializer<T> serializer) {
        ModalitySpec spec = ModalitySpec.fromConfig(TokenizerSetting.withoutSetting(node));
        Optional<TextTokenizer> tokenizer = TokenizerSetting.read(node);
        if (tokenizer.isEmpty()) {
            return Modality.pretokenized(spec);
        }
        int vocab = spec.vocabSize().orElseThrow();
        if (tokenizer.get().vocabSize() > vocab) {
            throw new ConfigException.BadValue(node.getValue("vocab-size").origin(), "vocab-size", "the tokenizer "
                    + tokenizer.get().source() + " has " + tokenizer.get().vocabSize() + " ids but vocab-size is "
                    + vocab);
        }
        return new Sequence<>(spec, new SequenceTokenizer<>(serializer, tokenizer.get()),
                new SerializedTextFormat<>(serializer));
    }

    /** A sequence modality with its tokenizer and its file format (the value's text form). */
    private record Sequence<T>(ModalitySpec spec, SequenceTokenizer<T> sequenceTokenizer,
                               SerializedTextFormat<T> textFormat) implements Modality {
        @Override
        public Optional<ModalityTokenizer<?>> tokenizer() {
            return Optional.of(sequenceTokenizer);
        }

        @Override
        public Optional<ValueFormat<?>> format() {
            return Optional.of(textFormat);
        }
    }
}
