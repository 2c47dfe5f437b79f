package fourm.vq.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import fourm.vq.LatentDecoder;
import fourm.vq.VqConfig;
import fourm.vq.VqModel;
import fourm.vq.diffusion.DivaeModel;
import fourm.vq.diffusion.GaussianNoise;
import fourm.vq.diffusion.SchedulerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The loss of a DiVAE, the reference's diffusion training ({@code run_training_divae.py}): per image a timestep drawn
 * uniformly from the training steps and Gaussian noise, the noisy image {@code sqrt(a) x0 + sqrt(1 - a) eps}, one
 * denoiser evaluation conditioned on the quantized latents of the clean image, and the MSE between its output and the
 * target of the configured prediction type (x0, eps, or {@code v = sqrt(a) eps - sqrt(1 - a) x0}). With
 * {@code freezeEncoder} (the reference's {@code freeze_enc}) only the UNet learns and the codebook is not updated.
 * The evaluation encodes each image and decodes its tokens through the sampling loop ({@code evalSteps} steps, the
 * noise of image {@code i} seeded with {@code i}), so its metrics are those of the tokenizer as a user decodes.
 */
public final class DiffusionLoss implements TokenizerLoss {
    private final DivaeModel model;
    private final boolean freezeEncoder;
    private final int evalSteps;
    private final float[] alphasCumprod;
    private final SchedulerConfig.Prediction prediction;

    /**
     * @param model         the DiVAE (gradients are attached to its UNet, and to its encoder unless frozen)
     * @param freezeEncoder leave the encoder and codebook as they are
     * @param evalSteps     sampling steps of the evaluation
     */
    public DiffusionLoss(DivaeModel model, boolean freezeEncoder, int evalSteps) {
        this.model = model;
        this.freezeEncoder = freezeEncoder;
        this.evalSteps = evalSteps;
        this.alphasCumprod = model.decoder().scheduler().alphasCumprod();
        this.prediction = model.decoder().scheduler().config().prediction();
    }

    @Override
    public VqModel tokenizer() {
        return model.encoder();
    }

    @Override
    public Map<String, NDArray> trainableParameters() {
        Map<String, NDArray> params = new LinkedHashMap<>();
        if (!freezeEncoder) {
            params.putAll(model.encoder().trainableParameters());
        }
        params.putAll(model.unet().weights().trainable());
        return params;
    }

    @Override
    public Terms terms(NDManager m, float[] batch, int batchSize, int height, int width, SplittableRandom rng) {
        float[] noise = new float[batch.length];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) rng.nextGaussian();
        }
        float[] t = new float[batchSize];
        float[] signal = new float[batchSize];
        float[] sigma = new float[batchSize];
        for (int i = 0; i < batchSize; i++) {
            int ti = rng.nextInt(alphasCumprod.length);
            t[i] = ti;
            signal[i] = (float) Math.sqrt(alphasCumprod[ti]);
            sigma[i] = (float) Math.sqrt(1.0 - alphasCumprod[ti]);
        }
        VqModel encoder = model.encoder();
        NDArray x0 = encoder.input(m, batch, batchSize, height, width);
        NDArray eps = m.create(noise, x0.getShape());
        Shape column = new Shape(batchSize, 1, 1, 1);
        NDArray a = m.create(signal, column);
        NDArray s = m.create(sigma, column);
        NDArray noisy = x0.mul(a).add(eps.mul(s));
        VqModel.Forward f = encoder.forward(m, x0, !freezeEncoder, rng, new LatentDecoder() {
            @Override
            public String type() {
                return "diffusion";
            }

            @Override
            public NDArray decode(NDManager dm, NDArray quantized) {
                return model.unet().forward(dm, noisy, t, quantized);
            }
        });
        NDArray target = switch (prediction) {
            case SAMPLE -> x0;
            case EPSILON -> eps;
            case V_PREDICTION -> eps.mul(a).sub(x0.mul(s));
        };
        return new Terms(f.output().sub(target).square().mean(), f);
    }

    @Override
    public boolean updatesCodebook() {
        return !freezeEncoder;
    }

    @Override
    public Map<String, Double> evaluate(List<float[]> inputs, int side, int batchSize) {
        return evaluate(model, inputs, side, batchSize, evalSteps);
    }

    /**
     * Reconstruction metrics of images in model space: tokens by the encoder, images by {@code steps} sampling steps
     * (noise of image {@code i} seeded with {@code i}).
     */
    static Map<String, Double> evaluate(DivaeModel model, List<float[]> inputs, int side, int batchSize, int steps) {
        VqConfig c = model.encoder().config();
        int grid = side / c.patchSize();
        return TokenizerLoss.metrics(c, inputs, batchSize, (values, n, from) -> {
            try (NDManager m = NDManager.newBaseManager()) {
                long[] ids = model.tokenize(m, model.encoder().input(m, values, n, side, side));
                float[] out = model.decodeTokens(m, ids, n, grid, grid, steps, side, GaussianNoise.perSample(from, n),
                        null).toFloatArray();
                return new Reconstruction(out, ids);
            }
        });
    }
}
