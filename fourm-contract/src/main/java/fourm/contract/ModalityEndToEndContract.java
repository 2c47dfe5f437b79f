package fourm.contract;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.Config;
import fourm.api.DecoderStrategy;
import fourm.api.GenerationScheme;
import fourm.api.MaskingPolicy;
import fourm.api.Modality;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.ModalityTokenizer;
import fourm.api.PositionalScheme;
import fourm.api.TokenLayout;
import fourm.api.ValueFormat;
import fourm.core.batch.MaskedBatch;
import fourm.core.generate.GenerationPlan;
import fourm.core.generate.GenerationResult;
import fourm.core.generate.Generator;
import fourm.core.generate.Step;
import fourm.core.masking.AlphaMixture;
import fourm.api.masking.KeepScheme;
import fourm.api.masking.ModalityInput;
import fourm.api.masking.SpecialTokens;
import fourm.core.masking.MaskedSample;
import fourm.core.masking.MaskingCollator;
import fourm.core.masking.MaskingConfig;
import fourm.core.masking.ModalityAlphas;
import fourm.core.masking.UnifiedMasking;
import fourm.core.model.ForwardOptions;
import fourm.core.model.ForwardOutput;
import fourm.core.model.FourMConfig;
import fourm.core.model.FourMModel;
import fourm.core.model.LossType;
import fourm.core.optim.AdamW;
import fourm.testing.ModalityProviderContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole contract of a modality plugin: everything {@link ModalityProviderContract} checks, and that the plugin
 * works end to end. A plugin's test extends this class instead of {@link ModalityProviderContract} (same two methods
 * to implement, same {@link #sampleValues}); the end-to-end check then, for the plugin's default modality:
 *
 * <ol>
 *   <li>writes a sample value to a file and reads it back through the plugin's {@link ValueFormat}
 *       ({@link Modality#format()}; the kit's formats for pre-tokenized ids and continuous values when the plugin has
 *       none), and checks it comes back equal;</li>
 *   <li>encodes it with the plugin's tokenizer (ids within the vocabulary) or takes its values (continuous kinds);</li>
 *   <li>embeds it in a small random 4M model (dim 32, one encoder and one decoder block) next to a tiny helper grid
 *       modality, masks a batch of two samples with the plugin's masking policy and runs one training step (finite
 *       loss, parameters updated);</li>
 *   <li>generates the modality from the helper with its default scheme ({@link ModalitySpec#generation()}), or,
 *       for an input-only modality, generates the helper from it;</li>
 *   <li>decodes the generated ids back to a raw value with the plugin's tokenizer and writes it through the format
 *       (read back equal).</li>
 * </ol>
 *
 * <p>The model is random, so the generated value is not meaningful; what is checked is that every piece of the
 * plugin fits the framework. One run takes about a second.
 */
public abstract class ModalityEndToEndContract extends ModalityProviderContract {
    /** Key of the helper modality: a 2 x 2 grid of ids below 16, input and target. */
    protected static final String HELPER = "contract_helper_grid";

    private static final ModalitySpec HELPER_SPEC = ModalitySpec.builder(HELPER, ModalityKind.IMAGE_TOKENS)
            .optVocabSize(16).optImageSize(32).optPatchSize(16).setPositional(PositionalScheme.SINCOS_2D)
            .setEncoder(true).setDecoder(true).setMasking(MaskingPolicy.RANDOM_TOKENS)
            .optGeneration(new DecoderStrategy(GenerationScheme.MASKGIT, 2, 1.0, "constant", 1.0, 1.0)).build();

    /** Most generation steps the check runs (the plugin's scheme is kept; long schedules are shortened). */
    private static final int MAX_STEPS = 4;

    /**
     * The value the end-to-end check starts from: by default the one of {@link #sampleValues} with the most ids for
     * discrete kinds (an empty value would give the model nothing to learn),
     * and random values of the layout's {@link fourm.api.TokenLayout#valueShape() value shape} for pixels and
     * embeddings.
     */
    protected Object endToEndValue(Modality m) {
        ModalitySpec spec = m.spec();
        if (spec.kind().isDiscrete()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            ModalityTokenizer<Object> tok = (ModalityTokenizer) m.tokenizer().orElseThrow();
            Object best = null;
            int most = -1;
            for (Object v : sampleValues(spec)) {
                int n = tok.encode(v).length;
                if (n > most) {
                    best = v;
                    most = n;
                }
            }
            if (best == null) {
                throw new AssertionError(spec.key() + ": sampleValues(spec) is empty; override endToEndValue(m) with a"
                        + " raw value the plugin's tokenizer encodes");
            }
            return best;
        }
        int n = Arrays.stream(m.layout().valueShape()).reduce(1, (a, b) -> a * b);
        SplittableRandom r = new SplittableRandom(11);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /**
     * The configuration node the end-to-end check creates the modality from: by default {@link #node()}. A plugin
     * whose tokenizer has learned weights returns a node that names a (tiny, untrained) checkpoint it writes into
     * {@code dir}.
     */
    protected Config endToEndNode(Path dir) throws IOException {
        return node();
    }

    /**
     * The format the check reads and writes values with: the plugin's, or the kit's for modalities that have none
     * and whose values are ids ({@link KitFormats#ids()}) or numbers ({@link KitFormats#floats()}).
     */
    protected ValueFormat<?> formatOf(Modality m) {
        Optional<ValueFormat<?>> own = m.format();
        if (own.isPresent()) {
            return own.get();
        }
        Class<?> type = m.tokenizer().<Class<?>>map(ModalityTokenizer::valueType).orElse(float[].class);
        if (type == int[].class) {
            return KitFormats.ids();
        }
        if (type == float[].class) {
            return KitFormats.floats();
        }
        throw new AssertionError(m.key() + ": values of type " + type.getName() + " need a ValueFormat; implement"
                + " Modality.format() in the plugin");
    }

    /**
     * The end-to-end check (see the class comment). Protected so that a plugin can run it under conditions of its
     * own; a plugin that overrides it must call it.
     */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected void worksEndToEnd(@TempDir Path dir) throws IOException {
        Modality m = provider().create(endToEndNode(dir));
        ModalitySpec spec = m.spec();
        String key = spec.key();

        // 1. A raw value from a file.
        ValueFormat format = formatOf(m);
        Object sample = endToEndValue(m);
        Path in = dir.resolve("input." + format.extension());
        format.write(sample, in);
        Object value = format.read(in);
        assertSameValue(value, sample, key + ": read(write(v)) through " + format.getClass().getSimpleName());

        // 2. Encoded (or taken as values).
        Object encoded;
        if (spec.kind().isDiscrete()) {
            ModalityTokenizer tok = m.tokenizer().orElseThrow(() -> new AssertionError(key + ": a discrete modality"
                    + " without a tokenizer"));
            int[] ids = tok.encode(value);
            int vocab = spec.vocabSize().orElseThrow();
            assertThat(Arrays.stream(ids).boxed()).as("%s: ids within the vocabulary", key)
                    .allSatisfy(id -> assertThat(id).isBetween(0, vocab - 1));
            assertThat(ids.length).as("%s: ids fit the modality", key).isLessThanOrEqualTo(spec.maxTokens());
            encoded = ids;
        } else {
            encoded = value;
        }

        // 3. A small random model with the modality and the helper grid; one training step.
        Map<String, ModalitySpec> specs = new LinkedHashMap<>();
        specs.put(key, spec);
        specs.put(HELPER, HELPER_SPEC);
        FourMConfig.Builder b = FourMConfig.builder().family(FourMConfig.Family.SWIGLU_NOBIAS).dim(32).encoderDepth(1)
                .decoderDepth(1).numHeads(2);
        for (ModalitySpec s : specs.values()) {
            b.modality(s, s.encoder(), s.decoder());
        }
        FourMConfig config = b.build();
        SpecialTokens special = SpecialTokens.fromConfig(ConfigFactory.defaultReference()
                .getConfig("fourm.masking.special-ids"), "fourm.masking.special-ids");
        int[] helperIds = {1, 5, 9, 13};
        try (FourMModel model = FourMModel.create(config, 5)) {
            trainOneStep(model, specs, special, key, spec, encoded, helperIds);

            // 4. Generation with the plugin's default scheme.
            Generator generator = Generator.builder(model).modalities(Map.of(key, m)).specialTokens(special).build();
            if (spec.decoder()) {
                DecoderStrategy d = spec.generation().orElseThrow(() -> new AssertionError(key + ": a target"
                        + " modality without generation defaults"));
                GenerationPlan plan = GenerationPlan.builder().condition(HELPER).target(key, step(d, spec)).build();
                GenerationResult r = generator.generate(Map.of(HELPER, helperIds), plan, 3);
                int[] ids = r.tokens(key);
                int vocab = spec.vocabSize().orElseThrow();
                assertThat(Arrays.stream(ids).boxed()).as("%s: generated ids within the vocabulary", key)
                        .allSatisfy(id -> assertThat(id).isBetween(0, vocab - 1));

                // 5. Decoded and written. A random model may generate ids whose decoded value the format cannot
                // write (a palette with no colour): the refusal must then be a clear IllegalArgumentException, and
                // the value decoded from the sample's own ids is written instead.
                ModalityTokenizer tok = m.tokenizer().orElseThrow();
                Object decoded = tok.decode(sequenceBody(ids, spec, special));
                assertThat(decoded).as("%s: decoded value", key).isInstanceOf(tok.valueType());
                Path out = dir.resolve("generated." + format.extension());
                try {
                    format.write(decoded, out);
                } catch (IllegalArgumentException refused) {
                    assertThat(refused.getMessage()).as("%s: why the generated value cannot be written", key)
                            .isNotBlank();
                    decoded = tok.decode((int[]) encoded);
                }
                format.write(decoded, out);
                assertSameValue(format.read(out), decoded, key + ": the written value reads back");
                Path shown = format.show(decoded, dir, "generated-shown");
                assertThat(shown).as("%s: shown to a person", key).isRegularFile();
            } else {
                GenerationPlan plan = GenerationPlan.builder().condition(key).target(HELPER, Step.maskgit(2))
                        .build();
                GenerationResult r = generator.generate(Map.of(key, encoded), plan, 3);
                assertThat(Arrays.stream(r.tokens(HELPER)).boxed()).as("%s: the helper generated from it", key)
                        .hasSize(4).allSatisfy(id -> assertThat(id).isBetween(0, 15));
                Path out = dir.resolve("values." + format.extension());
                format.write(value, out);
                assertThat(Files.size(out)).isPositive();
            }
        }
    }

    private static Step step(DecoderStrategy d, ModalitySpec spec) {
        Step s = switch (d.scheme()) {
            case MASKGIT -> Step.maskgit(Math.max(1, Math.min(d.steps(), MAX_STEPS)));
            case ROAR -> Step.roar(Math.max(1, Math.min(d.steps(), MAX_STEPS)));
            case AUTOREGRESSIVE -> Step.autoregressive();
        };
        s = s.temperature(d.temperature()).temperatureSchedule(d.temperatureSchedule());
        if (spec.kind().isSequence()) {
            // A short sequence keeps the autoregressive loop fast; the scheme is the plugin's.
            s = s.tokens(Math.min(spec.maxTokens(), 8));
        }
        return s;
    }

    /** A generated sequence up to its first {@code [EOS]}; a grid as it is. */
    private static int[] sequenceBody(int[] ids, ModalitySpec spec, SpecialTokens special) {
        if (!spec.kind().isSequence()) {
            return ids;
        }
        int n = 0;
        while (n < ids.length && ids[n] != special.eos()) {
            n++;
        }
        return Arrays.copyOf(ids, n);
    }

    private void trainOneStep(FourMModel model, Map<String, ModalitySpec> specs, SpecialTokens special,
                              String key, ModalitySpec spec, Object encoded, int[] helperIds) {
        int tokens = Math.min(spec.maxTokens(), 16);
        int targets = Math.min(16, specs.values().stream().filter(ModalitySpec::decoder)
                .mapToInt(ModalitySpec::maxTokens).sum());
        // The modality is input and target as its sides allow; the helper is on the side that leaves the modality a
        // partner: an input when the modality is a target, the target of an input-only modality.
        Map<String, ModalityAlphas> alphas = new LinkedHashMap<>();
        alphas.put(key, new ModalityAlphas(new double[] {spec.encoder() ? 1 : 0},
                new double[] {spec.decoder() ? 1 : 0},
                spec.kind().isSequence() ? List.of(KeepScheme.RANDOM) : List.of()));
        alphas.put(HELPER, new ModalityAlphas(new double[] {spec.decoder() ? 1 : 0},
                new double[] {spec.decoder() ? 0 : 1}, List.of()));
        MaskingConfig masking = new MaskingConfig(tokens, tokens, targets, targets,
                AlphaMixture.of(new double[] {1}, alphas), special, 9);
        UnifiedMasking masker = new UnifiedMasking(specs, masking);
        List<MaskedSample> samples = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Map<String, ModalityInput> sample = new LinkedHashMap<>();
            sample.put(key, maskingInput(spec, encoded));
            sample.put(HELPER, new ModalityInput.Grid(helperIds));
            samples.add(masker.mask(i, sample));
        }
        MaskedBatch batch = new MaskingCollator(specs).collate(samples);
        Map<String, NDArray> params = model.parameters().trainable();
        AdamW.attachGradients(params);
        float[] before = sums(params);
        try (AdamW optimizer = new AdamW(params, new AdamW.Hyper(0.9, 0.95, 1e-8, 0.0, 1.0));
             NDManager sm = model.newStepManager()) {
            float loss;
            try (GradientCollector gc = model.manager().getEngine().newGradientCollector()) {
                ForwardOutput fo = model.forward(sm, batch, ForwardOptions.defaults()
                        .withNumEncoderTokens(tokens).withNumDecoderTokens(targets));
                NDArray l = fo.loss(LossType.MOD);
                loss = l.getFloat();
                gc.backward(l);
            }
            assertThat(loss).as("%s: training loss", key).isFinite().isPositive();
            AdamW.StepStats stats = optimizer.step(1e-2, 1.0);
            assertThat(stats.skipped()).as("%s: the step was not skipped (non-finite: %s)", key, stats.nonFinite())
                    .isFalse();
        }
        assertThat(sums(params)).as("%s: the step changed the parameters", key).isNotEqualTo(before);
    }

    private static float[] sums(Map<String, NDArray> params) {
        float[] out = new float[params.size()];
        int i = 0;
        for (NDArray p : params.values()) {
            out[i++] = p.sum().getFloat();
        }
        return out;
    }

    /** Equal values: arrays by content (fast for large ones), anything else field by field. */
    private static void assertSameValue(Object actual, Object expected, String what) {
        if (java.util.Objects.deepEquals(actual, expected)) {
            return;
        }
        assertThat(actual).as(what).usingRecursiveComparison().isEqualTo(expected);
    }

    /**
     * The masking input of one encoded value, by the modality's layout, as its masking accepts it: a grid or a
     * sequence of ids, pixels or embedding rows; for a masking that takes chunks (metadata's key-value pairs), one
     * chunk per id unless the plugin overrides this with its own chunks.
     */
    protected ModalityInput maskingInput(ModalitySpec spec, Object encoded) {
        TokenLayout layout = spec.layout();
        ModalityInput in;
        if (encoded instanceof float[] v) {
            int[] shape = layout.valueShape();
            in = shape.length == 3 ? new ModalityInput.Pixels(v, shape)
                    : new ModalityInput.Embeddings(v, shape[0], shape[1]);
        } else {
            int[] ids = (int[]) encoded;
            in = layout.sequence() ? new ModalityInput.Tokens(ids) : new ModalityInput.Grid(ids);
            if (layout.sequence() && spec.tokenMasking().usesKeepScheme()) {
                try {
                    spec.tokenMasking().check(spec.key(), in);
                } catch (IllegalArgumentException tokensRefused) {
                    List<int[]> chunks = new ArrayList<>();
                    for (int id : ids) {
                        chunks.add(new int[] {id});
                    }
                    in = new ModalityInput.Chunks(chunks);
                }
            }
        }
        spec.tokenMasking().check(spec.key(), in);
        return in;
    }
}
