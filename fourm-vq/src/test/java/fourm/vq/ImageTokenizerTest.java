package fourm.vq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.vq.testing.TestScenes;
import fourm.vq.testing.TinyConfigs;
import fourm.vq.values.ImageValueKit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageTokenizerTest {
    static List<Raster> rgbImages(int n) {
        return TestScenes.make(n, 32, 3).stream().map(TestScenes.Scene::rgb).toList();
    }

    static List<Float> floats(Raster r) {
        List<Float> out = new ArrayList<>();
        for (float v : r.data()) {
            out.add(v);
        }
        return out;
    }

    @Test
    void encodingAndDecodingABatchIsDeterministic() {
        try (VqModel model = VqModel.create(TinyConfigs.rgb(), 1)) {
            ImageTokenizer tok = ImageTokenizer.of(model);
            List<Raster> images = rgbImages(5);
            List<TokenGrid> a = tok.encode(images);
            List<TokenGrid> b = tok.encode(images);
            assertThat(a).isEqualTo(b);
            assertThat(a).allSatisfy(g -> {
                assertThat(g.rows()).isEqualTo(4);
                assertThat(g.cols()).isEqualTo(4);
                assertThat(java.util.Arrays.stream(g.tokens()).boxed().toList()).allSatisfy(t -> assertThat(t).isBetween(0, 31));
            });
            List<Raster> da = tok.decode(a);
            List<Raster> db = tok.decode(a);
            assertThat(da).isEqualTo(db);
            assertThat(da.get(0).channels()).isEqualTo(3);
            assertThat(da.get(0).height()).isEqualTo(32);
            assertThat(floats(da.get(0))).allSatisfy(v -> assertThat(v).isBetween(0f, 1f));
        }
    }

    @Test
    void batchingDoesNotChangeTheTokens() {
        try (VqModel model = VqModel.create(TinyConfigs.rgb(), 1)) {
            List<Raster> images = rgbImages(5);
            List<TokenGrid> whole = ImageTokenizer.of(model).encode(images);
            List<TokenGrid> inTwos = ImageTokenizer.of(model).withBatchSize(2).encode(images);
            List<TokenGrid> single = new ArrayList<>();
            for (Raster r : images) {
                single.add(ImageTokenizer.of(model).encode(r));
            }
            assertThat(inTwos).isEqualTo(whole);
            assertThat(single).isEqualTo(whole);
        }
    }

    @Test
    void semsegTakesClassIdsAndGivesClassIdsBack() {
        try (VqModel model = VqModel.create(TinyConfigs.semseg(), 2)) {
            ImageTokenizer tok = ImageTokenizer.of(model);
            Raster labels = TestScenes.make(1, 32, 4).get(0).semseg();
            Raster back = tok.reconstruct(List.of(labels)).get(0);
            assertThat(back.channels()).isEqualTo(1);
            assertThat(floats(back)).allSatisfy(v -> assertThat(v == 255f || (v >= 0 && v < TestScenes.CLASSES)).isTrue());
            float[] withIgnore = labels.data();
            withIgnore[0] = 255f;
            assertThat(tok.encode(new Raster(1, 32, 32, withIgnore)).size()).isEqualTo(16);
        }
    }

    @Test
    void memcodesGivesOneTokenPerHead() {
        try (VqModel model = VqModel.create(TinyConfigs.global(32), 3)) {
            ImageTokenizer tok = ImageTokenizer.of(model);
            float[] v = new float[32];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) Math.sin(i);
            }
            TokenGrid g = tok.encode(Raster.vector(v));
            assertThat(g.rows()).isEqualTo(1);
            assertThat(g.cols()).isEqualTo(4);
            Raster out = tok.decode(g);
            assertThat(out.shapeString()).isEqualTo("32 x 1 x 1");
            assertThat(tok.decode(g)).isEqualTo(out);
            assertThatThrownBy(() -> tok.decode(new TokenGrid(2, 2, new int[4])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 x 4");
        }
    }

    @Test
    void otherResolutionsUseResizedPositions() {
        try (VqModel model = VqModel.create(TinyConfigs.rgb(), 1)) {
            ImageTokenizer tok = ImageTokenizer.of(model);
            Raster big = TestScenes.make(1, 48, 5).get(0).rgb();
            TokenGrid g = tok.encode(big);
            assertThat(g.rows()).isEqualTo(6);
            assertThat(tok.decode(g).height()).isEqualTo(48);
        }
    }

    @Test
    void badInputsAreRefusedWithTheReason() {
        try (VqModel model = VqModel.create(TinyConfigs.rgb(), 1)) {
            ImageTokenizer tok = ImageTokenizer.of(model);
            Raster gray = new Raster(1, 32, 32, new float[32 * 32]);
            assertThatThrownBy(() -> tok.encode(List.of(rgbImages(1).get(0), gray)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("image 1").hasMessageContaining("1 channel").hasMessageContaining("expects 3");
            assertThatThrownBy(() -> tok.encode(new Raster(3, 30, 30, new float[3 * 30 * 30])))
                    .hasMessageContaining("size 30 x 30").hasMessageContaining("patch size 8");
            float[] bytes = rgbImages(1).get(0).data();
            bytes[7] = 200f;
            assertThatThrownBy(() -> tok.encode(new Raster(3, 32, 32, bytes)))
                    .hasMessageContaining("outside [0, 1]").hasMessageContaining("divide 8-bit pixels by 255");
            float[] nan = rgbImages(1).get(0).data();
            nan[32 * 32 + 5] = Float.NaN;
            assertThatThrownBy(() -> tok.encode(new Raster(3, 32, 32, nan)))
                    .hasMessageContaining("NaN").hasMessageContaining("channel 1, row 0, column 5");
            assertThatThrownBy(() -> tok.encode(List.of(rgbImages(1).get(0), TestScenes.make(1, 40, 1).get(0).rgb())))
                    .hasMessageContaining("must share a size");
            assertThatThrownBy(() -> tok.decode(new TokenGrid(4, 4, new int[] {0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 0, 0,
                0, 0, 0, 0}))).hasMessageContaining("id 99 at position 7").hasMessageContaining("[0, 32)");
        }
        try (VqModel model = VqModel.create(TinyConfigs.semseg(), 1)) {
            float[] ids = new float[32 * 32];
            ids[3] = 2.5f;
            assertThatThrownBy(() -> ImageTokenizer.of(model).encode(new Raster(1, 32, 32, ids)))
                    .hasMessageContaining("not a class id");
            ids[3] = 4f;
            assertThatThrownBy(() -> ImageTokenizer.of(model).encode(new Raster(1, 32, 32, ids)))
                    .hasMessageContaining("0..3 or the ignore id 255");
        }
    }

    @Test
    void theModalityAdapterRequiresTheExactSize() {
        try (VqModel model = VqModel.create(TinyConfigs.rgb(), 1)) {
            ModalityImageTokenizer m = ModalityImageTokenizer.of("tok_rgb@32", ImageTokenizer.of(model));
            int[] ids = m.encode(rgbImages(1).get(0));
            assertThat(ids).hasSize(16);
            assertThat(m.decode(ids).height()).isEqualTo(32);
            assertThatThrownBy(() -> m.encode(TestScenes.make(1, 48, 1).get(0).rgb()))
                    .hasMessageStartingWith("tok_rgb@32").hasMessageContaining("expects 32 x 32");
            assertThatThrownBy(() -> m.decode(new int[3])).hasMessageContaining("3 tokens, expected 16");
        }
    }

    @Test
    void theKitNamesItsValuesAsCheckpointsRecordThem() {
        for (ImageValues v : ImageValueKit.all()) {
            assertThat(ImageValueKit.byName(v.name())).isSameAs(v);
        }
        assertThat(ImageValueKit.rgb().name()).isEqualTo("rgb");
        assertThat(ImageValueKit.globalEmbedding().global()).isTrue();
        assertThat(ImageValueKit.featureMap().patches()).isFalse();
        assertThat(ImageValueKit.semseg().classLabels()).isTrue();
        assertThatThrownBy(() -> ImageValueKit.byName("caption"))
                .hasMessageContaining("unknown image values 'caption'").hasMessageContaining("global-embedding");
    }
}
