/**
 * Training-time masking of multimodal samples ({@link fourm.core.masking.UnifiedMasking},
 * {@link fourm.core.masking.MaskingCollator}): per-sample input and target token budgets drawn from Dirichlet
 * mixtures, span masking of sequences, the presets of {@code fourm.masking} (this module's reference.conf).
 *
 * <p>Depends on fourm-api (modality specifications and the maskings plugins bring) and fourm-core-io (the masked-batch
 * types it produces).
 */
module fourm.core.masking {
    requires transitive fourm.api;
    requires transitive fourm.core.io;

    exports fourm.core.masking;
}
