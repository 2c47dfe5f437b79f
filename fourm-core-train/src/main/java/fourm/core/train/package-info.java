/**
 * Training (spec §3, §5, §7 Table 6): {@link fourm.core.train.TrainSettings} reads and checks {@code fourm.train},
 * {@link fourm.core.train.Experiment} resolves it against the enabled modalities (model configuration, vocabulary
 * overrides, masking mixture and budgets), {@link fourm.core.train.Trainer} runs the loop (data stream, masking,
 * forward and backward, {@link fourm.core.optim.AdamW} with an {@link fourm.core.optim.LrSchedule}, the JSON-lines
 * {@link fourm.core.io.TrainLog}, a fixed evaluation batch, atomic checkpoints and bit-exact resume);
 * {@link fourm.core.train.ToyData} generates a small learnable dataset into the experiment's modalities, and
 * {@link fourm.core.train.Pretokenizer} packs per-sample {@code .npy} token files into the dataset format.
 */
package fourm.core.train;
