package fourm.vq.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * The reference's DDPM and DDIM schedulers ({@code fourm/vq/scheduling/scheduling_ddpm.py}, {@code scheduling_ddim.py})
 * for sampling: the alpha-bar table, the inference timesteps and one denoising step; a PNDM configuration samples
 * through {@link PndmScheduler}.
 *
 * <p>The table is computed in float32 in the reference's order: betas (linear: {@code torch.linspace} in float32;
 * squared cosine in double, then float32), optionally rescaled to zero terminal SNR, {@code alphas = 1 - betas} and
 * their cumulative product (accumulated in double and rounded per element, as PyTorch's CPU {@code cumprod}). The step
 * coefficients are float32 scalars computed as the reference's 0-dimensional tensors compute them.
 */
public final class DiffusionScheduler {
    private final SchedulerConfig config;
    private final float[] alphasCumprod;
    private final PndmScheduler pndm;

    /** The scheduler of {@code config} (a PNDM one with the reference class's defaults). */
    public DiffusionScheduler(SchedulerConfig config) {
        this(config, PndmScheduler.Options.defaults());
    }

    /**
     * The scheduler of {@code config}; {@code pndm} are the PNDM sampler's own options ({@link PndmScheduler}, used
     * when the kind is PNDM).
     *
     * @throws IllegalArgumentException for a PNDM sampler of an x0-predicting denoiser
     */
    public DiffusionScheduler(SchedulerConfig config, PndmScheduler.Options pndm) {
        this.config = config;
        this.alphasCumprod = cumprod(oneMinus(betas(config)));
        this.pndm = config.kind() == SchedulerConfig.Kind.PNDM ? new PndmScheduler(config, pndm) : null;
    }

    /** The configuration. */
    public SchedulerConfig config() {
        return config;
    }

    /** The alpha-bar table over the training steps (a copy). */
    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    static float[] betas(SchedulerConfig c) {
        int n = c.trainSteps();
        float[] betas;
        switch (c.betaSchedule()) {
            case LINEAR:
                betas = linspace((float) c.betaStart(), (float) c.betaEnd(), n);
                break;
            case SCALED_LINEAR: {
                betas = linspace((float) Math.sqrt(c.betaStart()), (float) Math.sqrt(c.betaEnd()), n);
                for (int i = 0; i < n; i++) {
                    betas[i] = betas[i] * betas[i];
                }
                break;
            }
            case SQUAREDCOS_CAP_V2: {
                betas = new float[n];
                for (int i = 0; i < n; i++) {
                    double t1 = (double) i / n;
                    double t2 = (double) (i + 1) / n;
                    betas[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
                }
                break;
            }
            default:
                throw new IllegalStateException("unhandled beta schedule " + c.betaSchedule());
        }
        return c.zeroTerminalSnr() ? zeroTerminalSnr(betas) : betas;
    }

    private static double alphaBar(double t) {
        double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    /** {@code torch.linspace(start, end, n)} in float32 (the first half counted up from start, the rest down from end). */
    static float[] linspace(float start, float end, int n) {
        float step = (end - start) / (float) (n - 1);
        int halfway = n / 2;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < halfway ? start + step * i : end - step * (n - i - 1);
        }
        return v;
    }

    /** {@code enforce_zero_terminal_snr} of {@code scheduling_utils.py}, in float32. */
    static float[] zeroTerminalSnr(float[] betas) {
        int n = betas.length;
        float[] sqrt = cumprod(oneMinus(betas));
        for (int i = 0; i < n; i++) {
            sqrt[i] = (float) Math.sqrt(sqrt[i]);
        }
        float first = sqrt[0];
        float last = sqrt[n - 1];
        float scale = first / (first - last);
        float[] bar = new float[n];
        for (int i = 0; i < n; i++) {
            float s = (sqrt[i] - last) * scale;
            bar[i] = s * s;
        }
        float[] out = new float[n];
        out[0] = 1f - bar[0];
        for (int i = 1; i < n; i++) {
            out[i] = 1f - bar[i] / bar[i - 1];
        }
        return out;
    }

    private static float[] oneMinus(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = 1f - v[i];
        }
        return out;
    }

    private static float[] cumprod(float[] v) {
        float[] out = new float[v.length];
        double acc = 1;
        for (int i = 0; i < v.length; i++) {
            acc *= v[i];
            out[i] = (float) acc;
        }
        return out;
    }

    /**
     * The timesteps of an {@code steps}-step decode, in the order they run. DDPM (the reference ignores the spacing
     * mode): {@code (arange(n) * (T // n))[::-1]}; DDIM: the configured spacing; PNDM: those of its denoiser
     * evaluations ({@link PndmScheduler#timesteps}, which starts the calling thread's decode).
     *
     * @throws IllegalArgumentException if {@code steps} is not in [1, T]
     */
    public long[] timesteps(int steps) {
        if (pndm != null) {
            return pndm.timesteps(steps);
        }
        int t = config.trainSteps();
        if (steps < 1 || steps > t) {
            throw new IllegalArgumentException("the number of decoding steps must be in [1, " + t + "], got " + steps);
        }
        int ratio = t / steps;
        if (config.kind() == SchedulerConfig.Kind.DDPM || config.spacing() == SchedulerConfig.Spacing.LEADING) {
            long[] ts = new long[steps];
            for (int i = 0; i < steps; i++) {
                ts[i] = (long) (steps - 1 - i) * ratio;
            }
            return ts;
        }
        if (config.spacing() == SchedulerConfig.Spacing.TRAILING) {
            int count = (t + ratio - 1) / ratio;
            long[] ts = new long[count];
            for (int i = 0; i < count; i++) {
                ts[i] = (long) t - (long) i * ratio - 1;
            }
            return ts;
        }
        long[] ts = new long[steps];
        for (int i = 0; i < steps; i++) {
            double v = steps == 1 ? t : t + (1.0 - t) * i / (steps - 1);
            ts[i] = Math.round(Math.rint(v)) - 1;
        }
        return ts;
    }

    /**
     * One denoising step from timestep {@code t} of an {@code steps}-step decode: the previous sample. Computed in
     * {@code m}; draws noise from {@code noise} when the step adds noise (DDPM with t &gt; 0, DDIM with eta &gt; 0).
     *
     * @param modelOutput the denoiser's output at {@code (sample, t)}
     * @param sample      the current sample x_t
     */
    public NDArray step(NDManager m, NDArray modelOutput, long t, NDArray sample, int steps, GaussianNoise noise) {
        if (pndm != null) {
            return pndm.step(m, modelOutput, t, sample, steps);
        }
        NDArray out = modelOutput.get(m, new NDIndex("..."));
        NDArray x = sample.get(m, new NDIndex("..."));
        long prev = t - config.trainSteps() / steps;
        float apt = alphasCumprod[(int) t];
        if (config.kind() == SchedulerConfig.Kind.DDPM) {
            float apv = prev >= 0 ? alphasCumprod[(int) prev] : 1f;
            float bt = 1f - apt;
            float bpv = 1f - apv;
            float cat = apt / apv;
            float cbt = 1f - cat;
            NDArray x0 = predictedX0(out, x, apt, bt);
            float c0 = sqrt(apv) * cbt / bt;
            float cs = sqrt(cat) * bpv / bt;
            NDArray result = x0.mul(c0).add(x.mul(cs));
            if (t > 0) {
                float variance = Math.max(bpv / bt * cbt, 1e-20f);
                result = result.add(noise.next(m, out.getShape()).mul(sqrt(variance)));
            }
            return result;
        }
        float apv = prev >= 0 ? alphasCumprod[(int) prev] : 1f;
        float bt = 1f - apt;
        float bpv = 1f - apv;
        NDArray x0;
        NDArray eps;
        switch (config.prediction()) {
            case EPSILON:
                x0 = x.sub(out.mul(sqrt(bt))).div(sqrt(apt));
                eps = out;
                break;
            case SAMPLE:
                x0 = out;
                eps = x.sub(x0.mul(sqrt(apt))).div(sqrt(bt));
                break;
            default:
                x0 = x.mul(sqrt(apt)).sub(out.mul(sqrt(bt)));
                eps = out.mul(sqrt(apt)).add(x.mul(sqrt(bt)));
                break;
        }
        if (config.clampsX0()) {
            x0 = x0.clip(-1f, 1f);
        }
        float variance = bpv / bt * (1f - apt / apv);
        float std = (float) config.eta() * sqrt(variance);
        NDArray result = x0.mul(sqrt(apv)).add(eps.mul(sqrt(1f - apv - std * std)));
        if (config.eta() > 0) {
            result = result.add(noise.next(m, out.getShape()).mul(std));
        }
        return result;
    }

    private NDArray predictedX0(NDArray out, NDArray x, float apt, float bt) {
        NDArray x0 = switch (config.prediction()) {
            case EPSILON -> x.sub(out.mul(sqrt(bt))).div(sqrt(apt));
            case SAMPLE -> out;
            case V_PREDICTION -> x.mul(sqrt(apt)).sub(out.mul(sqrt(bt)));
        };
        return config.clampsX0() ? x0.clip(-1f, 1f) : x0;
    }

    private static float sqrt(float v) {
        return (float) Math.sqrt(v);
    }
}
