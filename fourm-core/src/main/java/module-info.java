/**
 * The fourm core: discovers modality plugins ({@link fourm.core.ModalityRegistry}), loads and validates
 * configuration ({@link fourm.core.Fourm}), and wires them with Guice to the engine modules: fourm.core.model (the
 * transformer), fourm.core.train, fourm.core.generate, fourm.core.data, fourm.core.masking, fourm.core.optim and
 * fourm.core.io. It requires them transitively, so a consumer that {@code requires fourm.core} sees the whole engine.
 */
module fourm.core {
    requires transitive fourm.api;
    requires transitive com.google.guice;
    requires jakarta.inject;
    requires transitive ai.djl.api;
    requires transitive fourm.core.io;
    requires transitive fourm.core.optim;
    requires transitive fourm.core.masking;
    requires transitive fourm.core.data;
    requires transitive fourm.core.model;
    requires transitive fourm.core.train;
    requires transitive fourm.core.generate;

    exports fourm.core;
    exports fourm.core.spi;
    // The GEMM-rate probe that benchmarks report against; not part of the user API.
    exports fourm.core.bench to fourm.bench, fourm.cli;

    // Training and Generation have @Inject constructors.
    opens fourm.core to com.google.guice;

    uses fourm.api.spi.ModalityProvider;
    uses fourm.core.spi.FourmModuleProvider;
}
