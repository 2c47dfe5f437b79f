package fourm.synth;

import java.util.List;

/**
 * Renders a {@link Scene} by ray casting: one ray through each pixel centre gives the exact maps (depth, normals,
 * semantic class, segment id and, testing each object on its own, the amodal masks); {@code supersampling^2} rays
 * per pixel give the anti-aliased RGB (just the centre ray when supersampling is 1).
 *
 * <p>Shading, in linear RGB: a sun (Lambert diffuse, hard shadows from a shadow ray) plus a sky ambient term that is
 * stronger on surfaces facing up; shiny materials add a Blinn-Phong highlight; the ground fades to the horizon colour
 * towards the far plane; the sky is a vertical gradient. The result is gamma encoded with the sRGB curve to 8 bits.
 */
final class Renderer {
    static final Vec3 GROUND_ALBEDO = NamedColor.srgbToLinear(165, 155, 135);
    private static final Vec3 SUN = new Vec3(1.10, 1.06, 0.98);
    private static final Vec3 AMBIENT = new Vec3(0.20, 0.23, 0.28);
    private static final Vec3 HORIZON = NamedColor.srgbToLinear(205, 218, 235);
    private static final Vec3 ZENITH = NamedColor.srgbToLinear(80, 130, 205);
    private static final double EPS = 1e-6;

    private final Scene scene;
    private final List<SceneObject> objects;
    private final Camera cam;

    private Renderer(Scene scene) {
        this.scene = scene;
        this.objects = scene.objects();
        this.cam = scene.camera();
    }

    /** What a ray met first. */
    private static final class Hit {
        /** Object index, or {@link #GROUND}, or {@link #SKY}. */
        int object;
        int part;
        double t;
        static final int GROUND = -1;
        static final int SKY = -2;
    }

    static RenderMaps render(Scene scene, int supersampling) {
        return new Renderer(scene).run(supersampling);
    }

