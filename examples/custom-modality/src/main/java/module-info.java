/**
 * An example third-party fourm plugin: {@code tok_thermal@64}, a 64x64 thermal image (temperatures in kelvin) as a 4x4
 * grid of tokens, with a tokenizer of its own ({@link fourm.examples.thermal.ThermalTokenizer}).
 *
 * <p>A plugin needs nothing but {@code requires fourm.api} and a {@code provides} clause; it exports no package,
 * because the framework reaches it only through {@link java.util.ServiceLoader}.
 */
module fourm.examples.custom.modality {
    requires fourm.api;

    provides fourm.api.spi.ModalityProvider with
            fourm.examples.thermal.ThermalTokensProvider;
}
