package fourm.demo;

import fourm.api.image.BitmapFont;
import fourm.api.image.Canvas;

import static org.assertj.core.api.Assertions.assertThat;

import fourm.vq.Raster;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The PNG grid: it decodes, has the documented layout, and shows the maps where they belong. */
class GridsTest {

    @Test
    void aGridOfTheTruthDecodesAndShowsTheMapsInTheirCells() throws Exception {
        DemoSettings s = WorldAndTextTest.settings("fourm.demo { train-scenes = 1 }");
        SceneData d = World.scenes(s, World.Split.HELDOUT, 1, DemoProgress.NONE).get(0);
        // "predictions" made from the truth: the grid must show them as it shows the truth
        Raster depth = WorldMap.DEPTH.raster(d);
        Raster normal = WorldMap.NORMAL.raster(d);
        Raster semseg = WorldMap.SEMSEG.raster(d);
        Raster rgb = WorldMap.RGB.raster(d);
        Grids.Example e = new Grids.Example(d, new DemoModel.RgbPrediction(depth, normal, semseg, d.caption(), d.det()),
                rgb, rgb);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Grids.png(e)));
        int size = d.size() * Grids.SCALE;
        int gap = 6;
        int label = BitmapFont.HEIGHT + 3;
        assertThat(img.getWidth()).isEqualTo(gap + 5 * (size + gap));
        int row0 = gap + label;
        int row1 = row0 + size + gap + label;
        // the semseg cell of row 0 (prediction) and row 1 (truth) are the same picture, in the class palette
        int x = gap + 3 * (size + gap);
        for (int j = 0; j < size; j += 7) {
            for (int i = 0; i < size; i += 7) {
                assertThat(img.getRGB(x + i, row0 + j)).isEqualTo(img.getRGB(x + i, row1 + j));
            }
        }
        int cls = d.semseg()[0];
        assertThat(img.getRGB(x, row1) & 0xffffff).isEqualTo(Colormaps.CLASS_COLORS[cls]);
        // the RGB cell holds the scene's first pixel
        byte[] px = d.rgb();
        int expected = (px[0] & 0xff) << 16 | (px[1] & 0xff) << 8 | (px[2] & 0xff);
        assertThat(img.getRGB(gap, row0) & 0xffffff).isEqualTo(expected);
    }

    @Test
    void textWrapsAtWords() {
        assertThat(Canvas.wrap("a photo of two red cubes", 10)).containsExactly("a photo of", "two red", "cubes");
        assertThat(Canvas.wrap("abcdefghijkl", 5)).containsExactly("abcde", "fghij", "kl");
        assertThat(Canvas.wrap("", 5)).isEmpty();
        assertThat(List.of(BitmapFont.ink('A', 3, 2), BitmapFont.ink(' ', 3, 5))).containsExactly(true, false);
    }
}
