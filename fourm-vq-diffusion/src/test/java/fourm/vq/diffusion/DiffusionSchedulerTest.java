package fourm.vq.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import fourm.vq.diffusion.SchedulerConfig.Kind;
import fourm.vq.diffusion.SchedulerConfig.Spacing;
import org.junit.jupiter.api.Test;

class DiffusionSchedulerTest {
    @Test
    void aDecoderSwitchedToPndmIsSavedAsTheDdimThatReadsBack() {
        UNetConfig u = UNetConfig.unetPatched(32, 32, 4);
        SchedulerConfig pndm = SchedulerConfig.classDefaults().withKind(Kind.PNDM);
        assertThat(DivaeCheckpoints.kwargs(u, pndm).get("scheduler").getAsString()).isEqualTo("ddim");
        assertThat(DivaeCheckpoints.kwargs(u, pndm.withKind(Kind.DDPM)).get("scheduler").getAsString())
                .isEqualTo("ddpm");
    }

    private static DiffusionScheduler ddim(Spacing s) {
        return new DiffusionScheduler(SchedulerConfig.releasedPredX0().withKind(Kind.DDIM).withSpacing(s));
    }

    @Test
    void ddpmSpacesLeadingWhateverTheMode() {
        DiffusionScheduler ddpm = new DiffusionScheduler(SchedulerConfig.releasedPredX0());
        assertThat(ddpm.timesteps(3)).containsExactly(666, 333, 0);
        assertThat(ddpm.timesteps(4)).containsExactly(750, 500, 250, 0);
        assertThat(ddpm.timesteps(1)).containsExactly(0);
    }

    @Test
    void ddimSpacingsAreTheReferences() {
        long[] trailing = ddim(Spacing.TRAILING).timesteps(25);
        assertThat(trailing).hasSize(25);
        assertThat(trailing[0]).isEqualTo(999);
        assertThat(trailing[24]).isEqualTo(39);
        assertThat(ddim(Spacing.TRAILING).timesteps(3)).containsExactly(999, 666, 333, 0);
        assertThat(ddim(Spacing.TRAILING).timesteps(10)).containsExactly(999, 899, 799, 699, 599, 499, 399, 299, 199,
                99);
        assertThat(ddim(Spacing.LEADING).timesteps(4)).containsExactly(750, 500, 250, 0);
        // np.linspace(1000, 1, 4).round() - 1 = [999, 666, 333, 0]; for 5: [1000, 750.25, 500.5, 250.75, 1]
        assertThat(ddim(Spacing.LINSPACE).timesteps(4)).containsExactly(999, 666, 333, 0);
        assertThat(ddim(Spacing.LINSPACE).timesteps(5)).containsExactly(999, 749, 499, 250, 0);
        assertThatThrownBy(() -> ddim(Spacing.TRAILING).timesteps(0)).hasMessageContaining("[1, 1000]");
        assertThatThrownBy(() -> ddim(Spacing.TRAILING).timesteps(1001)).hasMessageContaining("got 1001");
    }

    @Test
    void zeroTerminalSnrEndsAtZeroSignal() {
        for (SchedulerConfig c : new SchedulerConfig[] {SchedulerConfig.releasedPredX0(),
            SchedulerConfig.classDefaults()}) {
            float[] acp = new DiffusionScheduler(c).alphasCumprod();
            assertThat(acp[999]).isZero();
            assertThat(acp[0]).isGreaterThan(0.99f);
            for (int i = 1; i < acp.length; i++) {
                assertThat(acp[i]).isLessThanOrEqualTo(acp[i - 1]);
            }
        }
    }

    @Test
    void aPerfectX0PredictionAtTheLastStepGivesX0() {
        // PNDM takes epsilon or v-prediction only (PndmGoldenTest)
        for (Kind k : new Kind[] {Kind.DDPM, Kind.DDIM}) {
            DiffusionScheduler s = new DiffusionScheduler(SchedulerConfig.releasedPredX0().withKind(k));
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x0 = m.randomUniform(-1, 1, new Shape(1, 3, 4, 4));
                NDArray xt = m.randomNormal(new Shape(1, 3, 4, 4));
                NDArray prev = s.step(m, x0, 0, xt, 25, (mm, shape) -> {
                    throw new AssertionError("no noise at t = 0");
                });
                assertThat(prev.sub(x0).abs().max().getFloat()).isLessThan(1e-6f);
            }
        }
    }

    @Test
    void clippingClampsThePredictedX0() {
        DiffusionScheduler s = new DiffusionScheduler(SchedulerConfig.releasedPredX0());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = m.create(new float[] {-3f, 0.5f, 2f}, new Shape(1, 1, 1, 3));
            NDArray prev = s.step(m, out, 0, m.zeros(new Shape(1, 1, 1, 3)), 10, null);
            assertThat(prev.toFloatArray()).containsExactly(-1f, 0.5f, 1f);
        }
    }
}
