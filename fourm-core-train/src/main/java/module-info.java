/**
 * Training the transformer: {@link fourm.core.train.TrainSettings} reads {@code fourm.train} (this module's
 * reference.conf), {@link fourm.core.train.Experiment} resolves it against the enabled modalities,
 * {@link fourm.core.train.Trainer} runs the loop (data, masking, forward and backward, AdamW, JSON-lines log,
 * checkpoints and bit-exact resume).
 *
 * <p>Depends on fourm-core-model, fourm-core-data, fourm-core-masking and fourm-core-optim.
 */
module fourm.core.train {
    requires transitive fourm.core.model;
    requires transitive fourm.core.data;
    requires transitive fourm.core.masking;
    requires transitive fourm.core.optim;
    requires com.google.gson;

    exports fourm.core.train;
}
