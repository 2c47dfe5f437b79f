package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CannyTest {
    private static final int W = 64;
    private static final int LO = 20;
    private static final int HI = 43;

    private static double[] square() {
        double[] g = new double[W * W];
        for (int y = LO; y <= HI; y++) {
            for (int x = LO; x <= HI; x++) {
                g[y * W + x] = 200;
            }
        }
        return g;
    }

    /** Distance (in pixels, Chebyshev) from (x, y) to the square's border between pixel LO-1|LO and HI|HI+1. */
    private static double borderDistance(int x, int y) {
        double cx = Math.max(LO - 0.5 - x, Math.max(x - (HI + 0.5), 0));
        double cy = Math.max(LO - 0.5 - y, Math.max(y - (HI + 0.5), 0));
        if (cx > 0 || cy > 0) {
            return Math.max(cx, cy);
        }
        return Math.min(Math.min(x - (LO - 0.5), HI + 0.5 - x), Math.min(y - (LO - 0.5), HI + 0.5 - y));
    }

    @Test
    void findsTheBorderOfASquareAndNothingElse() {
        boolean[] e = Canny.detect(square(), W, W, 1.0, 40, 100);
        int found = 0;
        for (int i = 0; i < e.length; i++) {
            if (e[i]) {
                found++;
                assertThat(borderDistance(i % W, i / W)).as("edge pixel %d,%d", i % W, i / W).isLessThanOrEqualTo(1.5);
            }
        }
        // Every border position of every side has an edge pixel within a pixel of it (corners may round off).
        for (int t = LO + 2; t <= HI - 2; t++) {
            assertThat(nearEdge(e, t, LO)).as("top at x=%d", t).isTrue();
            assertThat(nearEdge(e, t, HI)).as("bottom at x=%d", t).isTrue();
            assertThat(nearEdge(e, LO, t)).as("left at y=%d", t).isTrue();
            assertThat(nearEdge(e, HI, t)).as("right at y=%d", t).isTrue();
        }
        // Thin: about one pixel per border position.
        assertThat(found).isBetween(4 * (HI - LO - 2), 4 * (HI - LO + 3));
    }

    private static boolean nearEdge(boolean[] e, int x, int y) {
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                if (e[(y + dy) * W + x + dx]) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void aFlatImageHasNoEdgesAndAFaintStepFallsBelowTheThreshold() {
        double[] flat = new double[W * W];
        java.util.Arrays.fill(flat, 128);
        assertThat(Canny.detect(flat, W, W, 1.0, 40, 100)).doesNotContain(true);
        double[] faint = new double[W * W];
        for (int i = 0; i < faint.length; i++) {
            faint[i] = i % W < W / 2 ? 100 : 105;
        }
        assertThat(Canny.detect(faint, W, W, 1.0, 40, 100)).doesNotContain(true);
    }

    @Test
    void hysteresisKeepsWeakPixelsOnlyWhenConnectedToStrongOnes() {
        // A vertical step at x = 20 whose height fades from 100 (top) to 20 (bottom), and a separate faint step of 14
        // at x = 48. After blurring, Sobel gives about 2.5 x the step height: strong (>= 100) at the top of the first
        // edge only, weak (>= 30) everywhere else on both edges.
        double[] g = new double[W * W];
        for (int y = 0; y < W; y++) {
            double step = 100 - 80.0 * y / (W - 1);
            for (int x = 0; x < W; x++) {
                g[y * W + x] = (x >= 20 ? step : 0) + (x >= 48 ? 14 : 0);
            }
        }
        boolean[] hysteresis = Canny.detect(g, W, W, 1.0, 30, 100);
        boolean[] single = Canny.detect(g, W, W, 1.0, 30, 30);
        for (int y = 2; y < W - 2; y++) {
            assertThat(rowHasEdgeNear(hysteresis, y, 20)).as("fading edge, row %d", y).isTrue();
            assertThat(rowHasEdgeNear(hysteresis, y, 48)).as("isolated faint edge, row %d", y).isFalse();
            assertThat(rowHasEdgeNear(single, y, 48)).as("faint edge without hysteresis, row %d", y).isTrue();
        }
    }

    private static boolean rowHasEdgeNear(boolean[] e, int y, int x) {
        return e[y * W + x - 1] || e[y * W + x] || e[y * W + x + 1];
    }
}
