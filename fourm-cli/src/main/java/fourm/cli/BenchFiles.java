package fourm.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import fourm.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** What the benchmark commands share: the load average, peak resident memory, the environment, JSON results. */
final class BenchFiles {
    private BenchFiles() {
    }

    /** The 1-minute load average from {@code /proc/loadavg}, or NaN where there is none. */
    static double loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).trim();
            return Double.parseDouble(s.substring(0, s.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The peak resident memory of this process ({@code VmHWM} of {@code /proc/self/status}) in bytes, or -1. */
    static long peakResidentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * How MKL chooses its matrix-product kernels in this process: {@code "instruction sets"} when bin/fourm's
     * {@code libfourm-mkl-cpu.so} is loaded (on AMD processors; see bin/fourm), otherwise {@code "vendor"} (MKL's own
     * choice, which on AMD processors means its AVX2 kernels).
     */
    static String mklKernels() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libfourm-mkl-cpu") ? "instruction sets"
                    : "vendor";
        } catch (IOException | RuntimeException e) {
            return "vendor";
        }
    }

    /**
     * The resident memory of this process now, split as {@code /proc/self/status} does: anonymous (tensors, heaps),
     * file-backed (the mapped code of libtorch and the JVM, memory-mapped checkpoints) and shared memory; e.g.
     * {@code "anon 2.41 GB, file 0.47 GB, shmem 0.00 GB"}, or an empty string where it cannot be read.
     */
    static String residentNow() {
        try {
            StringBuilder b = new StringBuilder();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                for (String key : new String[] {"RssAnon:", "RssFile:", "RssShmem:"}) {
                    if (line.startsWith(key)) {
                        long kb = Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                        b.append(b.length() == 0 ? "" : ", ").append(key.substring(3, key.length() - 1)
                                .toLowerCase(java.util.Locale.ROOT)).append(String.format(java.util.Locale.ROOT,
                                " %.2f GB", kb * 1024 / 1e9));
                    }
                }
            }
            return b.toString();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** Adds the time, the load averages, the peak resident memory and the thread settings to {@code root}. */
    static void addEnvironment(JsonObject root, double loadBefore, double loadAfter) {
        root.addProperty("date", Instant.now().toString());
        root.addProperty("loadavg_before", loadBefore);
        root.addProperty("loadavg_after", loadAfter);
        root.addProperty("peak_rss_bytes", peakResidentBytes());
        root.addProperty("omp_wait_policy", System.getenv().getOrDefault("OMP_WAIT_POLICY", "unset"));
        root.addProperty("mkl_kernels", mklKernels());
        root.addProperty("engine_threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
    }

    /**
     * Writes {@code root} as JSON to {@code file}, under a temporary name first, then renamed.
     *
     * @throws UserError if the file cannot be written
     */
    static void writeJson(Path file, JsonObject root) {
        try {
            AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
                    .create().toJson(root) + "\n");
        } catch (IOException e) {
            throw new UserError("--json " + file + ": cannot write it: " + e.getMessage(), e);
        }
    }
}
