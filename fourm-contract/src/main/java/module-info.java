/**
 * The end-to-end contract every modality plugin's tests run: {@link fourm.contract.ModalityEndToEndContract} extends
 * fourm-testing's {@code ModalityProviderContract} with a raw value read from a file, encoded, embedded in a small
 * random 4M model, trained one step, generated with the plugin's default scheme, decoded and written.
 */
module fourm.contract {
    requires transitive fourm.testing;
    requires transitive fourm.core;
    requires typesafe.config;

    exports fourm.contract;
}
