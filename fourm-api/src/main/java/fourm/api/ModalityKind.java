package fourm.api;

/**
 * How a modality's tokens are laid out, which decides how the transformer embeds them.
 *
 * <table>
 *   <caption>Kinds and their reference counterparts</caption>
 *   <tr><th>kind</th><th>reference {@code type}</th><th>example</th></tr>
 *   <tr><td>{@link #IMAGE_TOKENS}</td><td>img</td><td>{@code tok_rgb@224}: 14x14 ids from a VQ tokenizer</td></tr>
 *   <tr><td>{@link #PIXEL_PATCHES}</td><td>img (pixels)</td><td>{@code rgb@224}: linear projection of 16x16 patches</td></tr>
 *   <tr><td>{@link #GLOBAL_TOKENS}</td><td>img (pseudo-grid)</td><td>{@code tok_dinov2_global}: 16 ids, learned positions</td></tr>
 *   <tr><td>{@link #TOKEN_SEQUENCE}</td><td>seq</td><td>{@code caption}: WordPiece ids with T5 sentinels</td></tr>
 *   <tr><td>{@link #EMBEDDING_SEQUENCE}</td><td>seq_emb</td><td>{@code t5_caption}: 4096-d vectors per position</td></tr>
 * </table>
 */
public enum ModalityKind {
    /** A square grid of discrete tokens, row-major. */
    IMAGE_TOKENS("image-tokens"),
    /** Raw pixels, cut into patches that are projected linearly (encoder only). */
    PIXEL_PATCHES("pixel-patches"),
    /** A small fixed set of discrete tokens with learned positions. */
    GLOBAL_TOKENS("global-tokens"),
    /** A variable-length sequence of discrete tokens, masked with T5 spans, generated autoregressively. */
    TOKEN_SEQUENCE("token-sequence"),
    /** A variable-length sequence of dense vectors (encoder only). */
    EMBEDDING_SEQUENCE("embedding-sequence");

    private final String configName;

    ModalityKind(String configName) {
        this.configName = configName;
    }

    /** The kebab-case name used in configuration files and in JSON output. */
    public String configName() {
        return configName;
    }

    /** True for kinds whose tokens form a fixed grid (image tokens, pixel patches, global tokens). */
    public boolean isImageLike() {
        return this == IMAGE_TOKENS || this == PIXEL_PATCHES || this == GLOBAL_TOKENS;
    }

    /** True for kinds whose tokens form a variable-length sequence. */
    public boolean isSequence() {
        return this == TOKEN_SEQUENCE || this == EMBEDDING_SEQUENCE;
    }

    /** True for kinds whose values are discrete token ids (and so have a vocabulary). */
    public boolean isDiscrete() {
        return this == IMAGE_TOKENS || this == GLOBAL_TOKENS || this == TOKEN_SEQUENCE;
    }

    /**
     * Parses a configuration name.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ModalityKind fromConfigName(String name) {
        return ConfigNames.parse(ModalityKind.class, name, ModalityKind::configName);
    }
}
