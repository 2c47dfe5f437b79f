/**
 * Yardsticks for performance figures: {@link fourm.core.bench.GemmRate}, the machine's fp32 matrix-multiply rate
 * through the engine. Model FLOPs are counted by {@link fourm.core.model.FlopCounter}.
 */
package fourm.core.bench;