    private RenderMaps run(int ss) {
        int w = cam.width, h = cam.height;
        RenderMaps maps = new RenderMaps(w, h, objects.size());
        boolean[] alone = new boolean[objects.size()];
        Hit hit = new Hit();
        Vec3 groundNormalCam = cam.toGlFrame(Vec3.UP);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                Vec3 d = cam.ray(x + 0.5, y + 0.5);
                java.util.Arrays.fill(alone, false);
                trace(cam.eye, d, hit, alone);
                for (int k = 0; k < alone.length; k++) {
                    if (alone[k]) {
                        maps.amodal[k]++;
                    }
                }
                Vec3 centreColor;
                if (hit.object == Hit.SKY) {
                    maps.depth[i] = (float) scene.far();
                    maps.semantic[i] = Classes.SKY;
                    maps.segments[i] = RenderMaps.SEGMENT_SKY;
                    centreColor = sky(d);
                } else {
                    Vec3 p = cam.eye.plusScaled(d, hit.t);
                    Vec3 n;
                    if (hit.object == Hit.GROUND) {
                        n = Vec3.UP;
                        maps.semantic[i] = Classes.GROUND;
                        maps.segments[i] = RenderMaps.SEGMENT_GROUND;
                        maps.putNormal(i, groundNormalCam);
                    } else {
                        SceneObject o = objects.get(hit.object);
                        n = o.parts().get(hit.part).solid().normalAt(p);
                        maps.semantic[i] = (byte) o.classId();
                        maps.segments[i] = RenderMaps.SEGMENT_FIRST_OBJECT + hit.object;
                        maps.visible[hit.object]++;
                        maps.putNormal(i, cam.toGlFrame(n));
                    }
                    maps.depth[i] = (float) (hit.t * d.dot(cam.forward));
                    centreColor = shade(hit, p, n, d);
                }
                Vec3 color;
                if (ss == 1) {
                    color = centreColor;
                } else {
                    Vec3 sum = Vec3.ZERO;
                    for (int sy = 0; sy < ss; sy++) {
                        for (int sx = 0; sx < ss; sx++) {
                            Vec3 ds = cam.ray(x + (sx + 0.5) / ss, y + (sy + 0.5) / ss);
                            trace(cam.eye, ds, hit, null);
                            sum = sum.plus(colorOf(hit, ds));
                        }
                    }
                    color = sum.times(1.0 / (ss * ss));
                }
                maps.rgb[3 * i] = toByte(color.x());
                maps.rgb[3 * i + 1] = toByte(color.y());
                maps.rgb[3 * i + 2] = toByte(color.z());
            }
        }
        return maps;
    }

    private static byte toByte(double linear) {
        return (byte) (int) Math.round(NamedColor.toSrgb(linear) * 255);
    }

    private Vec3 colorOf(Hit hit, Vec3 d) {
        if (hit.object == Hit.SKY) {
            return sky(d);
        }
        Vec3 p = cam.eye.plusScaled(d, hit.t);
        Vec3 n = hit.object == Hit.GROUND ? Vec3.UP
                : objects.get(hit.object).parts().get(hit.part).solid().normalAt(p);
        return shade(hit, p, n, d);
    }

    /**
     * Finds the first surface along the ray. When {@code alone} is not null, {@code alone[k]} is set for every object
     * the ray meets at all (whether or not something else is in front): the object's amodal mask.
     */
    private void trace(Vec3 o, Vec3 d, Hit hit, boolean[] alone) {
        double best = Primitive.MISS;
        int bestObject = Hit.SKY;
        int bestPart = -1;
        for (int k = 0; k < objects.size(); k++) {
            SceneObject obj = objects.get(k);
            if (!hitsBound(o, d, obj.boundCenter(), obj.boundRadius())) {
                continue;
            }
            List<Part> parts = obj.parts();
            double objectBest = Primitive.MISS;
            int objectPart = -1;
            for (int p = 0; p < parts.size(); p++) {
                Primitive s = parts.get(p).solid();
                if (parts.size() > 1 && !hitsBound(o, d, s.boundCenter(), s.boundRadius())) {
                    continue;
                }
                double t = s.hit(o, d, EPS);
                if (t < objectBest) {
                    objectBest = t;
                    objectPart = p;
                }
            }
            if (objectPart >= 0) {
                if (alone != null) {
                    alone[k] = true;
                }
                if (objectBest < best) {
                    best = objectBest;
                    bestObject = k;
                    bestPart = objectPart;
                }
            }
        }
        if (d.y() < -1e-12) {
            double tg = -o.y() / d.y();
            if (tg > EPS && tg < best) {
                best = tg;
                bestObject = Hit.GROUND;
            }
        }
        if (bestObject != Hit.SKY && best * d.dot(cam.forward) > scene.far()) {
            bestObject = Hit.SKY;
        }
        hit.object = bestObject;
        hit.part = bestPart;
        hit.t = best;
    }

    private static boolean hitsBound(Vec3 o, Vec3 d, Vec3 c, double r) {
        double ox = o.x() - c.x(), oy = o.y() - c.y(), oz = o.z() - c.z();
        double b = ox * d.x() + oy * d.y() + oz * d.z();
        double cc = ox * ox + oy * oy + oz * oz - r * r;
        if (cc > 0 && b > 0) {
            return false;
        }
        return b * b - cc >= 0;
    }

    /** True when something blocks the sun from {@code p}. */
    private boolean shadowed(Vec3 p) {
        Vec3 l = scene.toSun();
        for (SceneObject obj : objects) {
            if (!hitsBound(p, l, obj.boundCenter(), obj.boundRadius())) {
                continue;
            }
            for (Part part : obj.parts()) {
                Primitive s = part.solid();
                if (obj.parts().size() > 1 && !hitsBound(p, l, s.boundCenter(), s.boundRadius())) {
                    continue;
                }
                if (s.hit(p, l, EPS) < Primitive.MISS) {
                    return true;
                }
            }
        }
        return false;
    }

    private Vec3 shade(Hit hit, Vec3 p, Vec3 n, Vec3 d) {
        Vec3 albedo;
        Material material;
        if (hit.object == Hit.GROUND) {
            albedo = GROUND_ALBEDO;
            material = Material.MATTE;
        } else {
            Part part = objects.get(hit.object).parts().get(hit.part);
            albedo = part.albedo();
            material = part.material();
        }
        Vec3 l = scene.toSun();
        double ndl = n.dot(l);
        boolean lit = ndl > 0 && !shadowed(p.plusScaled(n, 1e-4));
        Vec3 light = AMBIENT.times(0.7 + 0.3 * n.y());
        if (lit) {
            light = light.plus(SUN.times(ndl));
        }
        Vec3 c = albedo.times(light);
        if (lit && material.specular > 0) {
            Vec3 half = l.minus(d).normalized();
            double spec = material.specular * StrictMath.pow(Math.max(0, n.dot(half)), material.shininess);
            c = c.plus(SUN.times(spec));
        }
        if (hit.object == Hit.GROUND) {
            double f = Math.min(1, hit.t * d.dot(cam.forward) / scene.far());
            c = c.lerp(HORIZON, f * f);
        }
        return c;
    }

    private static Vec3 sky(Vec3 d) {
        double e = Math.max(0, d.y());
        return HORIZON.lerp(ZENITH, StrictMath.pow(e, 0.6));
    }
}
