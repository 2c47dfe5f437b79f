/**
 * Training of image-like tokenizers: {@link fourm.vq.train.VqTrainSettings} (the {@code fourm.vq} configuration),
 * {@link fourm.vq.train.TrainingData} (images in memory, the reference's crops and flips, the synthetic feature
 * teacher), {@link fourm.vq.train.VqTrainer} (loss, AdamW, codebook updates, evaluation),
 * {@link fourm.vq.ReconstructionMetrics} and {@link fourm.vq.train.TrainingRun} (a whole run with its log,
 * checkpoints and resume: {@code fourm tokenizer-train}).
 */
package fourm.vq.train;
