package fourm.vq.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import fourm.vq.Params;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PatchedUNetTest {
    /** A small UNet of the released shape: three levels, attention at rates 2 and 4, 2 heads. */
    static UNetConfig small() {
        return new UNetConfig(32, 3, 3, 8, 4, 32, 1, List.of(2, 4), List.of(1, 2, 2), 2, -1);
    }

    @Test
    void theReleasedLayoutHasTheReferenceKeysAndShapes() {
        Map<String, long[]> shapes = PatchedUNet.layout(UNetConfig.unetPatched(224, 3, 32)).stream()
                .collect(Collectors.toMap(Params.Spec::name, Params.Spec::shape));
        assertThat(shapes.get("decoder.input_blocks.0.0.weight")).containsExactly(256, 3 * 16 + 32, 3, 3);
        assertThat(shapes.get("decoder.time_embed.0.weight")).containsExactly(1024, 256);
        assertThat(shapes.get("decoder.input_blocks.4.0.op.weight")).containsExactly(256, 256, 3, 3);
        assertThat(shapes.get("decoder.input_blocks.5.0.skip_connection.weight")).containsExactly(512, 256, 1, 1);
        assertThat(shapes).doesNotContainKey("decoder.input_blocks.8.1.qkv.weight");
        assertThat(shapes.get("decoder.input_blocks.9.1.qkv.weight")).containsExactly(1536, 512, 1);
        assertThat(shapes.get("decoder.input_blocks.15.1.proj_out.weight")).containsExactly(512, 512, 1);
        assertThat(shapes).doesNotContainKey("decoder.input_blocks.16.0.op.weight");
        assertThat(shapes.get("decoder.middle_block.1.qkv.weight")).containsExactly(1536, 512, 1);
        assertThat(shapes.get("decoder.output_blocks.0.0.in_layers.0.weight")).containsExactly(1024);
        assertThat(shapes.get("decoder.output_blocks.3.2.conv.weight")).containsExactly(512, 512, 3, 3);
        assertThat(shapes.get("decoder.output_blocks.9.0.in_layers.2.weight")).containsExactly(512, 1024, 3, 3);
        assertThat(shapes.get("decoder.output_blocks.11.0.skip_connection.weight")).containsExactly(512, 768, 1, 1);
        assertThat(shapes.get("decoder.output_blocks.11.1.conv.weight")).containsExactly(512, 512, 3, 3);
        assertThat(shapes.get("decoder.output_blocks.12.0.in_layers.2.weight")).containsExactly(256, 768, 3, 3);
        assertThat(shapes.get("decoder.output_blocks.15.0.skip_connection.weight")).containsExactly(256, 512, 1, 1);
        assertThat(shapes).doesNotContainKey("decoder.output_blocks.16.0.in_layers.0.weight");
        assertThat(shapes.get("decoder.out.2.weight")).containsExactly(48, 256, 3, 3);
    }

    @Test
    void theReferenceInitialisationZeroesTheOutputAndRandomWeightsDoNot() {
        try (PatchedUNet ref = PatchedUNet.create(small(), 3); PatchedUNet rnd = PatchedUNet.create(small(), 3, false);
             NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            NDArray cond = m.randomNormal(new Shape(2, 8, 4, 4));
            assertThat(ref.forward(m, x, new float[] {10}, cond).abs().max().getFloat()).isZero();
            NDArray out = rnd.forward(m, x, new float[] {10, 700}, cond);
            assertThat(out.getShape()).isEqualTo(new Shape(2, 3, 32, 32));
            assertThat(out.abs().max().getFloat()).isGreaterThan(0.01f);
            // the timestep, the conditioning and the sample each change the output
            assertThat(out.sub(rnd.forward(m, x, new float[] {11, 700}, cond)).abs().max().getFloat())
                    .isGreaterThan(1e-6f);
            assertThat(out.sub(rnd.forward(m, x, new float[] {10, 700}, cond.mul(2))).abs().max().getFloat())
                    .isGreaterThan(1e-6f);
            assertThat(out.sub(rnd.forward(m, x.mul(2), new float[] {10, 700}, cond)).abs().max().getFloat())
                    .isGreaterThan(1e-6f);
        }
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        try (PatchedUNet a = PatchedUNet.create(small(), 5, false); PatchedUNet b = PatchedUNet.create(small(), 5, false);
             PatchedUNet c = PatchedUNet.create(small(), 6, false)) {
            String key = "decoder.input_blocks.1.0.in_layers.2.weight";
            assertThat(a.tensor(key).toFloatArray()).isEqualTo(b.tensor(key).toFloatArray());
            assertThat(a.tensor(key).toFloatArray()).isNotEqualTo(c.tensor(key).toFloatArray());
        }
    }

    @Test
    void nearestUpsamplingIsPyTorchs() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(0f, 6f).reshape(1, 1, 2, 3);
            // 2 -> 5 rows: floor(i * 0.4) = 0 0 0 1 1; 3 -> 4 columns: floor(i * 0.75) = 0 0 1 2
            assertThat(PatchedUNet.nearest(m, x, 5, 4).toFloatArray()).containsExactly(
                    0, 0, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 3, 3, 4, 5, 3, 3, 4, 5);
            assertThat(PatchedUNet.nearest(m, x, 4, 6).reshape(4, 6).get(3).toFloatArray())
                    .containsExactly(3, 3, 4, 4, 5, 5);
        }
    }

    @Test
    void badShapesAreRefused() {
        try (PatchedUNet u = PatchedUNet.create(small(), 1); NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> u.forward(m, m.zeros(new Shape(1, 3, 30, 32)), new float[] {1},
                    m.zeros(new Shape(1, 8, 4, 4)))).hasMessageContaining("multiples of 4");
            assertThatThrownBy(() -> u.forward(m, m.zeros(new Shape(1, 3, 32, 32)), new float[] {1},
                    m.zeros(new Shape(1, 7, 4, 4)))).hasMessageContaining("[1, 8, h, w]");
            assertThatThrownBy(() -> u.forward(m, m.zeros(new Shape(1, 3, 36, 32)), new float[] {1},
                    m.zeros(new Shape(1, 8, 4, 4)))).hasMessageContaining("multiples of 16");
            assertThatThrownBy(() -> u.forward(m, m.zeros(new Shape(2, 3, 32, 32)), new float[] {1, 2, 3},
                    m.zeros(new Shape(2, 8, 4, 4)))).hasMessageContaining("one per sample (2)");
        }
        assertThatThrownBy(() -> new UNetConfig(32, 3, 3, 8, 4, 24, 1, List.of(), List.of(1), 1, -1))
                .hasMessageContaining("multiple of 32");
    }

    @Test
    void aSeededDecodeIsDeterministicAndFreesItsSteps() {
        try (PatchedUNet u = PatchedUNet.create(small(), 2, false); NDManager m = NDManager.newBaseManager()) {
            DiffusionDecoder d = new DiffusionDecoder(u, new DiffusionScheduler(SchedulerConfig.releasedPredX0()
                    .withKind(SchedulerConfig.Kind.DDIM)));
            NDArray cond = m.randomNormal(new Shape(2, 8, 8, 8));
            float[] a;
            float[] b;
            float[] c;
            try (NDManager dm = m.newSubManager()) {
                a = d.decode(dm, cond, 4, 32, GaussianNoise.seeded(7), null).toFloatArray();
            }
            try (NDManager dm = m.newSubManager()) {
                NDArray out = d.decode(dm, cond, 4, 32, GaussianNoise.seeded(7), null);
                b = out.toFloatArray();
                // what survives a decode in its manager: the conditioning view is gone, only the result is left
                assertThat(dm.getManagedArrays()).containsExactly(out);
            }
            try (NDManager dm = m.newSubManager()) {
                c = d.decode(dm, cond, 4, 32, GaussianNoise.seeded(8), null).toFloatArray();
            }
            assertThat(a).isEqualTo(b).isNotEqualTo(c);
            for (float v : a) {
                assertThat(v).isBetween(-1f, 1f);
            }
        }
    }

    @Test
    void theInferencePathIsTheForwardPassAndFreesWhatItPacked() {
        try (PatchedUNet u = PatchedUNet.create(small(), 4, false); NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            NDArray cond = m.randomNormal(new Shape(2, 8, 4, 4));
            float[] want = u.forward(m, x, new float[] {10, 700}, cond).toFloatArray();
            int before = u.weights().manager().getManagedArrays().size();
            try (PatchedUNet.Inference inf = u.inference()) {
                // the build machines run DJL's PyTorch engine on x86-64, whose libtorch has oneDNN
                assertThat(inf.packed()).isTrue();
                for (int pass = 0; pass < 2; pass++) {
                    try (NDManager sm = m.newSubManager()) {
                        float[] got = inf.forward(sm, x, new float[] {10, 700}, cond).toFloatArray();
                        float worst = 0;
                        for (int i = 0; i < want.length; i++) {
                            worst = Math.max(worst, Math.abs(got[i] - want[i]));
                        }
                        assertThat(worst).isLessThan(1e-5f);
                        assertThat(got).isNotEqualTo(new float[got.length]);
                    }
                }
            }
            assertThat(u.weights().manager().getManagedArrays()).hasSize(before);
        }
    }
}
