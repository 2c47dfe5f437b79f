package fourm.core.generate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import fourm.api.GenerationScheme;
import fourm.api.ModalitySpec;
import fourm.api.TokenLayout;
import fourm.core.model.ModalityCatalog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads generation plans in the reference's format; the keys are listed at {@link GenerationPlan#fromConfig(Config)}.
 */
final class PlanConfig {
    static final String PRESETS = "fourm.generate.presets";
    static final Set<String> KEYS = Set.of("name", "cond_domains", "target_domains", "tokens_per_target",
            "autoregression_schemes", "decoding_steps", "token_decoding_schedules", "temps", "temp_schedules",
            "cfg_scales", "cfg_schedules", "cfg_grow_conditioning", "top_k", "top_p");
    private static final Pattern HYPHEN = Pattern.compile("(?<![eE])-");

    private PlanConfig() {
    }

    static Config presetNode(Config root, String name) {
        String path = PRESETS + ".\"" + name + "\"";
        if (!root.hasPath(PRESETS) || !root.getConfig(PRESETS).root().containsKey(name)) {
            throw new ConfigException.BadValue(root.hasPath(PRESETS) ? root.getValue(PRESETS).origin()
                    : root.origin(), path, "no generation preset '" + name + "'; known: " + presetNames(root));
        }
        return root.getConfig(path);
    }

    static Set<String> presetNames(Config root) {
        return root.hasPath(PRESETS) ? new TreeSet<>(root.getConfig(PRESETS).root().keySet()) : Set.of();
    }

