package fourm.synth;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Builds one {@link SynthSample}: draws the scene, renders it and derives every label from the maps. */
final class SampleFactory {
    static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private SampleFactory() {
    }

    static SynthSample build(SynthSettings s, int index, SplittableRandom rng) {
        Scene scene = SceneGenerator.generate(rng, s);
        SplittableRandom captionRng = rng.split();
        long paletteSeed = rng.nextLong();
        RenderMaps maps = Renderer.render(scene, s.supersampling());
        for (int round = 0; round <= scene.objects().size(); round++) {
            Set<Integer> hidden = new HashSet<>();
            for (int k = 0; k < maps.visible.length; k++) {
                if (maps.visible[k] < s.minVisiblePixels()) {
                    hidden.add(k);
                }
            }
            if (hidden.isEmpty()) {
                break;
            }
            scene = scene.without(hidden);
            maps = Renderer.render(scene, s.supersampling());
        }
        return label(s, index, scene, maps, captionRng, paletteSeed);
    }

    /** Segment statistics: pixel count and inclusive pixel bounds. */
    private static final class Extent {
        int area;
        int xmin = Integer.MAX_VALUE;
        int ymin = Integer.MAX_VALUE;
        int xmax = -1;
        int ymax = -1;
    }

    static SynthSample label(SynthSettings s, int index, Scene scene, RenderMaps maps, SplittableRandom captionRng,
            long paletteSeed) {
        int w = maps.width, h = maps.height, n = w * h;
        List<SceneObject> objects = scene.objects();
        Extent[] extents = new Extent[RenderMaps.SEGMENT_FIRST_OBJECT + objects.size()];
        for (int i = 0; i < extents.length; i++) {
            extents[i] = new Extent();
        }
        for (int i = 0; i < n; i++) {
            Extent e = extents[maps.segments[i]];
            int x = i % w, y = i / w;
            e.area++;
            e.xmin = Math.min(e.xmin, x);
            e.ymin = Math.min(e.ymin, y);
            e.xmax = Math.max(e.xmax, x);
            e.ymax = Math.max(e.ymax, y);
        }

        double[] gray = Canny.luma(maps.rgb);
        boolean[] canny = Canny.detect(gray, w, h, s.cannySigma(), s.cannyLow(), s.cannyHigh());
        boolean[] samEdges = segmentEdges(maps.segments, w, h);
        String caption = CaptionWriter.caption(scene, s.maxRelations(), captionRng);

        Map<SynthFile, String> json = new EnumMap<>(SynthFile.class);
        json.put(SynthFile.DET, GSON.toJson(det(objects, extents, w, h)));
        JsonArray sam = samInstances(maps, objects, extents, s.polygonTolerance());
        json.put(SynthFile.SAM_INSTANCE, GSON.toJson(sam));
        json.put(SynthFile.COLOR_PALETTE, GSON.toJson(palette(maps.rgb, paletteSeed)));
        json.put(SynthFile.HUMAN_POSES, GSON.toJson(humanPoses(scene, extents)));
        json.put(SynthFile.METADATA, GSON.toJson(metadata(maps, scene, gray, caption, sam.size())));
        json.put(SynthFile.SCENE, GSON.toJson(sceneGraph(scene, maps)));
        return new SynthSample(s.key(index), index, w, h, maps.rgb, maps.depth, maps.normals, maps.semantic,
                maps.segments, canny, samEdges, caption, json, scene.far());
    }

