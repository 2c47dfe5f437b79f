/**
 * The fourm Modality SPI.
 *
 * <p>A modality plugin is a module that {@code requires fourm.api} and declares
 * {@code provides fourm.api.spi.ModalityProvider with ...}. The framework discovers it at run time;
 * nothing in {@code fourm.core} names a modality.
 *
 * <ul>
 *   <li>{@link fourm.api} - what a modality is: {@link fourm.api.ModalitySpec}, {@link fourm.api.Modality},
 *       {@link fourm.api.ModalityTokenizer}.</li>
 *   <li>{@link fourm.api.spi} - what a plugin implements: {@link fourm.api.spi.ModalityProvider}.</li>
 *   <li>{@link fourm.api.layout} - ready-made {@link fourm.api.TokenLayout}s for the 4M-21 kinds.</li>
 *   <li>{@link fourm.api.masking} - training-time masking a modality brings, and ready-made maskings.</li>
 *   <li>{@link fourm.api.label} - pseudo-labelers, the pretrained models that label photos for a modality.</li>
 * </ul>
 *
 * <p>The API depends on Typesafe Config (a provider receives its config node) and on no tensor engine; image decoding
 * ({@link fourm.api.label.Photo}) uses the JDK's {@code java.desktop} (ImageIO).
 */
module fourm.api {
    requires transitive typesafe.config;
    requires java.desktop;

    exports fourm.api;
    exports fourm.api.spi;
    exports fourm.api.layout;
    exports fourm.api.masking;
    exports fourm.api.label;
    exports fourm.api.io;
    exports fourm.api.image;

    uses fourm.api.label.PseudoLabelerProvider;
    uses fourm.api.label.LabelImages;
}
