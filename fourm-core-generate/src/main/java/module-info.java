/**
 * Any-to-any generation with a trained transformer: {@link fourm.core.generate.GenerationPlan} (chained steps, read
 * from files or the presets of {@code fourm.generate.presets}, this module's reference.conf),
 * {@link fourm.core.generate.Generator} (MaskGIT, ROAR and autoregressive decoding) and the sampling rules.
 *
 * <p>Depends on fourm-core-model (and through it fourm-api and fourm-core-io).
 */
module fourm.core.generate {
    requires transitive fourm.core.model;

    exports fourm.core.generate;
    exports fourm.core.generate.sampler;

    // Ready-made models for fourm generate --preset (fourm-demo provides "demo").
    uses fourm.core.generate.sampler.SamplerPreset;
}
