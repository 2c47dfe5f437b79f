package fourm.vq.diffusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.core.io.SafetensorsReader;
import fourm.core.io.CheckpointException;
import fourm.vq.Raster;
import fourm.vq.TokenGrid;
import fourm.vq.values.ImageValueKit;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DiVAE as a modality's tokenizer, on the fully random DiVAE made by the reference (its flat golden form): it is
 * recognised and described from its JSON, decodes batched and deterministically for a seed, saves in fourm's own
 * format and loads back to the same decodes.
 */
class DivaeTokenizerTest {
    @TempDir
    Path dir;

    private static Path model() throws URISyntaxException {
        return DivaeNonZeroGoldenTest.resource("divae_rgb_nonzero.safetensors");
    }

    private static List<TokenGrid> grids() throws IOException, URISyntaxException {
        long[] ids;
        try (SafetensorsReader r = SafetensorsReader.open(
                DivaeNonZeroGoldenTest.resource("divae_rgb_nonzero.io.safetensors"))) {
            ids = r.longs("tokens");
        }
        int[] a = new int[36];
        int[] b = new int[36];
        for (int i = 0; i < 36; i++) {
            a[i] = (int) ids[i];
            b[i] = (int) ids[36 + i];
        }
        int[] c = b.clone();
        c[0] = 63;
        return List.of(new TokenGrid(6, 6, a), new TokenGrid(6, 6, b), new TokenGrid(6, 6, c));
    }

    private static DivaeTokenizer tokenizer(Path file, int batch, long seed) throws IOException {
        DivaeModel m = DivaeCheckpoints.load(file, ImageValueKit.rgb(), Optional.empty());
        return new DivaeTokenizer("tok_rgb", m, 3, seed, batch, Optional.of(file.toString()), null);
    }

    private static double maxDiff(List<Raster> a, List<Raster> b) {
        assertThat(a).hasSameSizeAs(b);
        double d = 0;
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i).data();
            float[] y = b.get(i).data();
            assertThat(x).hasSameSizeAs(y);
            for (int k = 0; k < x.length; k++) {
                d = Math.max(d, Math.abs(x[k] - y[k]));
            }
        }
        return d;
    }

    @Test
    void theFlatGoldenFormIsRecognisedAndDescribed() throws Exception {
        assertThat(DivaeCheckpoints.isDivae(model())).isTrue();
        DivaeCheckpoints.Description d = DivaeCheckpoints.describe(model(), ImageValueKit.rgb());
        assertThat(d.encoder().vocabSize()).isEqualTo(64);
        assertThat(d.encoder().encoder().depth()).isEqualTo(1);
        assertThat(d.unet()).isEqualTo(DivaeGoldenTest.unetConfig());
        assertThat(d.scheduler()).isEqualTo(SchedulerConfig.releasedPredX0().withClipping(false, false));
        assertThat(DivaeCheckpoints.isDivae(model().resolveSibling("divae_rgb_nonzero.io.safetensors"))).isFalse();
    }

    @Test
    void decodingIsDeterministicForASeedAndIndependentOfTheBatchSize() throws Exception {
        List<Raster> one;
        List<Raster> again;
        List<Raster> batched;
        List<Raster> otherSeed;
        try (DivaeTokenizer t = tokenizer(model(), 1, 7)) {
            one = t.decode(grids());
            again = t.decode(grids());
            assertThat(t.info().type()).isEqualTo("divae");
        }
        try (DivaeTokenizer t = tokenizer(model(), 2, 7)) {
            batched = t.decode(grids());
        }
        try (DivaeTokenizer t = tokenizer(model(), 3, 8)) {
            otherSeed = t.decode(grids());
        }
        assertThat(one.get(0).channels()).isEqualTo(3);
        assertThat(one.get(0).height()).isEqualTo(48);
        assertThat(maxDiff(one, again)).isZero();
        assertThat(maxDiff(one, batched)).isLessThan(1e-5);
        assertThat(maxDiff(one, otherSeed)).as("another seed, other noise").isGreaterThan(1e-3);
        assertThat(maxDiff(List.of(one.get(1)), List.of(one.get(2)))).as("other tokens, other image")
                .isGreaterThan(1e-3);
    }

    @Test
    void aSavedDivaeLoadsBackInFourmsOwnFormat() throws Exception {
        Path saved = dir.resolve("divae.safetensors");
        List<Raster> before;
        try (DivaeTokenizer t = tokenizer(model(), 3, 7)) {
            before = t.decode(grids());
            DivaeCheckpoints.save(t.model(), saved, Map.of("step", "0"));
        }
        assertThat(DivaeCheckpoints.isDivae(saved)).isTrue();
        assertThat(DivaeCheckpoints.describe(saved, ImageValueKit.rgb()).unet())
                .isEqualTo(DivaeGoldenTest.unetConfig());
        try (DivaeTokenizer t = tokenizer(saved, 3, 7)) {
            assertThat(maxDiff(before, t.decode(grids()))).isZero();
        }
        assertThatThrownBy(() -> DivaeCheckpoints.describe(saved, ImageValueKit.depth()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("rgb");
    }

    @Test
    void aReferenceDirectoryWithoutWeightsIsAClearError() throws Exception {
        Path d = Files.createDirectory(dir.resolve("ref"));
        Files.writeString(d.resolve("config.json"), "{\"dec_type\": \"unet_patched\", \"image_size\": 224}");
        assertThat(DivaeCheckpoints.isDivae(d)).isTrue();
        assertThatThrownBy(() -> DivaeCheckpoints.describe(d, ImageValueKit.rgb()))
                .isInstanceOf(java.nio.file.NoSuchFileException.class).hasMessageContaining(d.toString())
                .hasMessageContaining("model.safetensors");
    }

    @Test
    void aReferenceDirectorysBadArgumentsAreAllNamedAtOnce() throws Exception {
        Path d = Files.createDirectory(dir.resolve("bad"));
        Files.writeString(d.resolve("config.json"), "{\"dec_type\": \"unet_small\", \"enc_type\": \"vit_x\","
                + " \"image_size\": \"48\", \"n_channels\": 3, \"latent_dim\": 16, \"patch_size\": 8,"
                + " \"scheduler\": \"euler\", \"thresholding\": \"yes\"}");
        Files.writeString(d.resolve("model.safetensors"), "unused");
        assertThatThrownBy(() -> DivaeCheckpoints.describe(d, ImageValueKit.rgb()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(d.resolve("config.json") + ": 6 problems in the tokenizer config")
                .hasMessageContaining("'image_size': expected an integer, got \"48\"")
                .hasMessageContaining("'codebook_size': expected an integer, but it is missing")
                .hasMessageContaining("'vit_tiny': expected an object (enc_type 'vit_x' is not a reference preset")
                .hasMessageContaining("'unet_tiny': expected an object (dec_type 'unet_small'")
                .hasMessageContaining("'scheduler': unknown scheduler 'euler'")
                .hasMessageContaining("'thresholding': expected true or false, got \"yes\"");
    }
}
