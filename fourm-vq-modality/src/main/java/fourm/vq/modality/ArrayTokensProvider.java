package fourm.vq.modality;

/**
 * A modality provider whose modality, with a tokenizer checkpoint configured, is an {@link ArrayTokens}: it names
 * the setting that holds the checkpoint, so that {@code fourm tokenize --tokenizer DIR} and
 * {@code fourm detokenize --tokenizer DIR} can set it before the plugin creates its modality.
 */
public interface ArrayTokensProvider {
    /**
     * The node in the plugin's configuration that holds the tokenizer checkpoint as {@code <setting>.checkpoint}
     * ({@code pose-tokenizer}, {@code mask-tokenizer}).
     */
    String arrayTokenizerSetting();
}