    /** A pixel is on a segment boundary when its right or lower neighbour belongs to another segment. */
    static boolean[] segmentEdges(int[] seg, int w, int h) {
        boolean[] e = new boolean[seg.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                e[i] = (x + 1 < w && seg[i + 1] != seg[i]) || (y + 1 < h && seg[i + w] != seg[i]);
            }
        }
        return e;
    }

    private static JsonObject det(List<SceneObject> objects, Extent[] extents, int w, int h) {
        JsonArray instances = new JsonArray();
        for (int k = 0; k < objects.size(); k++) {
            Extent e = extents[RenderMaps.SEGMENT_FIRST_OBJECT + k];
            if (e.area == 0) {
                continue;
            }
            JsonObject inst = new JsonObject();
            inst.add("boxes", array(r6((double) e.xmin / w), r6((double) e.ymin / h), r6((double) (e.xmax + 1) / w),
                    r6((double) (e.ymax + 1) / h)));
            inst.addProperty("class_name", Classes.name(objects.get(k).classId()));
            inst.addProperty("score", 1.0);
            inst.addProperty("instance_id", RenderMaps.SEGMENT_FIRST_OBJECT + k);
            instances.add(inst);
        }
        JsonObject det = new JsonObject();
        det.add("instances", instances);
        return det;
    }

    private static JsonArray samInstances(RenderMaps maps, List<SceneObject> objects, Extent[] extents,
            double tolerance) {
        JsonArray out = new JsonArray();
        for (int id = 0; id < extents.length; id++) {
            Extent e = extents[id];
            if (e.area == 0) {
                continue;
            }
            int cls = id == RenderMaps.SEGMENT_SKY ? Classes.SKY
                    : id == RenderMaps.SEGMENT_GROUND ? Classes.GROUND
                    : objects.get(id - RenderMaps.SEGMENT_FIRST_OBJECT).classId();
            JsonObject inst = new JsonObject();
            inst.addProperty("id", id);
            inst.addProperty("class_name", Classes.name(cls));
            inst.addProperty("area", e.area);
            inst.add("bbox", array(e.ymin, e.xmin, e.ymax, e.xmax));
            JsonArray points = new JsonArray();
            for (int[] p : Contours.polygon(maps.segments, maps.width, maps.height, id, tolerance)) {
                points.add(array(p[0], p[1]));
            }
            inst.add("points", points);
            out.add(inst);
        }
        return out;
    }

    private static JsonArray palette(byte[] rgb, long seed) {
        int[][][] palettes = PaletteKMeans.palettes(rgb, PaletteKMeans.MAX_K, seed);
        JsonObject byK = new JsonObject();
        for (int k = 1; k <= palettes.length; k++) {
            JsonArray colors = new JsonArray();
            for (int[] c : palettes[k - 1]) {
                colors.add(array(c[0], c[1], c[2]));
            }
            byK.add(Integer.toString(k), colors);
        }
        JsonArray out = new JsonArray();
        out.add(byK);
        return out;
    }

    private static JsonObject humanPoses(Scene scene, Extent[] extents) {
        Camera cam = scene.camera();
        JsonObject out = new JsonObject();
        JsonArray bboxes = new JsonArray(), orients = new JsonArray(), poses = new JsonArray(),
                betas = new JsonArray(), cams = new JsonArray(), joints3d = new JsonArray(),
                joints2d = new JsonArray(), ids = new JsonArray();
        List<SceneObject> objects = scene.objects();
        for (int k = 0; k < objects.size(); k++) {
            SceneObject o = objects.get(k);
            Extent e = extents[RenderMaps.SEGMENT_FIRST_OBJECT + k];
            if (!o.isHuman() || e.area == 0) {
                continue;
            }
            HumanFigure f = o.human();
            double x0 = e.xmin, y0 = e.ymin, x1 = e.xmax + 1, y1 = e.ymax + 1;
            bboxes.add(array(x0, y0, x1, y1));
            Mat3 global = cam.worldToCv().times(Mat3.rotY(o.yaw()));
            JsonArray g = new JsonArray();
            g.add(matrix(global));
            orients.add(g);
            JsonArray body = new JsonArray();
            for (int j = 1; j < HumanFigure.JOINTS; j++) {
                body.add(matrix(f.rotations[j]));
            }
            poses.add(body);
            JsonArray b = new JsonArray();
            for (double v : f.betas) {
                b.add(r6(v));
            }
            betas.add(b);
            Vec3 pelvis = cam.toCv(o.joints()[0]);
            double side = Math.max(x1 - x0, y1 - y0);
            double bx = (x0 + x1) / 2, by = (y0 + y1) / 2;
            double scale = 2 * cam.focal / (side * pelvis.z());
            double tx = pelvis.x() - (bx - cam.cx()) * pelvis.z() / cam.focal;
            double ty = pelvis.y() - (by - cam.cy()) * pelvis.z() / cam.focal;
            cams.add(array(r6(scale), r6(tx), r6(ty)));
            JsonArray j3 = new JsonArray(), j2 = new JsonArray();
            for (Vec3 jw : o.joints()) {
                Vec3 jc = cam.toCv(jw);
                j3.add(array(r6(jc.x()), r6(jc.y()), r6(jc.z())));
                double[] uv = cam.project(jw);
                j2.add(array(r6(uv[0]), r6(uv[1])));
            }
            joints3d.add(j3);
            joints2d.add(j2);
            ids.add(RenderMaps.SEGMENT_FIRST_OBJECT + k);
        }
        if (ids.isEmpty()) {
            return out;
        }
        out.add("bbox_xyxy", bboxes);
        JsonObject smpl = new JsonObject();
        smpl.add("global_orient", orients);
        smpl.add("body_pose", poses);
        smpl.add("betas", betas);
        out.add("pred_smpl_params", smpl);
        out.add("pred_cam", cams);
        out.add("smpl_joints_cam", joints3d);
        out.add("smpl_joints_2d", joints2d);
        out.add("instance_id", ids);
        return out;
    }

    private static JsonObject metadata(RenderMaps maps, Scene scene, double[] gray, String caption,
            int samInstances) {
        int n = maps.width * maps.height;
        List<SceneObject> objects = scene.objects();
        int humans = 0;
        Set<Integer> objectClasses = new HashSet<>();
        for (int k = 0; k < objects.size(); k++) {
            if (maps.visible[k] > 0) {
                objectClasses.add(objects.get(k).classId());
                if (objects.get(k).isHuman()) {
                    humans++;
                }
            }
        }
        int instances = 0;
        for (int v : maps.visible) {
            instances += v > 0 ? 1 : 0;
        }
        boolean[] present = new boolean[Classes.count()];
        int ground = 0, things = 0, surface = 0;
        double nx = 0, ny = 0, nz = 0;
        for (int i = 0; i < n; i++) {
            int c = maps.semantic[i];
            present[c] = true;
            if (c == Classes.GROUND) {
                ground++;
            } else if (c != Classes.SKY) {
                things++;
            }
            if (c != Classes.SKY) {
                surface++;
                nx += maps.normals[3 * i];
                ny += maps.normals[3 * i + 1];
                nz += maps.normals[3 * i + 2];
            }
        }
        int diversity = 0;
        for (boolean p : present) {
            diversity += p ? 1 : 0;
        }
        double complexity = surface == 0 ? 0 : 1 - Math.sqrt(nx * nx + ny * ny + nz * nz) / surface;
        long amodal = 0, visible = 0;
        for (int k = 0; k < objects.size(); k++) {
            amodal += maps.amodal[k];
            visible += maps.visible[k];
        }
        double occlusion = amodal == 0 ? 0 : (double) (amodal - visible) / amodal;
        String trimmed = caption.strip();
        int words = trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
        int sentences = 0;
        for (String part : trimmed.split("[.!?]+")) {
            sentences += part.isBlank() ? 0 : 1;
        }

        JsonObject m = new JsonObject();
        m.addProperty("original_width", maps.width);
        m.addProperty("original_height", maps.height);
        m.addProperty("caption_n_chars", caption.length());
        m.addProperty("caption_n_words", words);
        m.addProperty("caption_n_sentences", sentences);
        m.addProperty("n_humans", humans);
        m.addProperty("n_sam_instances", samInstances);
        m.addProperty("n_coco_instances", instances);
        m.addProperty("coco_instance_diversity", objectClasses.size());
        m.addProperty("colorfulness", r6(ImageStats.colorfulness(maps.rgb)));
        m.addProperty("brightness", r6(ImageStats.brightness(gray)));
        m.addProperty("contrast", r6(ImageStats.contrast(gray)));
        m.addProperty("saturation", r6(ImageStats.saturation(maps.rgb)));
        m.addProperty("entropy", r6(ImageStats.entropy(gray)));
        m.addProperty("walkability", r6((double) ground / n));
        m.addProperty("objectness", r6((double) things / n));
        m.addProperty("semantic_diversity", diversity);
        m.addProperty("geometric_complexity", r6(complexity));
        m.addProperty("occlusion_score", r6(occlusion));
        m.addProperty("watermark_score", 0.0);
        return m;
    }

    private static JsonObject sceneGraph(Scene scene, RenderMaps maps) {
        Camera cam = scene.camera();
        JsonObject c = new JsonObject();
        c.add("position", vec(cam.eye));
        c.add("look_at", vec(scene.target()));
        c.addProperty("elevation_degrees", r6(scene.elevationDeg()));
        c.addProperty("azimuth_degrees", r6(scene.azimuthDeg()));
        c.addProperty("distance", r6(scene.distance()));
        c.addProperty("fov_degrees", r6(cam.fovDegrees));
        c.addProperty("width", cam.width);
        c.addProperty("height", cam.height);
        c.add("intrinsics", array(r6(cam.focal), r6(cam.focal), r6(cam.cx()), r6(cam.cy())));
        c.add("world_to_camera_opencv", matrix(cam.worldToCv()));
        JsonObject root = new JsonObject();
        root.add("camera", c);
        root.add("to_sun", vec(scene.toSun()));
        root.addProperty("far", r6(scene.far()));
        JsonArray objs = new JsonArray();
        List<SceneObject> objects = scene.objects();
        for (int k = 0; k < objects.size(); k++) {
            SceneObject o = objects.get(k);
            JsonObject j = new JsonObject();
            j.addProperty("instance_id", RenderMaps.SEGMENT_FIRST_OBJECT + k);
            j.addProperty("class_name", Classes.name(o.classId()));
            j.addProperty("color", o.color().word());
            j.addProperty("material", o.material().word());
            if (o.size() != null) {
                j.addProperty("size", o.size().word());
                j.addProperty("half_extent", r6(o.size().half));
            }
            j.add("ground_position", vec(o.ground()));
            j.addProperty("yaw_degrees", r6(Math.toDegrees(o.yaw())));
            j.add("bound_center", vec(o.boundCenter()));
            j.addProperty("bound_radius", r6(o.boundRadius()));
            j.add("center_camera_opencv", vec(cam.toCv(o.boundCenter())));
            j.addProperty("visible_pixels", maps.visible[k]);
            j.addProperty("amodal_pixels", maps.amodal[k]);
            objs.add(j);
        }
        root.add("objects", objs);
        JsonArray names = new JsonArray();
        for (Classes.SemanticClass sc : Classes.all()) {
            names.add(sc.name());
        }
        root.add("classes", names);
        return root;
    }

    static double r6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static JsonArray vec(Vec3 v) {
        return array(r6(v.x()), r6(v.y()), r6(v.z()));
    }

    private static JsonArray matrix(Mat3 m) {
        JsonArray rows = new JsonArray();
        for (double[] row : m.toRows()) {
            rows.add(array(r6(row[0]), r6(row[1]), r6(row[2])));
        }
        return rows;
    }

    private static JsonArray array(double... values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    private static JsonArray array(int... values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }
}
