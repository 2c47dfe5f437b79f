/**
 * The fourm test kit: {@link fourm.testing.ModalityProviderContract}, the contract every modality plugin's tests
 * extend, {@link fourm.testing.SharedFiles}, the one way tests read the reference's golden files, and
 * {@link fourm.testing.DenseLabelerFixtures}, the bench the engine-backed dense labelers' tests share.
 */
module fourm.testing {
    requires transitive fourm.api;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires ai.djl.tokenizers;

    exports fourm.testing;
}
