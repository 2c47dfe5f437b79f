package fourm.core.masking;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import fourm.api.ModalitySpec;
import fourm.api.masking.KeepScheme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A mixture of Dirichlet distributions over modalities (spec §3.4): each sample first draws a component by the
 * sampling weights, then its input and target budgets from that component's alphas.
 *
 * <p>Read one from configuration with {@link #fromConfig(Config, String, Map)}; every value is validated against the
 * experiment's modalities, and a bad value is a {@link ConfigException} that names the full key.
 */
public final class AlphaMixture {
    /** Keys of a modality's entry. */
    public static final Set<String> ENTRY_KEYS = Set.of("input-alphas", "target-alphas", "keep");

    private final double[] weights;
    private final Map<String, ModalityAlphas> alphas;

    private AlphaMixture(double[] weights, Map<String, ModalityAlphas> alphas) {
        this.weights = weights;
        this.alphas = alphas;
    }

    /**
     * A mixture from explicit values.
     *
     * @param weights sampling weight per component, each finite and &gt;= 0, positive sum
     * @param alphas  per modality, each with one entry per component
     */
    public static AlphaMixture of(double[] weights, Map<String, ModalityAlphas> alphas) {
        double sum = 0;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("sampling weights must be finite and >= 0, got "
                        + Arrays.toString(weights));
            }
            sum += w;
        }
        if (weights.length == 0 || !(sum > 0)) {
            throw new IllegalArgumentException("sampling weights need a positive sum, got " + Arrays.toString(weights));
        }
        if (alphas.isEmpty()) {
            throw new IllegalArgumentException("a mixture needs at least one modality");
        }
        alphas.forEach((key, a) -> {
            if (a.components() != weights.length) {
                throw new IllegalArgumentException(key + ": " + a.components() + " components, the sampling weights "
                        + "have " + weights.length);
            }
        });
        return new AlphaMixture(weights.clone(), Collections.unmodifiableMap(new LinkedHashMap<>(alphas)));
    }

    /**
     * A single-component mixture with the same alphas and keep scheme for every modality (the reference's single-alpha
     * form); modalities that cannot be inputs (targets) get input (target) alpha 0.
     */
    public static AlphaMixture uniform(Map<String, ModalitySpec> specs, double inputAlpha, double targetAlpha,
                                       KeepScheme keep) {
        Map<String, ModalityAlphas> alphas = new LinkedHashMap<>();
        specs.forEach((key, spec) -> alphas.put(key, new ModalityAlphas(
                new double[] {spec.encoder() ? inputAlpha : 0}, new double[] {spec.decoder() ? targetAlpha : 0},
                spec.tokenMasking().usesKeepScheme() ? List.of(keep) : List.of())));
        return of(new double[] {1}, alphas);
    }

    /**
     * Reads a mixture: {@code sampling-weights} (optional list; uniform when absent) and {@code modalities}, an object
     * with one entry per modality: {@code input-alphas}, {@code target-alphas} (lists of numbers, one per component)
     * and, for sequences only, {@code keep} (a list of {@code random}, {@code all} or {@code binary}).
     *
     * @param node  the node holding {@code sampling-weights} and {@code modalities}
     * @param path  the node's full path, for error messages
     * @param specs the experiment's modalities; the mixture must name exactly these
     * @throws ConfigException naming the key: a negative or non-numeric alpha, a list of the wrong length, a modality
     *                         unknown to the experiment or missing from the mixture, a missing or misplaced keep, an
     *                         alpha above 0 for a side the modality does not have
     */
    public static AlphaMixture fromConfig(Config node, String path, Map<String, ModalitySpec> specs) {
        Config mods = node.getConfig("modalities");
        String modsPath = path + ".modalities";
        Map<String, ConfigValue> entries = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : mods.root().entrySet()) {
            entries.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, ConfigValue> e : entries.entrySet()) {
            if (!specs.containsKey(e.getKey())) {
                throw new ConfigException.BadPath(e.getValue().origin(), join(modsPath, e.getKey()),
                        "unknown modality '" + e.getKey() + "' in the mixture; the experiment's modalities are "
                                + new TreeSet<>(specs.keySet()));
            }
        }
        for (String key : specs.keySet()) {
            if (!entries.containsKey(key)) {
                throw new ConfigException.BadValue(mods.origin(), modsPath, "modality '" + key
                        + "' of the experiment has no alphas in the mixture; add an entry "
                        + ConfigUtil.quoteString(key) + " { input-alphas = [...], target-alphas = [...] }");
            }
        }
        int k;
        double[] weights;
        String weightsPath = path + ".sampling-weights";
        if (node.hasPath("sampling-weights")) {
            weights = numbers(node, "sampling-weights", weightsPath, -1);
            k = weights.length;
            if (k == 0 || Arrays.stream(weights).sum() <= 0) {
                throw new ConfigException.BadValue(node.getValue("sampling-weights").origin(), weightsPath,
                        "sampling weights need at least one component and a positive sum, got "
                                + Arrays.toString(weights));
            }
        } else {
            String first = specs.keySet().iterator().next();
            k = numbers(mods.getConfig(ConfigUtil.quoteString(first)), "input-alphas",
                    join(modsPath, first) + ".input-alphas", -1).length;
            weights = new double[k];
            Arrays.fill(weights, 1.0);
        }
        Map<String, ModalityAlphas> alphas = new LinkedHashMap<>();
        for (Map.Entry<String, ModalitySpec> s : specs.entrySet()) {
            String key = s.getKey();
            ModalitySpec spec = s.getValue();
            String entryPath = join(modsPath, key);
            ConfigValue raw = entries.get(key);
            if (raw.valueType() != ConfigValueType.OBJECT) {
                throw new ConfigException.BadValue(raw.origin(), entryPath, "expected an object with input-alphas,"
                        + " target-alphas" + (spec.tokenMasking().usesKeepScheme() ? " and keep" : "") + ", got a "
                        + raw.valueType().name().toLowerCase(java.util.Locale.ROOT));
            }
            Config entry = mods.getConfig(ConfigUtil.quoteString(key));
            for (Map.Entry<String, ConfigValue> e : entry.root().entrySet()) {
                if (!ENTRY_KEYS.contains(e.getKey())) {
                    throw new ConfigException.BadPath(e.getValue().origin(), entryPath + "." + e.getKey(),
                            "unknown key; expected one of " + new TreeSet<>(ENTRY_KEYS));
                }
            }
            double[] in = numbers(entry, "input-alphas", entryPath + ".input-alphas", k);
            double[] tgt = numbers(entry, "target-alphas", entryPath + ".target-alphas", k);
            sideAllowed(entry, "input-alphas", entryPath, in, spec.encoder(), "an input (encoder = false)");
            sideAllowed(entry, "target-alphas", entryPath, tgt, spec.decoder(), "a target (decoder = false)");
            List<KeepScheme> keep = new ArrayList<>();
            String keepPath = entryPath + ".keep";
            if (spec.tokenMasking().usesKeepScheme()) {
                if (!entry.hasPath("keep")) {
                    throw new ConfigException.BadValue(entry.origin(), keepPath, "missing: " + key + " is masked with "
                            + spec.tokenMasking().name() + ", so its entry needs keep = [random | all | binary, ...],"
                            + " one per component");
                }
                List<String> names = strings(entry, "keep", keepPath);
                if (names.size() != k) {
                    throw new ConfigException.BadValue(entry.getValue("keep").origin(), keepPath, "expected " + k
                            + " keep schemes (one per component), got " + names.size());
                }
                for (String name : names) {
                    try {
                        keep.add(KeepScheme.fromConfigName(name));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException.BadValue(entry.getValue("keep").origin(), keepPath, e.getMessage());
                    }
                }
            } else if (entry.hasPath("keep")) {
                throw new ConfigException.BadPath(entry.getValue("keep").origin(), keepPath, key + " is masked with "
                        + spec.tokenMasking().name() + ", which draws no keep probability: keep does not apply");
            }
            alphas.put(key, new ModalityAlphas(in, tgt, keep));
        }
        return of(weights, alphas);
    }

    private static void sideAllowed(Config entry, String name, String entryPath, double[] alphas, boolean allowed,
                                    String side) {
        if (!allowed && Arrays.stream(alphas).anyMatch(a -> a > 0)) {
            throw new ConfigException.BadValue(entry.getValue(name).origin(), entryPath + "." + name,
                    "the modality cannot be " + side + ": every alpha must be 0, got " + Arrays.toString(alphas));
        }
    }

    private static double[] numbers(Config node, String name, String fullPath, int expectedLength) {
        List<Double> list;
        try {
            list = node.getDoubleList(name);
        } catch (ConfigException.Missing e) {
            throw new ConfigException.BadValue(node.origin(), fullPath, "missing: expected a list of numbers", e);
        } catch (ConfigException.WrongType e) {
            throw new ConfigException.BadValue(node.getValue(name).origin(), fullPath, "expected a list of numbers ("
                    + e.getMessage() + ")", e);
        }
        if (expectedLength >= 0 && list.size() != expectedLength) {
            throw new ConfigException.BadValue(node.getValue(name).origin(), fullPath, "expected " + expectedLength
                    + " values (one per mixture component), got " + list.size());
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            double v = list.get(i);
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new ConfigException.BadValue(node.getValue(name).origin(), fullPath, "value " + v + " at index "
                        + i + " must be finite and >= 0");
            }
            out[i] = v;
        }
        return out;
    }

    private static List<String> strings(Config node, String name, String fullPath) {
        try {
            return node.getStringList(name);
        } catch (ConfigException.WrongType e) {
            throw new ConfigException.BadValue(node.getValue(name).origin(), fullPath, "expected a list of strings ("
                    + e.getMessage() + ")", e);
        }
    }

    static String join(String path, String key) {
        return path + "." + ConfigUtil.joinPath(key);
    }

    /** Number of components. */
    public int components() {
        return weights.length;
    }

    /** The sampling weights (a copy). */
    public double[] weights() {
        return weights.clone();
    }

    /** The modalities, in the order they were given. */
    public Set<String> modalities() {
        return alphas.keySet();
    }

    /** The alphas of {@code key}. */
    public ModalityAlphas alphas(String key) {
        ModalityAlphas a = alphas.get(key);
        if (a == null) {
            throw new IllegalArgumentException("the mixture has no modality '" + key + "'; it has " + alphas.keySet());
        }
        return a;
    }

    /** Draws a component index with probability proportional to its weight. */
    public int sampleComponent(SplittableRandom rng) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double u = rng.nextDouble() * total;
        double acc = 0;
        int last = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                last = i;
                acc += weights[i];
                if (u < acc) {
                    return i;
                }
            }
        }
        return last;
    }

    /** Checks this mixture names exactly the given modalities. */
    void checkCovers(Map<String, ModalitySpec> specs) {
        if (!alphas.keySet().equals(specs.keySet())) {
            throw new IllegalArgumentException("the mixture covers " + new TreeSet<>(alphas.keySet())
                    + " but the modalities are " + new TreeSet<>(specs.keySet()));
        }
        specs.forEach((key, spec) -> {
            if (spec.tokenMasking().usesKeepScheme() && alphas.get(key).keep().isEmpty()) {
                throw new IllegalArgumentException(key + " is masked with " + spec.tokenMasking().name()
                        + ": its alphas need a keep scheme per component");
            }
        });
    }
}
