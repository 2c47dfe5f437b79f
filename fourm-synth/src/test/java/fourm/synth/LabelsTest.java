package fourm.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class LabelsTest {
    private static final SynthSettings SETTINGS = TestSettings.with("resolution = 64, humans-probability = 0.5");
    private static final List<SynthSample> SAMPLES = IntStream.range(0, 12)
            .mapToObj(i -> SynthWorld.sample(SETTINGS, i)).toList();

    private static JsonObject obj(SynthSample s, SynthFile f) {
        return JsonParser.parseString(s.json(f)).getAsJsonObject();
    }

    @Test
    void everyDetectionBoxTightlyEnclosesItsInstancePixels() {
        int boxes = 0;
        for (SynthSample s : SAMPLES) {
            int w = s.width(), h = s.height();
            int[] seg = s.segments();
            byte[] sem = s.semseg();
            for (JsonElement e : obj(s, SynthFile.DET).getAsJsonArray("instances")) {
                JsonObject inst = e.getAsJsonObject();
                int id = inst.get("instance_id").getAsInt();
                JsonArray b = inst.getAsJsonArray("boxes");
                int xmin = Integer.MAX_VALUE, ymin = Integer.MAX_VALUE, xmax = -1, ymax = -1;
                for (int i = 0; i < seg.length; i++) {
                    if (seg[i] == id) {
                        xmin = Math.min(xmin, i % w);
                        xmax = Math.max(xmax, i % w);
                        ymin = Math.min(ymin, i / w);
                        ymax = Math.max(ymax, i / w);
                        assertThat(Classes.name(sem[i])).isEqualTo(inst.get("class_name").getAsString());
                    }
                }
                assertThat(xmax).as("instance %d of %s has pixels", id, s.key()).isGreaterThanOrEqualTo(0);
                assertThat(b.get(0).getAsDouble()).isCloseTo((double) xmin / w, within(1e-6));
                assertThat(b.get(1).getAsDouble()).isCloseTo((double) ymin / h, within(1e-6));
                assertThat(b.get(2).getAsDouble()).isCloseTo((double) (xmax + 1) / w, within(1e-6));
                assertThat(b.get(3).getAsDouble()).isCloseTo((double) (ymax + 1) / h, within(1e-6));
                assertThat(inst.get("score").getAsDouble()).isEqualTo(1.0);
                boxes++;
            }
        }
        assertThat(boxes).isGreaterThan(SAMPLES.size());
    }

    @Test
    void samInstancesCoverEverySegmentWithTightBoxesAndPolygonsOnTheBoundary() {
        for (SynthSample s : SAMPLES) {
            int w = s.width();
            int[] seg = s.segments();
            Set<Integer> present = new HashSet<>();
            for (int v : seg) {
                present.add(v);
            }
            JsonArray sam = JsonParser.parseString(s.json(SynthFile.SAM_INSTANCE)).getAsJsonArray();
            Set<Integer> listed = new HashSet<>();
            for (JsonElement e : sam) {
                JsonObject inst = e.getAsJsonObject();
                int id = inst.get("id").getAsInt();
                listed.add(id);
                JsonArray bbox = inst.getAsJsonArray("bbox"); // ymin, xmin, ymax, xmax, inclusive
                int area = 0;
                for (int i = 0; i < seg.length; i++) {
                    if (seg[i] == id) {
                        area++;
                        assertThat(i / w).isBetween(bbox.get(0).getAsInt(), bbox.get(2).getAsInt());
                        assertThat(i % w).isBetween(bbox.get(1).getAsInt(), bbox.get(3).getAsInt());
                    }
                }
                assertThat(inst.get("area").getAsInt()).isEqualTo(area);
                JsonArray points = inst.getAsJsonArray("points");
                assertThat(points).isNotEmpty();
                int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE;
                for (JsonElement p : points) {
                    int x = p.getAsJsonArray().get(0).getAsInt(), y = p.getAsJsonArray().get(1).getAsInt();
                    assertThat(seg[y * w + x]).as("polygon vertex %d,%d of segment %d", x, y, id).isEqualTo(id);
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                }
                assertThat(minY).isGreaterThanOrEqualTo(bbox.get(0).getAsInt());
                assertThat(minX).isGreaterThanOrEqualTo(bbox.get(1).getAsInt());
            }
            assertThat(listed).isEqualTo(present);
            assertThat(obj(s, SynthFile.METADATA).get("n_sam_instances").getAsInt()).isEqualTo(present.size());
        }
    }

    @Test
    void samEdgesAreTheSegmentBoundaries() {
        for (SynthSample s : SAMPLES) {
            int w = s.width(), h = s.height();
            int[] seg = s.segments();
            boolean[] e = s.samEdges();
            for (int i = 0; i < seg.length; i++) {
                int x = i % w, y = i / w;
                boolean boundary = (x + 1 < w && seg[i + 1] != seg[i]) || (y + 1 < h && seg[i + w] != seg[i]);
                assertThat(e[i]).isEqualTo(boundary);
            }
        }
    }

    @Test
    void metadataHasEveryTypeTheSceneDefinesWithConsistentValues() {
        for (SynthSample s : SAMPLES) {
            JsonObject m = obj(s, SynthFile.METADATA);
            assertThat(m.keySet()).containsExactly("original_width", "original_height", "caption_n_chars",
                    "caption_n_words", "caption_n_sentences", "n_humans", "n_sam_instances", "n_coco_instances",
                    "coco_instance_diversity", "colorfulness", "brightness", "contrast", "saturation", "entropy",
                    "walkability", "objectness", "semantic_diversity", "geometric_complexity", "occlusion_score",
                    "watermark_score");
            int n = s.width() * s.height();
            byte[] sem = s.semseg();
            int ground = 0, sky = 0;
            Set<Integer> classes = new HashSet<>();
            for (byte c : sem) {
                ground += c == Classes.GROUND ? 1 : 0;
                sky += c == Classes.SKY ? 1 : 0;
                classes.add((int) c);
            }
            assertThat(m.get("walkability").getAsDouble()).isCloseTo((double) ground / n, within(1e-6));
            assertThat(m.get("objectness").getAsDouble()).isCloseTo((double) (n - ground - sky) / n, within(1e-6));
            assertThat(m.get("semantic_diversity").getAsInt()).isEqualTo(classes.size());
            JsonArray det = obj(s, SynthFile.DET).getAsJsonArray("instances");
            assertThat(m.get("n_coco_instances").getAsInt()).isEqualTo(det.size());
            long persons = det.asList().stream()
                    .filter(d -> d.getAsJsonObject().get("class_name").getAsString().equals("person")).count();
            assertThat(m.get("n_humans").getAsInt()).isEqualTo((int) persons);
            assertThat(m.get("caption_n_chars").getAsInt()).isEqualTo(s.caption().length());
            assertThat(m.get("caption_n_words").getAsInt()).isEqualTo(s.caption().split(" ").length);
            assertThat(m.get("brightness").getAsDouble()).isBetween(0.0, 255.0);
            assertThat(m.get("contrast").getAsDouble()).isBetween(0.0, 127.5);
            assertThat(m.get("entropy").getAsDouble()).isBetween(0.0, 8.0);
            assertThat(m.get("geometric_complexity").getAsDouble()).isBetween(0.0, 1.0);
            assertThat(m.get("occlusion_score").getAsDouble()).isBetween(0.0, 1.0);
            assertThat(m.get("original_width").getAsInt()).isEqualTo(64);
        }
    }

    @Test
    void imageStatisticsMatchHandComputedValues() {
        // Two pixels: pure red and pure blue.
        byte[] rgb = {(byte) 255, 0, 0, 0, 0, (byte) 255};
        double[] gray = Canny.luma(rgb);
        assertThat(gray).containsExactly(0.299 * 255, 0.114 * 255);
        assertThat(ImageStats.brightness(gray)).isCloseTo((0.299 + 0.114) * 255 / 2, within(1e-9));
        assertThat(ImageStats.contrast(gray)).isCloseTo((0.299 - 0.114) * 255 / 2, within(1e-9));
        assertThat(ImageStats.saturation(rgb)).isEqualTo(255.0);
        assertThat(ImageStats.entropy(gray)).isCloseTo(1.0, within(1e-12));
        // rg = (255, 0), yb = (127.5, -255): sigma = sqrt(127.5^2 + 191.25^2), mu = sqrt(127.5^2 + 63.75^2).
        double expected = Math.hypot(127.5, 191.25) + 0.3 * Math.hypot(127.5, -63.75);
        assertThat(ImageStats.colorfulness(rgb)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void pngFilesDecodeToTheSampleMaps() throws IOException {
        SynthSample s = SAMPLES.get(0);
        int w = s.width(), h = s.height();
        BufferedImage rgb = ImageIO.read(new ByteArrayInputStream(s.encode(SynthFile.RGB)));
        byte[] pixels = s.rgb();
        for (int i = 0; i < w * h; i++) {
            int argb = rgb.getRGB(i % w, i / w);
            assertThat(argb & 0xffffff).isEqualTo((pixels[3 * i] & 0xff) << 16 | (pixels[3 * i + 1] & 0xff) << 8
                    | (pixels[3 * i + 2] & 0xff));
        }
        Raster depth = ImageIO.read(new ByteArrayInputStream(s.encode(SynthFile.DEPTH))).getRaster();
        assertThat(depth.getSampleModel().getSampleSize(0)).isEqualTo(16);
        float[] d = s.depth();
        for (int i = 0; i < w * h; i++) {
            assertThat((double) depth.getSample(i % w, i / w, 0)).isCloseTo(d[i] * 1000.0, within(0.5 + 1e-3));
        }
        Raster sem = ImageIO.read(new ByteArrayInputStream(s.encode(SynthFile.SEMSEG))).getRaster();
        Raster seg = ImageIO.read(new ByteArrayInputStream(s.encode(SynthFile.SAM_INSTANCE_MAP))).getRaster();
        Raster normal = ImageIO.read(new ByteArrayInputStream(s.encode(SynthFile.NORMAL))).getRaster();
        float[] n = s.normals();
        byte[] classes = s.semseg();
        int[] segments = s.segments();
        for (int i = 0; i < w * h; i++) {
            assertThat(sem.getSample(i % w, i / w, 0)).isEqualTo((int) classes[i]);
            assertThat(seg.getSample(i % w, i / w, 0)).isEqualTo(segments[i]);
            for (int c = 0; c < 3; c++) {
                double decoded = normal.getSample(i % w, i / w, c) / 255.0 * 2 - 1;
                assertThat(decoded).isCloseTo(n[3 * i + c], within(1.0 / 255 + 1e-6));
            }
        }
    }
}
