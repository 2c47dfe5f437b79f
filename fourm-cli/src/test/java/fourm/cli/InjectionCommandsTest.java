package fourm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.google.inject.AbstractModule;
import com.google.inject.Module;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import fourm.core.model.DjlModelEngine;
import fourm.core.model.ModelEngine;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands get their configuration, modalities and engine from the injector: a binding swapped with
 * {@code Modules.override} (here through {@link Main#commandLine(PrintWriter, PrintWriter, List)}) is what they use.
 */
class InjectionCommandsTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(List<Module> overrides, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), overrides).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The default engine, counting the models it creates. */
    private static final class CountingEngine implements ModelEngine {
        final AtomicInteger created = new AtomicInteger();
        private final ModelEngine delegate = new DjlModelEngine();

        @Override
        public String name() {
            return "counting " + delegate.name();
        }

        @Override
        public NDManager newManager() {
            return delegate.newManager();
        }

        @Override
        public FourMModel create(FourMConfig config, long seed) {
            created.incrementAndGet();
            return delegate.create(config, seed);
        }
    }

    @Test
    void trainCreatesItsModelOnTheBoundEngine() throws IOException {
        Path toy = Path.of(System.getProperty("fourm.cli.basedir", ".")).resolve("../examples/experiments/toy.conf")
                .normalize().toAbsolutePath();
        Path file = dir.resolve("exp.conf");
        Files.writeString(file, "include file(\"" + toy.toString().replace("\\", "/") + "\")\n"
                + "fourm.train { output-dir = \"" + dir.resolve("out").toString().replace("\\", "/") + "\",\n"
                + "  data { path = \"" + dir.resolve("data").toString().replace("\\", "/") + "\", toy-samples = 32 }\n"
                + "  steps = 2, eval.every = 0, checkpoint.every = 0, schedule.warmup-steps = 1, progress = off }\n");
        CountingEngine engine = new CountingEngine();
        Module swap = new AbstractModule() {
            @Override
            protected void configure() {
                bind(ModelEngine.class).toInstance(engine);
            }
        };
        Run r = run(List.of(swap), "train", "-c", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("trained steps 0 to 2 of 2");
        assertThat(engine.created).hasValue(1);
    }

    @Test
    void configPrintsTheBoundConfiguration() {
        Config swapped = ConfigFactory.parseString("fourm.injected-marker = 42").withFallback(Startup.loadConfig(null))
                .resolve();
        Module swap = new AbstractModule() {
            @Override
            protected void configure() {
                bind(Config.class).toInstance(swapped);
            }
        };
        Run r = run(List.of(swap), "config", "--path", "fourm.injected-marker");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("injected-marker=42");

        Run plain = run(List.of(), "config", "--path", "fourm.injected-marker");
        assertThat(plain.code()).isEqualTo(Main.USER_ERROR);
    }
}
