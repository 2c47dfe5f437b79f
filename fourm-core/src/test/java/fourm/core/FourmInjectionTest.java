package fourm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Module;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.Modality;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import fourm.api.spi.ModalityProvider;
import fourm.core.data.SampleFile;
import fourm.core.data.ShardedDatasetWriter;
import fourm.core.model.DjlModelEngine;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.ModelEngine;
import fourm.core.spi.FourmModuleProvider;
import fourm.core.train.Experiment;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The injector {@link Fourm} builds: what it binds, what a plugin adds through {@link FourmModuleProvider}, and an
 * application swapping one binding ({@link ModelEngine}) with {@code Modules.override}.
 */
class FourmInjectionTest {
    @TempDir
    Path dir;

    /** A plugin's own bindings, found through {@code META-INF/services} of the test class path. */
    public static final class GreetingModuleProvider implements FourmModuleProvider {
        @Override
        public String name() {
            return "test greeting";
        }

        @Override
        public Module module(Config config) {
            String greeting = config.getString("fourm.test-only.greeting");
            return new AbstractModule() {
                @Override
                protected void configure() {
                    bindConstant().annotatedWith(Names.named("fourm.test.greeting")).to(greeting);
                }
            };
        }
    }

    /** A discrete grid modality of {@code side x side} tokens, ids made elsewhere. */
    private record GridProvider(String key, int side) implements ModalityProvider {
        @Override
        public String configPath() {
            return "fourm.test-only";
        }

        @Override
        public Modality create(Config node) {
            return Modality.pretokenized(ModalitySpec.builder(key, ModalityKind.IMAGE_TOKENS).optVocabSize(64)
                    .optImageSize(side * 16).optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D)
                    .setEncoder(true).setDecoder(true).setMasking(MaskingPolicy.RANDOM_TOKENS)
                    .optGeneration(new DecoderStrategy(GenerationScheme.MASKGIT, 2, 1.0, "constant", 1.0, 1.0))
                    .build());
        }
    }

    /** An engine that records what it is asked to create and stops there. */
    private static final class RecordingEngine implements ModelEngine {
        final List<FourMConfig> created = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public NDManager newManager() {
            throw new UnsupportedOperationException("not needed");
        }

        @Override
        public FourMModel create(FourMConfig config, long seed) {
            created.add(config);
            throw new IllegalStateException("recording engine: stop after create");
        }
    }

    private static final ModalityRegistry REGISTRY = ModalityRegistry.of(List.of(new GridProvider("grid_b", 2),
            new GridProvider("grid_a", 3)));

    private Config config(String enabled) {
        String out = dir.resolve("out").toString().replace("\\", "/");
        return ConfigFactory.parseString("fourm.experiment.modalities = " + enabled + "\n"
                + "fourm.train {\n"
                + "  output-dir = \"" + out + "\"\n"
                + "  data.path = \"" + dir.resolve("data").toString().replace("\\", "/") + "\"\n"
                + "  model { preset = custom, dim = 32, encoder-depth = 1, decoder-depth = 1, num-heads = 2 }\n"
                + "  masking {\n"
                + "    mixture { modalities { grid_a { input-alphas = [1.0], target-alphas = [1.0] } } }\n"
                + "    num-input-tokens = 4\n"
                + "    num-target-tokens = 4\n"
                + "  }\n"
                + "  progress = off\n"
                + "}\n").withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    void bindsTheConfigurationTheEnabledModalitiesInOrderTheEngineTrainingAndGeneration() {
        Config c = config("[grid_a, grid_b]");
        Fourm fourm = Fourm.start(c, REGISTRY);
        Injector injector = fourm.injector();

        assertThat(injector.getInstance(Config.class)).isSameAs(c);
        Map<String, Modality> enabled = injector.getInstance(Key.get(new TypeLiteral<Map<String, Modality>>() { }));
        assertThat(enabled.keySet()).containsExactly("grid_a", "grid_b");
        assertThat(enabled.get("grid_a")).isSameAs(fourm.modalities().get("grid_a"));
        assertThat(injector.getInstance(ModelEngine.class)).isInstanceOf(DjlModelEngine.class);
        Training training = injector.getInstance(Training.class);
        assertThat(training.modalities().keySet()).containsExactly("grid_a", "grid_b");
        assertThat(training.engine()).isInstanceOf(DjlModelEngine.class);
        assertThat(injector.getInstance(Generation.class).modalities()).isEqualTo(enabled);
        assertThat(injector.getInstance(ModalityRegistry.class)).isSameAs(REGISTRY);
    }

    @Test
    void aPluginsModuleProviderAddsItsOwnBindings() {
        Config c = config("[grid_a]").withFallback(ConfigFactory.parseString("fourm.test-only.greeting = hi"));
        Injector injector = Fourm.start(ConfigFactory.parseString("fourm.test-only.greeting = \"bonjour\"")
                .withFallback(c).resolve(), REGISTRY).injector();
        assertThat(injector.getInstance(Key.get(String.class, Names.named("fourm.test.greeting"))))
                .as("the provider read its setting from the configuration it was given").isEqualTo("bonjour");
        assertThat(Fourm.pluginModules(c)).hasSize(1);
    }

    /** A complete dataset of {@code n} samples of grid_a (3x3 ids), so that training gets past its data checks. */
    private static void writeGridData(Path root, int n) throws IOException {
        try (ShardedDatasetWriter w = new ShardedDatasetWriter(root, List.of("grid_a"), 8)) {
            for (int i = 0; i < n; i++) {
                int[] ids = new int[9];
                for (int p = 0; p < ids.length; p++) {
                    ids[p] = (i * 7 + p) % 64;
                }
                w.write(String.format(Locale.ROOT, "s%04d", i), Map.of("grid_a", SampleFile.tokens(new int[][] {ids})));
            }
            w.finish();
        }
    }

    @Test
    void anApplicationSwapsTheEngineAndTrainingCreatesItsModelThere() throws IOException {
        RecordingEngine engine = new RecordingEngine();
        Module mine = new AbstractModule() {
            @Override
            protected void configure() {
                bind(ModelEngine.class).toInstance(engine);
            }
        };
        Fourm fourm = Fourm.start(config("[grid_a]"), REGISTRY, List.of(mine));
        Training training = fourm.injector().getInstance(Training.class);
        assertThat(training.engine()).isSameAs(engine);

        Experiment exp = training.experiment();
        assertThat(exp.modalities().keySet()).containsExactly("grid_a");
        writeGridData(dir.resolve("data"), 16);
        assertThatThrownBy(() -> training.trainer(exp, new PrintWriter(new StringWriter()), Map.of()).run())
                .hasMessageContaining("recording engine");
        assertThat(engine.created).hasSize(1);
        assertThat(engine.created.get(0).dim()).isEqualTo(32);
        assertThat(engine.created.get(0).modalities()).containsOnlyKeys("grid_a");

        // Without the override the same code gets the default engine.
        assertThat(Fourm.start(config("[grid_a]"), REGISTRY).injector().getInstance(Training.class).engine())
                .isInstanceOf(DjlModelEngine.class);
    }
}