    /** Parses {@code c}; with a catalog, also checks that every modality exists and suits its scheme. */
    static GenerationPlan parse(Config c, ModalityCatalog known) {
        for (Map.Entry<String, ConfigValue> e : c.root().entrySet()) {
            if (!KEYS.contains(e.getKey())) {
                throw new ConfigException.BadPath(e.getValue().origin(), e.getKey(),
                        "unknown key in a generation plan; expected one of " + new TreeSet<>(KEYS));
            }
        }
        List<String> conditions = c.hasPath("cond_domains") ? domains(c, "cond_domains") : List.of();
        if (!c.hasPath("target_domains")) {
            throw new ConfigException.Missing(c.origin(), "target_domains");
        }
        List<String> targets = domains(c, "target_domains");
        int n = targets.size();
        if (n == 0) {
            throw bad(c, "target_domains", "a plan needs at least one target");
        }
        if (new java.util.HashSet<>(targets).size() != n) {
            throw bad(c, "target_domains", "a target is listed twice: " + targets);
        }
        for (String t : targets) {
            if (conditions.contains(t)) {
                throw bad(c, "target_domains", "'" + t + "' is also in cond_domains " + conditions
                        + "; a modality is either a condition or a target");
            }
        }
        if (known != null) {
            checkKnown(c, "cond_domains", conditions, known);
            checkKnown(c, "target_domains", targets, known);
        }
        if (!c.hasPath("autoregression_schemes")) {
            throw new ConfigException.Missing(c.origin(), "autoregression_schemes");
        }
        List<Object> schemes = perTarget(c, "autoregression_schemes", targets);
        List<Object> steps = perTarget(c, "decoding_steps", targets);
        List<Object> tokens = perTarget(c, "tokens_per_target", targets);
        List<Object> tokenSchedules = perTarget(c, "token_decoding_schedules", targets);
        List<Object> temps = perTarget(c, "temps", targets);
        List<Object> tempSchedules = perTarget(c, "temp_schedules", targets);
        List<Object> cfgScales = perTarget(c, "cfg_scales", targets);
        List<Object> cfgSchedules = perTarget(c, "cfg_schedules", targets);
        boolean grow = bool(c, "cfg_grow_conditioning");

        Map<String, Step> plan = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String t = targets.get(i);
            GenerationScheme scheme = parseWith(c, "autoregression_schemes", t, text(c, "autoregression_schemes", t,
                    schemes.get(i), true), GenerationScheme::fromConfigName);
            if (known != null) {
                TokenLayout layout = known.find(t).orElseThrow().layout();
                boolean seq = layout.sequence();
                if (!layout.discrete()) {
                    throw bad(c, "target_domains", "'" + t + "' is " + layout.name()
                            + " and cannot be generated (only token modalities can be targets)");
                }
                if (seq != (scheme == GenerationScheme.AUTOREGRESSIVE)) {
                    throw bad(c, "autoregression_schemes", "target '" + t + "' is " + layout.name() + ": "
                            + (seq ? "a sequence is decoded autoregressive" : "a grid is decoded with maskgit or roar")
                            + ", got " + scheme.configName());
                }
            }
            Step s;
            if (scheme == GenerationScheme.AUTOREGRESSIVE) {
                s = Step.autoregressive();
            } else {
                if (steps == null) {
                    throw new ConfigException.Missing(c.origin(), "decoding_steps");
                }
                Integer k = integer(c, "decoding_steps", t, steps.get(i));
                if (k == null) {
                    throw bad(c, "decoding_steps", "target '" + t + "' (" + scheme.configName()
                            + ") needs a step count");
                }
                s = build(c, "decoding_steps", t, () -> scheme == GenerationScheme.ROAR ? Step.roar(k)
                        : Step.maskgit(k));
                String schedule = tokenSchedules == null ? null : text(c, "token_decoding_schedules", t,
                        tokenSchedules.get(i), false);
                if (schedule != null) {
                    TokenSchedule ts = parseWith(c, "token_decoding_schedules", t, schedule,
                            TokenSchedule::fromConfigName);
                    Step base = s;
                    s = build(c, "token_decoding_schedules", t, () -> base.tokenSchedule(ts));
                }
                String ts = tempSchedules == null ? null : text(c, "temp_schedules", t, tempSchedules.get(i), false);
                if (ts != null) {
                    TemperatureSchedule sched = parseWith(c, "temp_schedules", t, ts, TemperatureSchedule::parse);
                    s = s.temperatureSchedule(sched);
                }
            }
            Double temp = temps == null ? null : number(c, "temps", t, temps.get(i));
            if (temp != null) {
                Step base = s;
                s = build(c, "temps", t, () -> base.temperature(temp));
            }
            Integer tok = tokens == null ? null : integer(c, "tokens_per_target", t, tokens.get(i));
            if (tok != null) {
                Step base = s;
                s = build(c, "tokens_per_target", t, () -> base.tokens(tok));
            }
            if (cfgSchedules != null) {
                String cs = text(c, "cfg_schedules", t, cfgSchedules.get(i), false);
                if (cs != null && !cs.equals("constant")) {
                    throw bad(c, "cfg_schedules", "target '" + t + "': guidance schedule '" + cs
                            + "' is not supported; only constant (the reference implements no other)");
                }
            }
            if (cfgScales != null && cfgScales.get(i) != null) {
                Object v = cfgScales.get(i);
                Step base = s;
                if (v instanceof List<?> list) {
                    double[] w = new double[list.size()];
                    for (int j = 0; j < w.length; j++) {
                        Double d = number(c, "cfg_scales", t, list.get(j));
                        if (d == null) {
                            throw bad(c, "cfg_scales", "target '" + t + "': guidance weight " + j + " is null");
                        }
                        w[j] = d;
                    }
                    s = build(c, "cfg_scales", t, () -> base.cfgWeights(w));
                } else {
                    Double d = number(c, "cfg_scales", t, v);
                    s = build(c, "cfg_scales", t, () -> base.cfgScale(d));
                }
            }
            plan.put(t, s);
        }
        TopK topK = TopK.NONE;
        if (c.hasPath("top_k")) {
            double k = numberAt(c, "top_k");
            try {
                topK = TopK.parse(k);
            } catch (IllegalArgumentException e) {
                throw bad(c, "top_k", e.getMessage());
            }
        }
        double topP = c.hasPath("top_p") ? numberAt(c, "top_p") : 0;
        try {
            return new GenerationPlan(conditions, plan, grow, topK, topP);
        } catch (IllegalArgumentException e) {
            String key = e.getMessage().contains("top-p") ? "top_p" : "cfg_scales";
            throw bad(c, key, e.getMessage());
        }
    }

    /** A boolean, also as the reference's YAML spells it ({@code True}, {@code False}); false when absent. */
    private static boolean bool(Config c, String key) {
        if (!c.hasPath(key)) {
            return false;
        }
        ConfigValue v = c.getValue(key);
        if (v.valueType() == ConfigValueType.BOOLEAN) {
            return (Boolean) v.unwrapped();
        }
        if (v.valueType() == ConfigValueType.STRING) {
            String s = ((String) v.unwrapped()).trim().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("yes")) {
                return true;
            }
            if (s.equals("false") || s.equals("no")) {
                return false;
            }
        }
        throw bad(c, key, "expected true or false, got " + v.render());
    }

    private static void checkKnown(Config c, String key, List<String> keys, ModalityCatalog known) {
        for (String k : keys) {
            if (known.find(k).isEmpty()) {
                throw bad(c, key, "unknown modality '" + k + "'");
            }
        }
    }

    private static double numberAt(Config c, String key) {
        ConfigValue v = c.getValue(key);
        Double d = number(c, key, null, v.unwrapped());
        if (d == null) {
            throw bad(c, key, "expected a number, got null");
        }
        return d;
    }

    private interface StepMaker {
        Step make();
    }

    private static Step build(Config c, String key, String target, StepMaker maker) {
        try {
            return maker.make();
        } catch (IllegalArgumentException e) {
            throw bad(c, key, "target '" + target + "': " + e.getMessage());
        }
    }

    private static <T> T parseWith(Config c, String key, String target, String text,
                                   java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            throw bad(c, key, "target '" + target + "': " + e.getMessage());
        }
    }

    static ConfigException bad(Config c, String key, String message) {
        ConfigOrigin origin = c.hasPath(key) ? c.getValue(key).origin() : c.origin();
        return new ConfigException.BadValue(origin, key, message);
    }

    /** A list of modality keys: a HOCON list, a hyphen-joined string, or null (empty). */
    private static List<String> domains(Config c, String key) {
        ConfigValue v = c.root().get(key);
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v.valueType() == ConfigValueType.LIST) {
            for (Object o : (List<?>) v.unwrapped()) {
                if (!(o instanceof String s) || s.isBlank()) {
                    throw bad(c, key, "expected modality keys, got " + o);
                }
                out.add(s.trim());
            }
        } else if (v.valueType() == ConfigValueType.STRING) {
            String s = ((String) v.unwrapped()).trim();
            if (!s.isEmpty()) {
                for (String part : s.split("-")) {
                    if (part.isBlank()) {
                        throw bad(c, key, "empty modality key in '" + s + "'");
                    }
                    out.add(part.trim());
                }
            }
        } else {
            throw bad(c, key, "expected a list of modality keys or a hyphen-joined string, got "
                    + v.valueType().name().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /**
     * One raw entry per target: a list of the right length, a hyphen-joined string, or one value for all; null when
     * the key is absent or null.
     */
    private static List<Object> perTarget(Config c, String key, List<String> targets) {
        ConfigValue v = c.root().get(key);
        int n = targets.size();
        if (v == null || v.valueType() == ConfigValueType.NULL) {
            return null;
        }
        List<Object> out;
        if (v.valueType() == ConfigValueType.LIST) {
            out = new ArrayList<>((List<?>) v.unwrapped());
            if (out.size() != n) {
                throw bad(c, key, "has " + out.size() + " entries, expected one per target (" + n + ": " + targets
                        + ")");
            }
            return out;
        }
        if (v.valueType() == ConfigValueType.STRING) {
            String s = ((String) v.unwrapped()).trim();
            String[] parts = HYPHEN.split(s);
            if (parts.length > 1) {
                if (parts.length != n) {
                    throw bad(c, key, "'" + s + "' has " + parts.length + " hyphen-joined entries, expected one per"
                            + " target (" + n + ": " + targets + ")");
                }
                return new ArrayList<>(Arrays.asList(parts));
            }
        }
        if (v.valueType() == ConfigValueType.OBJECT) {
            throw bad(c, key, "expected a list with one entry per target, or one value for all");
        }
        return new ArrayList<>(Collections.nCopies(n, v.unwrapped()));
    }

    private static boolean isNull(Object o) {
        return o == null || o instanceof String s && (s.isBlank() || s.trim().equals("None")
                || s.trim().equals("null"));
    }

    private static String text(Config c, String key, String target, Object o, boolean required) {
        if (isNull(o)) {
            if (required) {
                throw bad(c, key, "target '" + target + "' has no value");
            }
            return null;
        }
        if (o instanceof String s) {
            return s.trim();
        }
        throw bad(c, key, "target '" + target + "': expected a name, got " + o);
    }

    private static Double number(Config c, String key, String target, Object o) {
        if (isNull(o)) {
            return null;
        }
        String where = target == null ? "" : "target '" + target + "': ";
        if (o instanceof Number num) {
            return num.doubleValue();
        }
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw bad(c, key, where + "expected a number, got '" + s + "'");
            }
        }
        throw bad(c, key, where + "expected a number, got " + o);
    }

    private static Integer integer(Config c, String key, String target, Object o) {
        Double d = number(c, key, target, o);
        if (d == null) {
            return null;
        }
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw bad(c, key, "target '" + target + "': expected a whole number, got " + d);
        }
        return (int) Math.round(d);
    }

    /** For callers that want the checked catalog view of a model. */
    static ModalityCatalog catalogOf(Map<String, ModalitySpec> modalities) {
        return k -> Optional.ofNullable(modalities.get(k));
    }
}
