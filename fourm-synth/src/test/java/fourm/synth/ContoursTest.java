package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContoursTest {
    private static final int W = 20;

    private static int[] labels(String... rows) {
        int[] l = new int[rows.length * rows[0].length()];
        for (int y = 0; y < rows.length; y++) {
            for (int x = 0; x < rows[y].length(); x++) {
                l[y * rows[0].length() + x] = rows[y].charAt(x) - '0';
            }
        }
        return l;
    }

    @Test
    void aRectangleSimplifiesToItsFourCorners() {
        int[] l = new int[W * W];
        for (int y = 4; y <= 12; y++) {
            for (int x = 3; x <= 15; x++) {
                l[y * W + x] = 7;
            }
        }
        List<int[]> raw = Contours.trace(Contours.largestComponent(l, W, W, 7), W, W);
        assertThat(raw).hasSize(2 * (12 + 8));
        List<int[]> poly = Contours.polygon(l, W, W, 7, 1.0);
        assertThat(poly).containsExactly(new int[] {3, 4}, new int[] {15, 4}, new int[] {15, 12}, new int[] {3, 12});
    }

    @Test
    void traceFollowsAConcaveShapeAndPicksTheLargestComponent() {
        int[] l = labels(
                "0000000",
                "0110000",
                "0111100",
                "0110000",
                "0000011");
        List<int[]> ring = Contours.trace(Contours.largestComponent(l, 7, 5, 1), 7, 5);
        assertThat(ring).containsExactly(new int[] {1, 1}, new int[] {2, 1}, new int[] {3, 2}, new int[] {4, 2},
                new int[] {3, 2}, new int[] {2, 3}, new int[] {1, 3}, new int[] {1, 2});
    }

    @Test
    void aSinglePixelIsItsOwnPolygonAndAnAbsentIdHasNone() {
        int[] l = labels("000", "010", "000");
        assertThat(Contours.polygon(l, 3, 3, 1, 1.0)).containsExactly(new int[] {1, 1});
        assertThat(Contours.polygon(l, 3, 3, 5, 1.0)).isEmpty();
    }
}
