/**
 * An example third-party fourm plugin: {@code tok_thermal@64}, a 32x64 thermal image (temperatures in kelvin) as a
 * 2x4 grid of tokens, with a learned tokenizer of its own: a fourm-vq VQ-VAE trained from the plugin's configuration
 * ({@link fourm.examples.thermal.ThermalTokenizerTraining}).
 *
 * <p>A plugin needs {@code requires fourm.api} and a {@code provides} clause; this one also requires fourm-vq for its
 * tokenizer. It exports its package only for its training entry point; the framework reaches the modality through
 * {@link java.util.ServiceLoader}.
 */
module fourm.examples.custom.modality {
    requires fourm.api;
    requires fourm.vq;
    requires fourm.vq.train;

    exports fourm.examples.thermal;

    provides fourm.api.spi.ModalityProvider with
            fourm.examples.thermal.ThermalTokensProvider;
}
