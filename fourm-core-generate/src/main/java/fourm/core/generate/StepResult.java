package fourm.core.generate;

/**
 * What one scheduled step did, per sample.
 *
 * <p>Parallel steps (maskgit, roar): {@code queried[b]} are the target positions the decoder predicted,
 * {@code committed[b]} the positions written, {@code tokens[b]} the ids written there (aligned with
 * {@code committed[b]}). Autoregressive decoding: {@code queried[b]} are the target positions of the sequence,
 * {@code committed[b]} is empty and {@code tokens[b]} the decoded sequence from its start token on (up to where the
 * last sample stopped).
 *
 * @param index     index of the step in the schedule
 * @param step      the scheduled step
 * @param queried   per sample, the positions decoded
 * @param committed per sample, the positions written (parallel steps)
 * @param tokens    per sample, the ids written (parallel) or decoded (autoregressive)
 * @param logits    when the listener asked for them: per sample, the (guided) logits of each sampled row, row-major
 *                  {@code rows x vocab} (parallel: one row per queried position; autoregressive: one per decoded
 *                  token);
 *                  otherwise null
 * @param vocab     V, the target's vocabulary size
 */
public record StepResult(int index, ScheduledStep step, int[][] queried, int[][] committed, long[][] tokens,
                         float[][] logits, int vocab) {
}
