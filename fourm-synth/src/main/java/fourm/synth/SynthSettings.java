package fourm.synth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.Locale;

/**
 * Everything that controls the synthetic world, read from the {@code fourm.synth} config node (defaults in the
 * module's {@code reference.conf}, which documents each key). The compact constructor checks every value and names
 * the config key of any bad one.
 *
 * @param resolution        image width and height in pixels
 * @param samples           how many samples {@link SynthWorld#generate} writes
 * @param seed              base seed
 * @param threads           worker threads
 * @param keyPrefix         file-name prefix of the sample keys
 * @param minObjects        fewest objects per scene
 * @param maxObjects        most objects per scene
 * @param humansProbability probability that a scene has human figures
 * @param maxHumans         most human figures per scene
 * @param sceneRadius       placement radius on the ground, metres
 * @param minVisiblePixels  objects showing fewer pixels are removed before labelling
 * @param fovDegrees        camera field of view
 * @param minElevation      lowest camera elevation, degrees
 * @param maxElevation      highest camera elevation, degrees
 * @param minDistance       nearest camera distance to its target, metres
 * @param maxDistance       farthest camera distance to its target, metres
 * @param far               far plane, metres (also the depth written for the sky)
 * @param supersampling     RGB rays per pixel along each axis
 * @param cannySigma        Gaussian sigma of the Canny detector
 * @param cannyLow          low hysteresis threshold
 * @param cannyHigh         high hysteresis threshold
 * @param polygonTolerance  polygon simplification tolerance, pixels
 * @param maxRelations      most spatial-relation sentences per caption
 */
