/**
 * Training fourm-vq's image-like tokenizers and pre-tokenizing with them: {@link fourm.vq.train.VqTrainSettings}
 * (the {@code fourm.vq} presets and training defaults of this module's reference.conf), {@link fourm.vq.train.VqTrainer}
 * (AdamW with the LR schedule of fourm-core-optim), {@link fourm.vq.train.TrainingRun} ({@code fourm tokenizer-train}:
 * log, checkpoints, exact resume), and {@link fourm.vq.pretokenize.ImagePretokenizer} ({@code fourm pretokenize}: images
 * into the dataset shards of fourm-core-data).
 *
 * <p>Depends on fourm-vq, fourm-vq-diffusion (DiVAE training), fourm-core-data and fourm-core-optim; not on the transformer.
 */
module fourm.vq.train {
    requires transitive fourm.vq;
    requires transitive fourm.vq.diffusion;
    requires transitive fourm.core.data;
    requires transitive fourm.core.optim;
    requires com.google.gson;

    exports fourm.vq.train;
    exports fourm.vq.pretokenize;
}
