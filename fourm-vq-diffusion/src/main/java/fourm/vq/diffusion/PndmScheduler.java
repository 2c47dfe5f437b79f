package fourm.vq.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference's PNDM sampler ({@code fourm/vq/scheduling/scheduling_pndm.py}, pseudo numerical methods, arXiv
 * 2202.09778): a warm-up of three Runge-Kutta steps (four denoiser evaluations each, at half steps) that fills a
 * history of model outputs, then a linear multistep (PLMS) step per timestep, each one denoiser evaluation combining
 * the last four outputs ({@code (55 e1 - 59 e2 + 37 e3 - 9 e4) / 24}); with {@code skipPrk} the warm-up is replaced by
 * lower-order multistep steps (one evaluation more than the steps asked). Deterministic given the initial noise.
 *
 * <p>As the reference's scheduler: the betas are its own ({@code linear}, {@code scaled_linear} or
 * {@code squaredcos_cap_v2}, no zero-terminal-SNR rescaling), the denoiser predicts {@code epsilon} or
 * {@code v_prediction} (an x0-predicting DiVAE cannot use it), x0 is neither clipped nor thresholded, the timesteps are
 * spaced {@code leading} ({@code + stepsOffset}), {@code trailing} (the float ratio {@code T / n}: exactly n steps) or
 * {@code linspace}, and the last step goes to alpha-bar {@code 1} ({@code setAlphaToOne}) or to the table's first
 * entry.
 *
 * <p>The sampler is stateful, as the reference's is: {@link #timesteps} starts a decode of the calling thread (it is
 * what {@link DiffusionDecoder} calls first, as {@code PipelineCond} calls {@code set_timesteps}) and {@link #step}
 * continues it; the history is kept on the host, so nothing outlives a step's manager, and is dropped after the
 * decode's last step. Threads decode independently.
 */
public final class PndmScheduler {
    /**
     * The reference's PNDM options beyond the shared configuration.
     *
     * @param skipPrk       skip the Runge-Kutta warm-up ({@code skip_prk_steps})
     * @param stepsOffset   added to the {@code leading} timesteps ({@code steps_offset})
     * @param setAlphaToOne the step past timestep 0 goes to alpha-bar 1 ({@code set_alpha_to_one})
     */
    public record Options(boolean skipPrk, int stepsOffset, boolean setAlphaToOne) {
        /** The class defaults: the Runge-Kutta warm-up, no offset, the table's first entry at the end. */
        public static Options defaults() {
            return new Options(false, 0, false);
        }
    }

    private static final int ORDER = 4;

    private final SchedulerConfig config;
    private final Options options;
    private final float[] alphasCumprod;
    private final float finalAlphaCumprod;
    private final ThreadLocal<Run> run = new ThreadLocal<>();

    /**
     * A PNDM sampler of {@code config}'s training schedule ({@code trainSteps}, betas, prediction, spacing).
     *
     * @throws IllegalArgumentException if the prediction is x0 ({@code sample}), which the reference's PNDM refuses
     */
    public PndmScheduler(SchedulerConfig config, Options options) {
        if (config.prediction() == SchedulerConfig.Prediction.SAMPLE) {
            throw new IllegalArgumentException("the PNDM sampler takes a denoiser that predicts epsilon or"
                    + " v_prediction (the reference's PNDMScheduler); this one predicts x0 (sample): use ddpm or ddim");
        }
        if (options.stepsOffset() < 0) {
            throw new IllegalArgumentException("steps offset must be >= 0, got " + options.stepsOffset());
        }
        this.config = config;
        this.options = options;
        SchedulerConfig plain = new SchedulerConfig(config.kind(), config.trainSteps(), config.betaSchedule(),
                config.betaStart(), config.betaEnd(), config.prediction(), false, false, false, config.spacing(),
                config.eta());
        float[] betas = DiffusionScheduler.betas(plain);
        this.alphasCumprod = new float[betas.length];
        double acc = 1;
        for (int i = 0; i < betas.length; i++) {
            acc *= 1f - betas[i];
            alphasCumprod[i] = (float) acc;
        }
        this.finalAlphaCumprod = options.setAlphaToOne() ? 1f : alphasCumprod[0];
    }

    /** The options. */
    public Options options() {
        return options;
    }

    /** The alpha-bar table (a copy): the schedule's own, never rescaled to zero terminal SNR. */
    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** The {@code steps} inference timesteps of the spacing, ascending ({@code _timesteps} of the reference). */
    private long[] base(int steps) {
        int t = config.trainSteps();
        long[] ts = new long[steps];
        switch (config.spacing()) {
            case LEADING -> {
                int ratio = t / steps;
                for (int i = 0; i < steps; i++) {
                    ts[i] = (long) i * ratio + options.stepsOffset();
                }
            }
            case TRAILING -> {
                double ratio = (double) t / steps;
                // np.round(np.arange(T, 0, -ratio))[::-1] - 1; arange's length is ceil(T / ratio)
                int count = (int) Math.ceil(t / ratio);
                long[] desc = new long[count];
                for (int i = 0; i < count; i++) {
                    desc[i] = (long) Math.rint(t + i * -ratio);
                }
                ts = new long[count];
                for (int i = 0; i < count; i++) {
                    ts[i] = desc[count - 1 - i] - 1;
                }
            }
            case LINSPACE -> {
                // np.linspace(0, T - 1, n).round(): arange(n) * step, the last exactly T - 1
                double step = steps == 1 ? 0 : (double) (t - 1) / (steps - 1);
                for (int i = 0; i < steps; i++) {
                    ts[i] = i == steps - 1 && steps > 1 ? t - 1 : (long) Math.rint(i * step);
                }
            }
            default -> throw new IllegalStateException("unhandled spacing " + config.spacing());
        }
        return ts;
    }

    /**
     * The timesteps of the denoiser evaluations of an {@code steps}-step decode, in the order they run: the
     * Runge-Kutta warm-up's (unless skipped), then the multistep ones. Starts a decode of the calling thread.
     *
     * @throws IllegalArgumentException if {@code steps} is not in [1, T]
     */
    public long[] timesteps(int steps) {
        int t = config.trainSteps();
        if (steps < 1 || steps > t) {
            throw new IllegalArgumentException("the number of decoding steps must be in [1, " + t + "], got " + steps);
        }
        long[] b = base(steps);
        int n = b.length;
        long[] prk;
        long[] plms;
        if (options.skipPrk()) {
            prk = new long[0];
            // concatenate(b[:-1], b[-2:-1], b[-1:])[::-1]
            List<Long> l = new ArrayList<>();
            for (int i = 0; i < n - 1; i++) {
                l.add(b[i]);
            }
            if (n >= 2) {
                l.add(b[n - 2]);
            }
            l.add(b[n - 1]);
            plms = reversed(l);
        } else {
            int half = t / steps / 2;
            List<Long> last = new ArrayList<>();
            for (int i = Math.max(0, n - ORDER); i < n; i++) {
                last.add(b[i]);
                last.add(b[i] + half);
            }
            last.remove(last.size() - 1);                      // [:-1]
            List<Long> doubled = new ArrayList<>();
            for (long v : last) {                              // .repeat(2)
                doubled.add(v);
                doubled.add(v);
            }
            List<Long> trimmed = doubled.subList(1, Math.max(1, doubled.size() - 1)); // [1:-1]
            prk = reversed(trimmed);
            List<Long> head = new ArrayList<>();
            for (int i = 0; i < n - 3; i++) {                  // _timesteps[:-3]
                head.add(b[i]);
            }
            plms = reversed(head);
        }
        long[] all = new long[prk.length + plms.length];
        System.arraycopy(prk, 0, all, 0, prk.length);
        System.arraycopy(plms, 0, all, prk.length, plms.length);
        run.set(new Run(steps, prk, all.length));
        return all;
    }

    private static long[] reversed(List<Long> l) {
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(l.size() - 1 - i);
        }
        return out;
    }

    /**
     * One denoiser evaluation's step of the calling thread's decode (started by {@link #timesteps}): the next sample.
     * Computed in {@code m}.
     *
     * @param modelOutput the denoiser's output at {@code (sample, t)}
     * @param t           the evaluation's timestep (the next of {@link #timesteps})
     * @param sample      the current sample
     * @param steps       the decode's steps (as given to {@link #timesteps})
     * @throws IllegalStateException if no decode of {@code steps} steps was started on this thread
     */
    public NDArray step(NDManager m, NDArray modelOutput, long t, NDArray sample, int steps) {
        Run r = run.get();
        if (r == null || r.steps != steps) {
            throw new IllegalStateException("a PNDM step without a decode of " + steps + " steps started on this"
                    + " thread: call timesteps(" + steps + ") first");
        }
        NDArray next = r.step(m, modelOutput, t, sample);
        if (r.counter == r.evaluations) {
            run.remove(); // the decode is over: its history is freed
        }
        return next;
    }

    /** The state of one decode: the Runge-Kutta accumulator, the history of outputs, the held sample (host side). */
    private final class Run {
        private final int steps;
        private final long[] prk;
        private final int evaluations;
        private final List<float[]> ets = new ArrayList<>();
        private int counter;
        private float[] curModelOutput;
        private float[] curSample;

        Run(int steps, long[] prk, int evaluations) {
            this.steps = steps;
            this.prk = prk;
            this.evaluations = evaluations;
        }

        NDArray step(NDManager m, NDArray modelOutput, long t, NDArray sample) {
            Shape shape = sample.getShape();
            float[] out = modelOutput.toFloatArray();
            float[] x = sample.toFloatArray();
            float[] prev = counter < prk.length && !options.skipPrk() ? prk(out, t, x) : plms(out, t, x);
            counter++;
            return m.create(prev, shape);
        }

        private float[] prk(float[] out, long t, float[] x) {
            int ratio = config.trainSteps() / steps;
            long diffToPrev = counter % 2 != 0 ? 0 : ratio / 2;
            long prevT = t - diffToPrev;
            long at = prk[counter / 4 * 4];
            float[] eps;
            switch (counter % 4) {
                case 0 -> {
                    curModelOutput = axpy(curModelOutput, 1.0 / 6, out);
                    ets.add(out);
                    curSample = x;
                    eps = out;
                }
                case 1, 2 -> {
                    curModelOutput = axpy(curModelOutput, 1.0 / 3, out);
                    eps = out;
                }
                default -> {
                    eps = axpy(curModelOutput, 1.0 / 6, out);
                    curModelOutput = null;
                }
            }
            float[] from = curSample != null ? curSample : x;
            return previous(from, at, prevT, eps);
        }

        private float[] plms(float[] out, long t, float[] x) {
            int ratio = config.trainSteps() / steps;
            if (!options.skipPrk() && ets.size() < 3) {
                throw new IllegalStateException("a PNDM multistep before the Runge-Kutta warm-up filled its history");
            }
            long prevT = t - ratio;
            if (counter != 1) {
                while (ets.size() > 3) {
                    ets.remove(0);
                }
                ets.add(out);
            } else {
                prevT = t;
                t = t + ratio;
            }
            float[] eps;
            float[] from = x;
            int k = ets.size();
            if (k == 1 && counter == 0) {
                eps = out;
                curSample = x;
            } else if (k == 1 && counter == 1) {
                eps = combine(new double[] {1, 1}, new float[][] {out, ets.get(0)}, 2);
                from = curSample;
                curSample = null;
            } else if (k == 2) {
                eps = combine(new double[] {3, -1}, new float[][] {ets.get(1), ets.get(0)}, 2);
            } else if (k == 3) {
                eps = combine(new double[] {23, -16, 5}, new float[][] {ets.get(2), ets.get(1), ets.get(0)}, 12);
            } else {
                // (1 / 24) * (55 e1 - 59 e2 + 37 e3 - 9 e4): a product, as the reference writes it
                eps = combine(new double[] {55, -59, 37, -9},
                        new float[][] {ets.get(3), ets.get(2), ets.get(1), ets.get(0)}, 1);
                float f = (float) (1.0 / 24);
                for (int i = 0; i < eps.length; i++) {
                    eps[i] = f * eps[i];
                }
            }
            return previous(from, t, prevT, eps);
        }

        /** {@code _get_prev_sample}: the sample at {@code prevT} from the one at {@code t}. */
        private float[] previous(float[] x, long t, long prevT, float[] output) {
            float apt = alphasCumprod[(int) t];
            float apv = prevT >= 0 ? alphasCumprod[(int) prevT] : finalAlphaCumprod;
            float bt = 1f - apt;
            float bpv = 1f - apv;
            float[] eps = output;
            if (config.prediction() == SchedulerConfig.Prediction.V_PREDICTION) {
                float sa = (float) Math.sqrt(apt);
                float sb = (float) Math.sqrt(bt);
                eps = new float[output.length];
                for (int i = 0; i < eps.length; i++) {
                    eps[i] = sa * output[i] + sb * x[i];
                }
            }
            float sampleCoeff = (float) Math.sqrt(apv / apt);
            float denom = apt * (float) Math.sqrt(bpv) + (float) Math.sqrt(apt * bt * apv);
            float diff = apv - apt;
            float[] prev = new float[x.length];
            for (int i = 0; i < prev.length; i++) {
                prev[i] = sampleCoeff * x[i] - diff * eps[i] / denom;
            }
            return prev;
        }
    }

    /** {@code acc + a * v} in float32 ({@code acc} null: 0). */
    private static float[] axpy(float[] acc, double a, float[] v) {
        float fa = (float) a;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (acc == null ? 0f : acc[i]) + fa * v[i];
        }
        return out;
    }

    /** {@code (c0 v0 + c1 v1 + ...) / d} in float32, in the reference's order. */
    private static float[] combine(double[] c, float[][] v, double d) {
        float[] out = new float[v[0].length];
        float fd = (float) d;
        for (int i = 0; i < out.length; i++) {
            float s = (float) c[0] * v[0][i];
            for (int j = 1; j < c.length; j++) {
                s += (float) c[j] * v[j][i];
            }
            out[i] = s / fd;
        }
        return out;
    }
}
