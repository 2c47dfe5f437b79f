/**
 * The fourm test kit: {@link fourm.testing.ModalityProviderContract}, the contract every modality plugin's tests
 * extend, and {@link fourm.testing.SharedFiles}, the one way tests read the reference's golden files.
 */
module fourm.testing {
    requires transitive fourm.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;

    exports fourm.testing;
}
