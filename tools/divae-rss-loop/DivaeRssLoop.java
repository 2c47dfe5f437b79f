import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import fourm.vq.diffusion.DivaeCheckpoints;
import fourm.vq.diffusion.DivaeModel;
import fourm.vq.diffusion.GaussianNoise;
import fourm.vq.values.ImageValueKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Resident memory over long decodes of a DiVAE checkpoint (the tiny random one in fourm-vq's test resources): 10 decodes of
 * 200 DDPM steps at batch 2, the resident set after every 50 steps and once each decode's manager is closed. Run with the
 * packaged CLI's module path (see the root README's DiVAE section).
 */
public class DivaeRssLoop {
    static long rssKb() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    public static void main(String[] a) throws Exception {
        Path model = Path.of(a[0]);
        long[] ids = new long[72];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7) % 64;
        }
        System.out.printf("before load: %d MB%n", rssKb() / 1024);
        try (DivaeModel m = DivaeCheckpoints.load(model, ImageValueKit.rgb(), Optional.empty())) {
            System.out.printf("loaded: %d MB%n", rssKb() / 1024);
            for (int d = 0; d < 10; d++) {
                long[] at = new long[4];
                try (NDManager nm = NDManager.newBaseManager()) {
                    NDArray out = m.decodeTokens(nm, ids, 2, 6, 6, 200, 48, GaussianNoise.perSample(d, 2),
                            (i, total, t) -> {
                                if ((i + 1) % 50 == 0) {
                                    try {
                                        at[(i + 1) / 50 - 1] = rssKb();
                                    } catch (Exception e) {
                                        throw new RuntimeException(e);
                                    }
                                }
                            });
                    out.toFloatArray();
                }
                System.out.printf("decode %d (200 steps): %d / %d / %d / %d MB after steps 50/100/150/200, %d MB closed, Java heap committed %d MB%n",
                        d + 1, at[0] / 1024, at[1] / 1024, at[2] / 1024, at[3] / 1024, rssKb() / 1024, Runtime.getRuntime().totalMemory() >> 20);
            }
        }
        System.out.printf("all closed: %d MB%n", rssKb() / 1024);
    }
}