public record SynthSettings(int resolution, int samples, long seed, int threads, String keyPrefix, int minObjects,
        int maxObjects, double humansProbability, int maxHumans, double sceneRadius, int minVisiblePixels,
        double fovDegrees, double minElevation, double maxElevation, double minDistance, double maxDistance,
        double far, int supersampling, double cannySigma, double cannyLow, double cannyHigh, double polygonTolerance,
        int maxRelations) {

    /** The config node this module reads. */
    public static final String NODE = "fourm.synth";

    /** Checks every value; the message names the offending key under {@value #NODE}. */
    public SynthSettings {
        range("resolution", resolution, 16, 4096);
        range("samples", samples, 0, 100_000_000);
        range("threads", threads, 1, 1024);
        if (keyPrefix == null || !keyPrefix.matches("[A-Za-z0-9_.-]*")) {
            throw bad("key-prefix", "letters, digits, '_', '.' or '-' only", keyPrefix);
        }
        range("min-objects", minObjects, 0, 50);
        range("max-objects", maxObjects, minObjects, 50);
        range("humans-probability", humansProbability, 0, 1);
        range("max-humans", maxHumans, humansProbability > 0 ? 1 : 0, 10);
        range("scene-radius", sceneRadius, 0.5, 100);
        range("min-visible-pixels", minVisiblePixels, 1, 1_000_000);
        range("camera.fov-degrees", fovDegrees, 10, 120);
        range("camera.min-elevation-degrees", minElevation, 5, 85);
        range("camera.max-elevation-degrees", maxElevation, minElevation, 85);
        range("camera.min-distance", minDistance, 2, 1000);
        range("camera.max-distance", maxDistance, minDistance, 1000);
        range("far", far, maxDistance + sceneRadius + 1, 65.0);
        range("supersampling", supersampling, 1, 8);
        range("canny.sigma", cannySigma, 0.3, 10);
        range("canny.low-threshold", cannyLow, 0, 10_000);
        range("canny.high-threshold", cannyHigh, cannyLow, 10_000);
        range("polygon-tolerance", polygonTolerance, 0, 100);
        range("max-relations", maxRelations, 0, 20);
    }

    /** The defaults of the module's {@code reference.conf}. */
    public static SynthSettings defaults() {
        return from(ConfigFactory.defaultReference());
    }

    /**
     * Reads the {@value #NODE} node of {@code root} (a whole application config, with the reference defaults as
     * fallback). Unknown keys are not an error; missing or mistyped keys are, and the message names them.
     */
    public static SynthSettings from(Config root) {
        Config full = root.withFallback(ConfigFactory.defaultReference());
        try {
            full.checkValid(ConfigFactory.defaultReference(), NODE);
            // Read with full paths so that a type error names the whole key.
            Config c = full;
            String n = NODE + ".";
            return new SynthSettings(c.getInt(n + "resolution"), c.getInt(n + "samples"), c.getLong(n + "seed"),
                    c.getInt(n + "threads"), c.getString(n + "key-prefix"), c.getInt(n + "min-objects"),
                    c.getInt(n + "max-objects"), c.getDouble(n + "humans-probability"), c.getInt(n + "max-humans"),
                    c.getDouble(n + "scene-radius"), c.getInt(n + "min-visible-pixels"),
                    c.getDouble(n + "camera.fov-degrees"), c.getDouble(n + "camera.min-elevation-degrees"),
                    c.getDouble(n + "camera.max-elevation-degrees"), c.getDouble(n + "camera.min-distance"),
                    c.getDouble(n + "camera.max-distance"), c.getDouble(n + "far"), c.getInt(n + "supersampling"),
                    c.getDouble(n + "canny.sigma"), c.getDouble(n + "canny.low-threshold"),
                    c.getDouble(n + "canny.high-threshold"), c.getDouble(n + "polygon-tolerance"),
                    c.getInt(n + "max-relations"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("invalid " + NODE + " configuration: " + e.getMessage(), e);
        }
    }

    /** A copy with another resolution. */
    public SynthSettings withResolution(int r) {
        return new SynthSettings(r, samples, seed, threads, keyPrefix, minObjects, maxObjects, humansProbability,
                maxHumans, sceneRadius, minVisiblePixels, fovDegrees, minElevation, maxElevation, minDistance,
                maxDistance, far, supersampling, cannySigma, cannyLow, cannyHigh, polygonTolerance, maxRelations);
    }

    /** A copy with another sample count. */
    public SynthSettings withSamples(int n) {
        return new SynthSettings(resolution, n, seed, threads, keyPrefix, minObjects, maxObjects, humansProbability,
                maxHumans, sceneRadius, minVisiblePixels, fovDegrees, minElevation, maxElevation, minDistance,
                maxDistance, far, supersampling, cannySigma, cannyLow, cannyHigh, polygonTolerance, maxRelations);
    }

    /** A copy with another seed. */
    public SynthSettings withSeed(long s) {
        return new SynthSettings(resolution, samples, s, threads, keyPrefix, minObjects, maxObjects,
                humansProbability, maxHumans, sceneRadius, minVisiblePixels, fovDegrees, minElevation, maxElevation,
                minDistance, maxDistance, far, supersampling, cannySigma, cannyLow, cannyHigh, polygonTolerance,
                maxRelations);
    }

    /** A copy with another thread count. */
    public SynthSettings withThreads(int t) {
        return new SynthSettings(resolution, samples, seed, t, keyPrefix, minObjects, maxObjects, humansProbability,
                maxHumans, sceneRadius, minVisiblePixels, fovDegrees, minElevation, maxElevation, minDistance,
                maxDistance, far, supersampling, cannySigma, cannyLow, cannyHigh, polygonTolerance, maxRelations);
    }

    /** The key of sample {@code index}, e.g. {@code scene-000042}. */
    public String key(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("sample index must be >= 0, got " + index);
        }
        return keyPrefix + String.format(Locale.ROOT, "%06d", index);
    }

    private static void range(String key, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw bad(key, "a number in [" + fmt(lo) + ", " + fmt(hi) + "]", v);
        }
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static IllegalArgumentException bad(String key, String expected, Object got) {
        Object shown = got instanceof Double d ? fmt(d) : got;
        return new IllegalArgumentException(NODE + "." + key + ": expected " + expected + ", got " + shown);
    }
}
