package fourm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.core.io.SafetensorsDType;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Float16 storage of the shipped weights: rounding, range, and what the reader gets back. */
class HalfPrecisionTest {

    @Test
    void roundsToTheNearestHalfAndTheReaderWidensItBack(@TempDir Path dir) throws IOException {
        float[] v = {1f, -2.5f, 0.1f, 65504f, 1e-8f, 3e-8f, 6.1e-5f, 0f, 1f / 3};
        Path in = dir.resolve("a.safetensors");
        new SafetensorsWriter().putMetadata("k", "v").addFloats("w", new long[] {3, 3}, v)
                .addLongs("step", new long[] {1}, new long[] {42}).write(in);
        Path out = dir.resolve("b.safetensors");
        HalfPrecision.compact(in, out);
        try (SafetensorsReader r = SafetensorsReader.open(out)) {
            assertThat(r.info("w").dtype()).isEqualTo(SafetensorsDType.F16);
            assertThat(r.metadata()).containsEntry("k", "v");
            assertThat(r.longs("step")).containsExactly(42);
            float[] back = r.floats("w");
            assertThat(back[0]).isEqualTo(1f);
            assertThat(back[1]).isEqualTo(-2.5f);
            assertThat(back[2]).isEqualTo(0.0999755859375f); // the float16 nearest to 0.1
            assertThat(back[3]).isEqualTo(65504f);
            assertThat(back[4]).isEqualTo(0f); // below half the smallest subnormal
            assertThat(back[5]).isEqualTo((float) Math.scalb(1.0, -24)); // the smallest subnormal
            assertThat(back[7]).isEqualTo(0f);
            for (int i = 0; i < v.length; i++) {
                assertThat(Math.abs(back[i] - v[i])).isLessThanOrEqualTo(Math.max(Math.abs(v[i]) / 2048, 3e-8f));
            }
        }
        assertThat(Files.size(out)).isLessThan(Files.size(in));
    }

    @Test
    void tiesGoToEven() {
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: to 1 (even); 1 + 3 * 2^-11 goes up to 1 + 2^-9
        assertThat(HalfPrecision.toHalf(1f + (float) Math.scalb(1.0, -11))).isEqualTo(0x3c00);
        assertThat(HalfPrecision.toHalf(1f + 3 * (float) Math.scalb(1.0, -11))).isEqualTo(0x3c02);
        assertThat(HalfPrecision.toHalf(Float.POSITIVE_INFINITY)).isEqualTo(0x7c00);
        assertThat(HalfPrecision.toHalf(-0f)).isEqualTo(0x8000);
    }

    @Test
    void valuesOutsideTheRangeAreRefused(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("a.safetensors");
        new SafetensorsWriter().addFloats("big", new long[] {2}, new float[] {1, 70000}).write(in);
        assertThatThrownBy(() -> HalfPrecision.compact(in, dir.resolve("b.safetensors")))
                .isInstanceOf(IOException.class).hasMessageContaining("big").hasMessageContaining("70000");
    }
}
