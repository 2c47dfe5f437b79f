package fourm.cli;

import static fourm.cli.Run.fourm;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DivaeBenchCommandTest {
    @Test
    void theBenchmarkRunsAtASmallSide() {
        Run r = fourm("bench", "divae", "--side", "32", "--warmup", "0", "--repeats", "1", "--steps", "2",
                "--rss-steps", "2");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("unet_patched (196.4M parameters), 32 px", "GEMM 2048^3",
                "UNet evaluation, batch 1:", "% of GEMM", "decode, batch 1, 2 steps:",
                "resident memory over a 2-step decode");
    }

    @Test
    void fewerStepDecodesAreMeasuredAgainstTheBaseDecode() {
        Run r = fourm("bench", "divae", "--side", "32", "--compare-steps", "2", "--compare-base", "4");
        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(r.out()).contains("DDPM 4 steps (the base)", "DDPM 2 steps vs DDPM 4: MSE ",
                "DDIM 2 steps vs DDPM 4: MSE ", " dB (values in [-1, 1])");
        // a decode against itself: no error, infinite PSNR
        Run same = fourm("bench", "divae", "--side", "32", "--compare-steps", "3", "--compare-base", "3");
        assertThat(same.out()).contains("DDPM 3 steps vs DDPM 3: MSE 0.00000, PSNR Infinity dB");
        Run bad = fourm("bench", "divae", "--compare-steps", "0");
        assertThat(bad.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(bad.err()).contains("--compare-steps and --compare-base must be in [1, 1000]");
        Run missing = fourm("bench", "divae", "--compare-steps", "2", "--compare-checkpoint", "/nonexistent.safetensors");
        assertThat(missing.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(missing.err()).contains("/nonexistent.safetensors: no such file or directory");
    }

    @Test
    void badSizesAreUserErrors() {
        Run r = fourm("bench", "divae", "--side", "40");
        assertThat(r.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(r.err()).contains("--side must be a positive multiple of 32");
        Run ref = fourm("bench", "divae", "--reference", "/nonexistent-ml4m");
        assertThat(ref.exit()).isEqualTo(Main.USER_ERROR);
        assertThat(ref.err()).contains("not an export of apple/ml-4m");
    }
}
