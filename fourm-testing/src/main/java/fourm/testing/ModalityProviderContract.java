package fourm.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.api.ModalityIds;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.spi.ModalityProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The contract every modality plugin satisfies. A plugin's test extends it and names its provider and the facts its
 * defaults must state:
 *
 * <pre>{@code
 * class ThermalProviderTest extends ModalityProviderContract {
 *     protected ModalityProvider provider() { return new ThermalProvider(); }
 *     protected ReferenceFacts expected() {
 *         return ReferenceFacts.discrete("tok_thermal@64", ModalityKind.IMAGE_TOKENS, 1024, 16,
 *                 PositionalScheme.SINCOS_2D, GenerationScheme.MASKGIT);
 *     }
 * }
 * }</pre>
 *
 * <p>It checks registration (the provider is declared in {@code module-info.java} and in
 * {@code META-INF/services}), configuration (defaults in {@code reference.conf} under the provider's path, every key
 * read eagerly, unknown and missing keys refused with the key named), the specification's facts (for a token sequence
 * whose facts state them with {@link ReferenceFacts#withSequenceDefaults}, also its reference modality id, masking,
 * positional table, decoding defaults, that it has no image size or value dimension, and that its default tokenizer
 * is a real one for its value type), and the tokenizer (round trip on valid values, clear refusal of invalid ones).
 */
public abstract class ModalityProviderContract {

    /** The provider under test. */
    protected abstract ModalityProvider provider();

    /** What the provider's default specification must state. */
    protected abstract ReferenceFacts expected();

    /**
     * Raw values the modality's tokenizer must round-trip (decode of encode equals the value). The default, for
     * pre-tokenized modalities, is random valid id arrays; plugins with a real tokenizer override it.
     */
    protected List<Object> sampleValues(ModalitySpec spec) {
        SplittableRandom random = new SplittableRandom(42);
        List<Object> values = new ArrayList<>();
        int vocab = spec.vocabSize().orElseThrow();
        for (int n = 0; n < 5; n++) {
            int len = spec.kind().isImageLike() ? spec.maxTokens() : 1 + random.nextInt(spec.maxTokens());
            values.add(random.ints(len, 0, vocab).toArray());
        }
        return values;
    }

    /**
     * Whether {@code decode(encode(v))} gives {@code v} back exactly, as for rule-based tokenizers and pre-tokenized
     * ids (the default). A learned tokenizer (a VQ-VAE) is lossy: it returns false, and the contract then checks that
     * encoding is deterministic, that ids are within the vocabulary and that decoding gives a value of the value type.
     */
    protected boolean exactRoundTrip() {
        return true;
    }

