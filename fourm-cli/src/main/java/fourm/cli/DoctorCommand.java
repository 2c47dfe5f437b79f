package fourm.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import fourm.core.Fourm;
import fourm.core.ModalityRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceConfigurationError;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code fourm doctor}: what this installation runs on: Java, module path or class path, offline settings, the
 * discovered modalities and the configuration, and the DJL engine (name, version, threads, native library folder),
 * which it loads and exercises with one tiny computation.
 *
 * <p>Exits with {@link Main#OK} when every check passes, {@link Main#USER_ERROR} when only the configuration or the
 * plugins are at fault, and {@link Main#FAILED} when the engine cannot run.
 */
@Command(name = "doctor", description = {
    "Check the installation: Java, plugins, configuration and the DJL engine.",
    "Prints Java, the module path, offline mode, the modality plugins, the configuration and the DJL "
        + "engine (name, version, threads, native library folder). Loads the engine (a few seconds)."
})
final class DoctorCommand implements Callable<Integer> {
    /** PyTorch's thread settings (DJL reads them when the engine starts). */
    static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
    static final String INTEROP_THREADS_PROPERTY = "ai.djl.pytorch.num_interop_threads";
    private static final int NAME_WIDTH = 11;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int exit = Main.OK;

        Module self = DoctorCommand.class.getModule();
        report(out, "java", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") at "
                + System.getProperty("java.home"));
        report(out, "fourm", Main.VersionProvider.version());
        report(out, "mode", self.isNamed() ? "module path (module " + self.getName() + ")" : "class path");
        report(out, "offline", "ai.djl.offline=" + System.getProperty("ai.djl.offline")
                + ", DJL_OFFLINE=" + System.getenv("DJL_OFFLINE")
                + ", OPT_OUT_TRACKING=" + System.getenv("OPT_OUT_TRACKING"));

        try {
            report(out, "modalities", ModalityRegistry.discover().keys().size() + " discovered");
        } catch (RuntimeException | ServiceConfigurationError e) {
            report(out, "modalities", "FAILED: " + e.getMessage());
        }
        try {
            Fourm fourm = Startup.start(main);
            report(out, "config", "ok (" + (main.config == null ? "default stack" : main.config) + ", "
                    + fourm.modalities().size() + " modalities enabled)");
        } catch (UserError e) {
            report(out, "config", "FAILED: " + e.getMessage());
            exit = Main.USER_ERROR;
        }

        try {
            Engine engine = Engine.getInstance();
            report(out, "engine", engine.getEngineName() + " " + engine.getVersion() + " (DJL "
                    + Engine.getDjlVersion() + ", engines found: " + Engine.getAllEngines() + ")");
            if ("PyTorch".equals(engine.getEngineName())) {
                report(out, "threads", JniUtils.getNumThreads() + " intra-op ("
                        + setting(THREADS_PROPERTY) + "), " + JniUtils.getNumInteropThreads() + " inter-op ("
                        + setting(INTEROP_THREADS_PROPERTY) + ")");
                Path lib = Path.of(LibUtils.getLibtorchPath());
                Path dir = Files.isDirectory(lib) || lib.getParent() == null ? lib : lib.getParent();
                report(out, "native", dir + " (libtorch " + LibUtils.getVersion() + ")");
                report(out, "mkl", "kernels chosen by " + BenchFiles.mklKernels()
                        + " (bin/fourm, FOURM_MKL_CPU)");
            } else {
                report(out, "threads", "reported by PyTorch only; engine is " + engine.getEngineName());
            }
            report(out, "cache", Utils.getCacheDir() + " (DJL_CACHE_DIR="
                    + (System.getenv("DJL_CACHE_DIR") == null ? "unset" : System.getenv("DJL_CACHE_DIR")) + ")");
            try (NDManager manager = engine.newBaseManager()) {
                float sum = manager.create(new float[] {1f, 2f, 3f}).sum().getFloat();
                boolean ok = sum == 6f;
                report(out, "smoke test", "sum([1, 2, 3]) = " + sum + (ok ? " ok" : " WRONG, expected 6.0"));
                if (!ok) {
                    exit = Main.FAILED;
                }
            }
        } catch (RuntimeException | LinkageError e) {
            report(out, "engine", "FAILED: " + e);
            exit = Main.FAILED;
        }

        return exit;
    }

    /** Prints one {@code name: value} line at once, so that a crash in native code leaves the earlier lines. */
    private static void report(PrintWriter out, String name, String value) {
        out.println(name + ":" + " ".repeat(Math.max(1, NAME_WIDTH - name.length())) + value);
        out.flush();
    }

    private static String setting(String property) {
        String v = System.getProperty(property);
        return v == null ? property + " unset, engine default" : property + "=" + v;
    }
}
