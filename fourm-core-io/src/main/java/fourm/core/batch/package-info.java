/**
 * Masked batches in host memory, in the layout the reference model consumes (golden/README.md §4): per modality a
 * tensor, an input mask (true = not an input), a target mask (true = not a target) and a decoder attention mask.
 * Masking produces them, the transformer and the generator consume them, checkpoints of inputs store them.
 */
package fourm.core.batch;