    /**
     * {@code count} values drawn in turn by {@code draw} from one random source seeded with 42: a reproducible
     * {@link #sampleValues} for plugins with a generator of exact values.
     */
    protected static List<Object> drawn(int count, Function<SplittableRandom, Object> draw) {
        SplittableRandom random = new SplittableRandom(42);
        List<Object> values = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            values.add(draw.apply(random));
        }
        return values;
    }

    /** The provider's configuration node, resolved from every {@code reference.conf} on the path. */
    protected Config node() {
        return ConfigFactory.defaultReference().getConfig(provider().configPath());
    }

    private Modality createDefault() {
        return provider().create(node());
    }

    @Test
    void keyIsWellFormedAndMatchesTheSpec() {
        ModalityProvider p = provider();
        assertThat(p.key()).as("provider key").isEqualTo(expected().key());
        assertThat(createDefault().spec().key()).as("spec key in %s", p.configPath()).isEqualTo(p.key());
    }

    @Test
    void apiVersionIsTheCurrentOne() {
        assertThat(provider().apiVersion()).isEqualTo(ModalityProvider.SPI_VERSION);
    }

    @Test
    void defaultsLiveInReferenceConfUnderTheConfigPath() {
        String path = provider().configPath();
        assertThat(path).as("config path").matches("[a-z0-9-]+(\\.[a-z0-9-]+)*");
        assertThat(ConfigFactory.defaultReference().hasPath(path))
                .as("reference.conf defines %s", path).isTrue();
    }

    @Test
    void defaultSpecStatesTheExpectedFacts() {
        ModalitySpec spec = createDefault().spec();
        ReferenceFacts f = expected();
        assertThat(spec.kind()).as("kind").isEqualTo(f.kind());
        assertThat(spec.vocabSize()).as("vocab size").isEqualTo(f.vocabSize());
        assertThat(spec.maxTokens()).as("max tokens").isEqualTo(f.maxTokens());
        assertThat(spec.positional()).as("positional").isEqualTo(f.positional());
        assertThat(spec.encoder()).as("encoder").isEqualTo(f.encoder());
        assertThat(spec.decoder()).as("decoder").isEqualTo(f.decoder());
        assertThat(spec.generation().map(g -> g.scheme())).as("generation scheme").isEqualTo(f.scheme());
        assertThat(spec.modalityId()).isEqualTo(ModalityIds.of(f.key())).isBetween(0, (1 << 15) - 1);
    }

    @Test
    void defaultSpecStatesTheSequenceDefaults() {
        Optional<ReferenceFacts.SequenceDefaults> facts = expected().sequence();
        if (facts.isEmpty()) {
            return;
        }
        ReferenceFacts.SequenceDefaults f = facts.get();
        ModalitySpec spec = createDefault().spec();
        assertThat(spec.modalityId()).as("reference modality id").isEqualTo(f.modalityId());
        assertThat(spec.masking()).as("masking").isEqualTo(f.masking());
        assertThat(spec.imageSize()).as("image size").isEmpty();
        assertThat(spec.maxLength()).as("positional table rows").isEqualTo(f.maxLength());
        assertThat(spec.valueDim()).as("value dimension").isEmpty();
        assertThat(spec.generation()).as("decoding defaults").contains(f.generation());
    }

    @Test
    void defaultSequenceTokenizerIsARealOneForTheValueType() {
        Optional<ReferenceFacts.SequenceDefaults> facts = expected().sequence();
        if (facts.isEmpty()) {
            return;
        }
        assertThat(createDefault().tokenizer()).as("default tokenizer").hasValueSatisfying(t -> {
            assertThat(t.pretokenizedOnly()).as("pre-tokenized only").isFalse();
            assertThat(t.valueType()).as("value type").isEqualTo(facts.get().valueType());
        });
    }

    @Test
    void creationIsDeterministic() {
        assertThat(createDefault().spec()).isEqualTo(createDefault().spec());
    }

    @Test
    void unknownConfigKeyIsRefusedByName() {
        Config bad = node().withValue("no-such-setting", ConfigValueFactory.fromAnyRef(1));
        assertThatThrownBy(() -> provider().create(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no-such-setting");
    }

    @Test
    void missingRequiredKeyIsRefusedByName() {
        Config bad = node().withoutPath("encoder");
        assertThatThrownBy(() -> provider().create(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("encoder");
    }

    @Test
    void wronglyTypedValueIsRefusedByName() {
        Config bad = node().withValue("max-tokens", ConfigValueFactory.fromAnyRef("many"));
        assertThatThrownBy(() -> provider().create(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("max-tokens");
    }

    @Test
    void tokenizerMatchesTheKind() {
        Modality m = createDefault();
        assertThat(m.tokenizer().isPresent()).as("a tokenizer exactly for discrete kinds")
                .isEqualTo(m.spec().kind().isDiscrete());
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void tokenizerRoundTripsValidValues() {
        Modality m = createDefault();
        Optional<ModalityTokenizer<?>> tok = m.tokenizer();
        if (tok.isEmpty()) {
            return;
        }
        ModalityTokenizer t = tok.get();
        int vocab = m.spec().vocabSize().orElseThrow();
        for (Object value : sampleValues(m.spec())) {
            int[] ids = t.encode(value);
            assertThat(java.util.Arrays.stream(ids).boxed()).as("ids of %s", value)
                    .allSatisfy(id -> assertThat(id).isBetween(0, vocab - 1));
            if (exactRoundTrip()) {
                assertThat(t.decode(ids)).as("decode(encode(v))").usingRecursiveComparison().isEqualTo(value);
            } else {
                assertThat(t.encode(value)).as("encode is deterministic").containsExactly(ids);
                assertThat(t.decode(ids)).as("decode(encode(v))").isInstanceOf(t.valueType());
            }
        }
    }

    @Test
    void pretokenizedTokenizerRefusesIdsOutsideTheVocabulary() {
        Modality m = createDefault();
        if (m.tokenizer().isEmpty() || !m.tokenizer().get().pretokenizedOnly()) {
            return;
        }
        ModalityTokenizer<?> t = m.tokenizer().get();
        int vocab = m.spec().vocabSize().orElseThrow();
        assertThatThrownBy(() -> t.decode(new int[] {0, vocab}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(m.key()).hasMessageContaining(String.valueOf(vocab));
        assertThatThrownBy(() -> t.decode(new int[m.spec().maxTokens() + 1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
    }

    @Test
    void providerIsDeclaredInModuleInfoAndInServicesFile() throws IOException {
        Class<?> type = provider().getClass();
        String service = ModalityProvider.class.getName();
        assertThat(servicesFileEntries(type, service)).as("META-INF/services/%s", service)
                .contains(type.getName());
        ModuleDescriptor descriptor = descriptorOf(type);
        assertThat(descriptor.provides()).as("module-info of %s provides %s", descriptor.name(), service)
                .anySatisfy(p -> {
                    assertThat(p.service()).isEqualTo(service);
                    assertThat(p.providers()).contains(type.getName());
                });
        assertThat(descriptor.requires().stream().map(ModuleDescriptor.Requires::name).collect(Collectors.toList()))
                .as("requires").contains("fourm.api");
    }

    private static List<String> servicesFileEntries(Class<?> type, String service) throws IOException {
        List<String> entries = new ArrayList<>();
        ClassLoader loader = type.getClassLoader();
        String codeSource = type.getProtectionDomain().getCodeSource().getLocation().toString();
        var urls = loader.getResources("META-INF/services/" + service);
        while (urls.hasMoreElements()) {
            var url = urls.nextElement();
            if (!url.toString().contains(codeSource.replaceFirst("^file:", ""))) {
                continue;
            }
            try (InputStream in = url.openStream();
                 BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                r.lines().map(l -> l.replaceFirst("#.*", "").trim()).filter(l -> !l.isEmpty()).forEach(entries::add);
            }
        }
        return entries;
    }

    private static ModuleDescriptor descriptorOf(Class<?> type) {
        if (type.getModule().isNamed()) {
            return type.getModule().getDescriptor();
        }
        try {
            Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            return ModuleFinder.of(location).findAll().stream().map(ModuleReference::descriptor).findFirst()
                    .filter(d -> !d.isAutomatic())
                    .orElseThrow(() -> new AssertionError(location + " has no module-info.class"));
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }
}
