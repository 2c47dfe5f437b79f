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
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The options and the launch of the reference implementation shared by the benchmark commands with a
 * {@code --reference} option (a picocli mixin: {@code --reference-scripts}, {@code --python}, {@code --reference-blas}).
 * It runs one of fourm-cli's reference benchmark scripts (a resource of this package) in a Python subprocess with the
 * environment of the reference's run ({@code ML4M_REPO}, the reference's BLAS on {@code LD_LIBRARY_PATH}, no
 * {@code LD_PRELOAD}: bin/fourm's MKL library is for fourm's libtorch only) and returns the JSON object the script
 * prints on the last line of its stdout. Each command keeps its own {@code --reference} option, whose meaning
 * (what the reference does in that benchmark) differs.
 */
final class ReferenceProcess {
    @Option(names = "--reference-scripts", paramLabel = "DIR",
            description = "Folder with bootstrap_vq.py, st_io.py and shims/ that run the reference's tokenizer code on "
                    + "Debian's python3-torch (the golden tokenizer scripts folder).")
    Path scripts;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", paramLabel = "EXE",
            description = "Python with torch (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--reference-blas", paramLabel = "DIR",
            description = "LD_LIBRARY_PATH of the reference process only (an OpenBLAS OpenMP build, see the reference "
                    + "bench README).")
    Path blas;

    /**
     * Checks {@code --reference} and {@code --reference-scripts}.
     *
     * @param reference the command's {@code --reference} folder
     * @throws UserError naming the option and what was expected
     */
    void check(Path reference) {
        if (!Files.isDirectory(reference.resolve("fourm").resolve("vq"))) {
            throw new UserError("--reference " + reference + ": not an export of apple/ml-4m (no fourm/vq folder)");
        }
        if (scripts == null || !Files.isRegularFile(scripts.resolve("bootstrap_vq.py"))) {
            throw new UserError("--reference-scripts " + scripts + ": expected a folder with bootstrap_vq.py and "
                    + "shims/");
        }
    }

    /**
     * Runs {@code python script --scripts DIR args...} with the reference's environment; its stderr goes to this
     * process's.
     *
     * @param resource  the script, a resource next to this class
     * @param reference the export of apple/ml-4m
     * @param args      the script's arguments after {@code --scripts DIR}
     * @param threads   the reference's BLAS threads (with {@code --reference-blas})
     * @return the JSON object of the script's last stdout line
     * @throws UserError if the script fails or prints no JSON, with its output
     */
    JsonObject run(String resource, Path reference, List<String> args, int threads, PrintWriter err)
            throws IOException, InterruptedException {
        Path script = Files.createTempFile("fourm-reference-", ".py");
        try {
            try (InputStream in = ReferenceProcess.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("the reference benchmark script " + resource
                            + " is missing from fourm-cli's jar");
                }
                Files.write(script, in.readAllBytes());
            }
            List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--scripts", scripts.toString()));
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("ML4M_REPO", reference.toAbsolutePath().toString());
            pb.environment().remove("LD_PRELOAD");
            if (blas != null) {
                pb.environment().put("LD_LIBRARY_PATH", blas.toAbsolutePath().toString());
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

    /**
     * The line that says how the reference ran: {@code reference: torch V, N threads (BLAS), P parameters; } and then
     * {@code ratio}, how the command's speed-ups are formed.
     */
    String describe(JsonObject ref, String ratio) {
        return String.format(Locale.ROOT, "reference: torch %s, %d threads (%s), %d parameters; %s",
                ref.get("torch").getAsString(), ref.get("threads").getAsInt(),
                blas == null ? "its default BLAS" : "LD_LIBRARY_PATH " + blas, ref.get("parameters").getAsLong(), ratio);
    }

    /** Comma-separated values, the form of the scripts' list arguments; zeros (meaning "none") are left out. */
    static String join(int[] values) {
        StringBuilder sb = new StringBuilder();
        for (int v : values) {
            if (v != 0) {
                sb.append(sb.length() == 0 ? "" : ",").append(v);
            }
        }
        return sb.toString();
    }
}
