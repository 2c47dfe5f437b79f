/**
 * Training-time masking as behaviour a modality brings, without a tensor engine: {@link fourm.api.masking.TokenMasking}
 * splits one sample's value ({@link fourm.api.masking.ModalityInput}) into encoder inputs and decoder targets within
 * token budgets and writes the modality's slice of the masked batch ({@link fourm.api.masking.ModalitySample}).
 *
 * <p>The kit, {@link fourm.api.masking.Maskings}: random tokens over a grid, T5 span masking with sentinels
 * ({@link fourm.api.masking.SpanMasking}, ids of {@link fourm.api.masking.SpecialTokens}, keep probability from a
 * {@link fourm.api.masking.KeepScheme}), chunk spans and embedding rows. A modality's masking is
 * {@link fourm.api.ModalitySpec#tokenMasking()}.
 */
package fourm.api.masking;
