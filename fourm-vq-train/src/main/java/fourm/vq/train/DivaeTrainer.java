package fourm.vq.train;

import fourm.vq.diffusion.DivaeModel;
import java.util.List;
import java.util.Map;

/**
 * The trainer of a DiVAE: {@link VqTrainer}'s steps (AdamW over the encoder and the UNet, then the codebook's EMA
 * update) on the diffusion loss ({@link DiffusionLoss}, the reference's {@code run_training_divae.py}), with the run's
 * optimizer, steps, code-loss weight and dead-code threshold.
 *
 * <p>Step {@code s} draws everything from {@link VqTrainer#rngFor}{@code (seed, s)}, so a resumed run continues as an
 * uninterrupted one would. The held-out evaluation encodes each image and decodes its tokens through the sampling
 * loop ({@code evalSteps} steps, noise seeded per image), so its metrics are those of the tokenizer as a user decodes.
 */
public final class DivaeTrainer extends VqTrainer {
    /**
     * @param model     the DiVAE to train (gradients are attached to its encoder and UNet)
     * @param settings  the run's optimizer, steps, code-loss weight and dead-code threshold
     * @param evalSteps sampling steps of the held-out evaluation
     */
    public DivaeTrainer(DivaeModel model, VqTrainSettings settings, int evalSteps) {
        this(model, settings, evalSteps, false);
    }

    /**
     * A trainer that may leave the encoder side as it is ({@code freezeEncoder}, the reference's {@code freeze_enc}):
     * only the UNet learns, the codebook is not updated, so the tokens stay those of the given encoder (a diffusion
     * decoder for an existing tokenizer's ids).
     */
    public DivaeTrainer(DivaeModel model, VqTrainSettings settings, int evalSteps, boolean freezeEncoder) {
        super(new DiffusionLoss(model, freezeEncoder, evalSteps), settings.optimizer(), settings.steps(),
                settings.codebookWeight(), settings.deadCodeThreshold());
    }

    /**
     * Reconstruction metrics of images in model space: tokens by the encoder, images by {@code steps} sampling steps
     * (noise of image {@code i} seeded with {@code i}).
     */
    public static Map<String, Double> evaluate(DivaeModel model, List<float[]> inputs, int side, int batchSize,
                                               int steps) {
        return DiffusionLoss.evaluate(model, inputs, side, batchSize, steps);
    }
}
