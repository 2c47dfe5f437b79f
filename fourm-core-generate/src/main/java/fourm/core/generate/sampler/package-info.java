/**
 * The user-level sampler: raw values keyed by modality in, raw values out.
 *
 * <ul>
 *   <li>{@link fourm.core.generate.sampler.AnyToAny}: built from a 4M checkpoint (fourm's own or the released
 *       layout, {@link fourm.core.generate.sampler.ModelFiles}) and the modalities whose tokenizers read and write the
 *       values; encodes the inputs, generates each target with its plugin's default settings (or an override),
 *       chained so that each target conditions the next, and decodes the results.</li>
 *   <li>{@link fourm.core.generate.sampler.Prediction}: the decoded values and token ids of one call.</li>
 * </ul>
 */
package fourm.core.generate.sampler;
