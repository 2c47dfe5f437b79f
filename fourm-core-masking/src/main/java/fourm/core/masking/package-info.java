/**
 * Training-time multimodal masking (spec §3): {@link fourm.core.masking.UnifiedMasking} samples per-sample input and
 * target token budgets from a mixture of Dirichlet distributions ({@link fourm.core.masking.AlphaMixture}) and masks
 * every modality by its kind (random grid positions, T5 span masking with sentinels, chunk span masking, zero vectors
 * for embedding sequences); {@link fourm.core.masking.TransferMasking} is the deterministic fine-tuning variant;
 * {@link fourm.core.masking.MaskingCollator} stacks per-sample results into a {@link fourm.core.batch.MaskedBatch}.
 *
 * <p>Every random choice comes from a {@link java.util.SplittableRandom} seeded from (base seed, sample index)
 * ({@link fourm.core.masking.SampleSeeds}): the same seed and index always give the same masks, on any thread.
 */
package fourm.core.masking;
