/**
 * The fourm core: discovers modality plugins ({@link fourm.core.ModalityRegistry}), loads and validates
 * configuration ({@link fourm.core.Fourm}), and wires them with Guice.
 */
module fourm.core {
    requires transitive fourm.api;
    requires transitive com.google.guice;
    requires jakarta.inject;
    requires transitive ai.djl.api;
    requires com.google.gson;
    requires org.yaml.snakeyaml;
    requires org.slf4j;

    exports fourm.core;
    exports fourm.core.batch;
    exports fourm.core.io;
    exports fourm.core.model;
    exports fourm.core.bench;
    exports fourm.core.masking;
    exports fourm.core.generate;
    exports fourm.core.data;
    exports fourm.core.train;
    exports fourm.core.spi;

    // Training, Generation and DjlModelEngine have @Inject constructors.
    opens fourm.core to com.google.guice;

    uses fourm.api.spi.ModalityProvider;
    uses fourm.core.spi.FourmModuleProvider;
}
