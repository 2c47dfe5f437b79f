package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.api.layout.SinCosTables;
import org.junit.jupiter.api.Test;

class PosEmbTest {
    @Test
    void squareTablesAreFourmCoresSinCosInChannelMajorLayout() {
        int side = 5;
        int dim = 16;
        float[] mine = PosEmb.sincos(side, side, dim);
        float[] core = SinCosTables.table2d(side, side, dim);
        for (int n = 0; n < side * side; n++) {
            for (int d = 0; d < dim; d++) {
                assertThat(mine[d * side * side + n]).isEqualTo(core[n * dim + d]);
            }
        }
        float[] rows = PosEmb.tokens(mine, dim, side, side, side, side);
        assertThat(rows).isEqualTo(core);
    }

    @Test
    void bicubicIsTheIdentityAtTheSameSizeAndUsesPyTorchsKernelAndBorders() {
        float[] ramp = new float[8 * 8];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i * 0.37f - 3;
        }
        assertThat(PosEmb.bicubic(ramp, 1, 8, 8, 8, 8)).isEqualTo(ramp);
        // An impulse at (1, 1) of a 4 x 4 map, doubled: output (2, 2) samples the source at 0.75 in both axes, where
        // the impulse gets the weight cc1(0.25) = ((A + 2) 0.25 - (A + 3)) 0.25^2 + 1 = 0.87890625 (A = -0.75).
        float[] impulse = new float[16];
        impulse[5] = 1;
        float[] up = PosEmb.bicubic(impulse, 1, 4, 4, 8, 8);
        assertThat(up[2 * 8 + 2]).isEqualTo(0.87890625f * 0.87890625f);
        // At output (0, 0) the source coordinate is -0.25: taps -2, -1, 0, 1 clamp to 0, 0, 0, 1, so an impulse at
        // (0, 0) collects w0 + w1 + w2 = cc2(1.75) + cc1(0.75) + cc1(0.25) = 1.10546875 per axis.
        float[] corner = new float[16];
        corner[0] = 1;
        assertThat(PosEmb.bicubic(corner, 1, 4, 4, 8, 8)[0]).isEqualTo(1.10546875f * 1.10546875f);
    }
}
