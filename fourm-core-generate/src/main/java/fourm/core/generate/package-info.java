/**
 * Generation with a 4M model (spec section 4): MaskGIT, ROAR and autoregressive decoding, temperature schedules,
 * top-k / top-p sampling, classifier-free guidance (one condition, several weighted conditions, growing conditioning),
 * chained targets, batched and seeded; autoregressive decoding with a key-value cache.
 *
 * <ul>
 *   <li>{@link fourm.core.generate.Generator}: the few-line API (inputs by modality key, results by modality key).</li>
 *   <li>{@link fourm.core.generate.GenerationPlan}, {@link fourm.core.generate.Step}: what to generate and how, built
 *       fluently or read from HOCON with the reference's keys; presets in fourm-core's {@code reference.conf}.</li>
 *   <li>{@link fourm.core.generate.GenerationSampler}: runs a plan on a masked batch.</li>
 *   <li>{@link fourm.core.generate.GenerationInputs}: preparing inputs and empty targets, reading them from a
 *       file.</li>
 *   <li>{@link fourm.core.generate.TokenSchedule}, {@link fourm.core.generate.TemperatureSchedule},
 *       {@link fourm.core.generate.Sampling}, {@link fourm.core.generate.TopK}: the schedule and sampling
 *       primitives.</li>
 * </ul>
 */
package fourm.core.generate;
