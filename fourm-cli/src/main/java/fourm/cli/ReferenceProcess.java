package fourm.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one of fourm-cli's reference benchmark scripts (a resource of this package) in a Python subprocess: the
 * environment of the reference's run ({@code ML4M_REPO}, the reference's BLAS on {@code LD_LIBRARY_PATH}, no
 * {@code LD_PRELOAD}: bin/fourm's MKL library is for fourm's libtorch only) and the JSON object the script prints on
 * the last line of its stdout. Shared by the benchmark commands with a {@code --reference} option.
 */
final class ReferenceProcess {
    private ReferenceProcess() {
    }

    /**
     * Checks the {@code --reference} and {@code --reference-scripts} options.
     *
     * @throws UserError naming the option and what was expected
     */
    static void checkOptions(Path reference, Path referenceScripts) {
        if (!Files.isDirectory(reference.resolve("fourm").resolve("vq"))) {
            throw new UserError("--reference " + reference + ": not an export of apple/ml-4m (no fourm/vq folder)");
        }
        if (referenceScripts == null || !Files.isRegularFile(referenceScripts.resolve("bootstrap_vq.py"))) {
            throw new UserError("--reference-scripts " + referenceScripts + ": expected a folder with "
                    + "bootstrap_vq.py and shims/");
        }
    }

    /**
     * Runs {@code python script args...} with the reference's environment; its stderr goes to this process's.
     *
     * @param resource      the script, a resource next to this class
     * @param reference     the export of apple/ml-4m
     * @param referenceBlas the reference's BLAS folder, or null for the default
     * @param threads       the reference's BLAS threads (with {@code referenceBlas})
     * @return the JSON object of the script's last stdout line
     * @throws UserError if the script fails or prints no JSON, with its output
     */
    static JsonObject run(String resource, String python, List<String> args, Path reference, Path referenceBlas,
                          int threads, PrintWriter err) throws IOException, InterruptedException {
        Path script = Files.createTempFile("fourm-reference-", ".py");
        try {
            try (InputStream in = ReferenceProcess.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("the reference benchmark script " + resource
                            + " is missing from fourm-cli's jar");
                }
                Files.write(script, in.readAllBytes());
            }
            List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("ML4M_REPO", reference.toAbsolutePath().toString());
            pb.environment().remove("LD_PRELOAD");
            if (referenceBlas != null) {
                pb.environment().put("LD_LIBRARY_PATH", referenceBlas.toAbsolutePath().toString());
                pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
                pb.environment().remove("OPENBLAS_CORETYPE");
                pb.environment().remove("OPENBLAS_L2_SIZE");
            }
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            err.println("running the reference: " + String.join(" ", cmd));
            err.flush();
            Process p = pb.start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            String[] lines = stdout.strip().split("\n");
            if (code != 0 || lines.length == 0 || !lines[lines.length - 1].startsWith("{")) {
                throw new UserError("the reference benchmark failed (exit " + code + "); its output:\n" + stdout);
            }
            return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
