package fourm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.spi.ModalityProvider;
import fourm.core.model.ModalityCatalog;
import fourm.core.model.testing.TestModalities;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The catalog of known modalities is built from the discovered plugins, created from their settings when asked. */
class ModalityCatalogTest {

    /** A plugin that reads its grid from its settings and counts how often it is created. */
    private static final class GridPlugin implements ModalityProvider {
        final AtomicInteger created = new AtomicInteger();

        @Override
        public String key() {
            return "thermal";
        }

        @Override
        public String configPath() {
            return "test.thermal";
        }

        @Override
        public Modality create(Config node) {
            created.incrementAndGet();
            return Modality.pretokenized(TestModalities.imageTokens(key(), node.getInt("vocab"), node.getInt("rows"),
                    node.getInt("cols")));
        }
    }

    @Test
    void discoveredPluginsAreCreatedOnceFromTheirSettings() {
        GridPlugin plugin = new GridPlugin();
        ModalityRegistry registry = ModalityRegistry.of(List.of(plugin));
        Config root = ConfigFactory.parseString("test.thermal { vocab = 64, rows = 2, cols = 4 }");
        ModalityCatalog catalog = registry.catalog(root);
        assertThat(plugin.created).hasValue(0);
        ModalitySpec s = catalog.find("thermal").orElseThrow();
        assertThat(s.vocabSize()).hasValue(64);
        assertThat(s.layout().gridShape()).containsExactly(2, 4);
        assertThat(catalog.find("thermal")).containsSame(s);
        assertThat(plugin.created).hasValue(1);
        assertThat(catalog.find("tok_rgb@224")).isEmpty();
        assertThat(ModalityCatalog.empty().find("thermal")).isEmpty();
    }

    @Test
    void givenSpecsComeFirstWhenChained() {
        GridPlugin plugin = new GridPlugin();
        ModalityCatalog discovered = ModalityRegistry.of(List.of(plugin))
                .catalog(ConfigFactory.parseString("test.thermal { vocab = 64, rows = 2, cols = 4 }"));
        ModalitySpec resized = TestModalities.imageTokens("thermal", 300, 2, 4);
        ModalityCatalog chained = ModalityCatalog.ofModalities(java.util.Map.of("thermal",
                Modality.pretokenized(resized))).orElse(discovered);
        assertThat(chained.find("thermal")).contains(resized);
        assertThat(plugin.created).hasValue(0);
    }

    @Test
    void badPluginSettingsNameThePlugin() {
        ModalityCatalog catalog = ModalityRegistry.of(List.of(new GridPlugin()))
                .catalog(ConfigFactory.parseString("test.thermal { vocab = 64, rows = 2 }"));
        assertThatThrownBy(() -> catalog.find("thermal")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("thermal").hasMessageContaining("cols");
    }
}
