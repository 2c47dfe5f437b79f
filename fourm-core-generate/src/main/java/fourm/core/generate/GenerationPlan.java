package fourm.core.generate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import fourm.api.GenerationScheme;
import fourm.core.model.ModalityCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * What to generate and how: the conditioning modalities, the targets in chain order with a {@link Step} each, growing
 * conditioning, and top-k / top-p filtering (spec section 4.2).
 *
 * <p>Build one fluently:
 * <pre>{@code
 * GenerationPlan plan = GenerationPlan.builder()
 *         .condition("tok_rgb@224")
 *         .target("tok_depth@224", Step.roar(8).temperature(1.0).cfgScale(2.0))
 *         .target("caption", Step.autoregressive().temperature(0.3))
 *         .growConditioning(true)
 *         .topP(0.8)
 *         .build();
 * }</pre>
 * or load one from HOCON with the reference's keys ({@link #fromConfig(Config)}),
 * or take a preset shipped in fourm-core's {@code reference.conf} ({@link #preset(String)}: {@code rgb2x},
 * {@code x2rgb}, {@code t2cr}).
 *
 * <p>Targets are decoded one after the other; each sees every modality decoded before it. With growing conditioning
 * a finished target joins the conditions that guidance removes in the unconditional pass of later targets.
 *
 * @param conditions        modalities classifier-free guidance removes in its unconditional pass (the inputs the
 *                          generation is conditioned on)
 * @param targets           target modalities in chain order, each with its step
 * @param growConditioning  append each finished target to the guidance conditions
 * @param topK              top-k filter of every sampling
 * @param topP              top-p threshold of every sampling, 0 for none
 */
public record GenerationPlan(List<String> conditions, Map<String, Step> targets, boolean growConditioning, TopK topK,
                             double topP) {

    /** Checks the plan: at least one target, no modality both a condition and a target, weights per condition. */
    public GenerationPlan {
        Objects.requireNonNull(topK, "topK");
        conditions = List.copyOf(conditions);
        targets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        if (new LinkedHashSet<>(conditions).size() != conditions.size()) {
            throw new IllegalArgumentException("a condition is listed twice: " + conditions);
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a plan needs at least one target");
        }
        for (String t : targets.keySet()) {
            if (conditions.contains(t)) {
                throw new IllegalArgumentException("'" + t + "' is both a condition and a target");
            }
        }
        if (!(topP >= 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in [0, 1] (0 = off), got " + topP);
        }
        int i = 0;
        for (Map.Entry<String, Step> e : targets.entrySet()) {
            Step s = e.getValue();
            int expected = conditions.size() + (growConditioning ? i : 0);
            if (s.isWeighted() && s.cfgWeights().size() != expected) {
                throw new IllegalArgumentException("target '" + e.getKey() + "': " + s.cfgWeights().size()
                        + " guidance weights, expected one per condition (" + expected + ": "
                        + conditionsAt(conditions, List.copyOf(targets.keySet()), i, growConditioning) + ")");
            }
            i++;
        }
    }

    private static List<String> conditionsAt(List<String> conditions, List<String> targets, int index, boolean grow) {
        List<String> out = new ArrayList<>(conditions);
        if (grow) {
            out.addAll(targets.subList(0, index));
        }
        return out;
    }

    /** A builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The target modalities in chain order. */
    public List<String> targetKeys() {
        return List.copyOf(targets.keySet());
    }

    /**
     * The flat schedule (spec section 4.2): for each target, one entry per parallel step with its token count and
     * temperature, or one entry for autoregressive decoding; guidance conditions grow along the chain when asked.
     *
     * @param tokensOf the number of tokens a grid target decodes when its step names none
     */
    public List<ScheduledStep> schedule(ToIntFunction<String> tokensOf) {
        List<ScheduledStep> out = new ArrayList<>();
        List<String> conds = new ArrayList<>(conditions);
        int ti = 0;
        for (Map.Entry<String, Step> e : targets.entrySet()) {
            String target = e.getKey();
            Step s = e.getValue();
            if (s.scheme() == GenerationScheme.AUTOREGRESSIVE) {
                out.add(new ScheduledStep(target, ti, 0, s.scheme(), 0, s.temperature(), s.cfgScale(),
                        s.cfgWeights(), conds));
            } else {
                int n = s.tokens().orElseGet(() -> tokensOf.applyAsInt(target));
                int[] perStep = s.tokenSchedule().tokensPerStep(s.steps(), n);
                double[] temps = s.temperatureSchedule().temperatures(s.temperature(), perStep);
                for (int k = 0; k < perStep.length; k++) {
                    out.add(new ScheduledStep(target, ti, k, s.scheme(), perStep[k], temps[k], s.cfgScale(),
                            s.cfgWeights(), conds));
                }
            }
            if (growConditioning) {
                conds.add(target);
            }
            ti++;
        }
        return out;
    }

    /**
     * Reads a plan in the reference's format (spec section 5, {@code cfgs/default/generation/settings_*}), checking
     * its structure.
     *
     * <table>
     *   <caption>Plan keys</caption>
     *   <tr><th>key</th><th>value</th><th>default</th></tr>
     *   <tr><td>{@code cond_domains}</td><td>modalities guidance removes (the conditions)</td><td>none</td></tr>
     *   <tr><td>{@code target_domains}</td><td>targets, in chain order</td><td>required</td></tr>
     *   <tr><td>{@code autoregression_schemes}</td><td>per target: maskgit, roar or autoregressive</td>
     *       <td>required</td></tr>
     *   <tr><td>{@code decoding_steps}</td><td>per target: steps of maskgit / roar (null for autoregressive)</td>
     *       <td>required when a target is parallel</td></tr>
     *   <tr><td>{@code tokens_per_target}</td><td>per target: tokens a grid decodes, or the length of an empty
     *       sequence target</td><td>all masked tokens / the modality's maximum</td></tr>
     *   <tr><td>{@code token_decoding_schedules}</td><td>per target: cosine or linear (roar: linear)</td>
     *       <td>maskgit cosine, roar linear</td></tr>
     *   <tr><td>{@code temps}</td><td>per target: starting temperature</td><td>1.0</td></tr>
     *   <tr><td>{@code temp_schedules}</td><td>per target: constant, linear or onex:min:power</td>
     *       <td>constant</td></tr>
     *   <tr><td>{@code cfg_scales}</td><td>per target: a scale, or a list of weights (one per condition)</td>
     *       <td>1.0</td></tr>
     *   <tr><td>{@code cfg_schedules}</td><td>per target: constant (the only schedule the reference implements)</td>
     *       <td>constant</td></tr>
     *   <tr><td>{@code cfg_grow_conditioning}</td><td>finished targets join the conditions</td><td>false</td></tr>
     *   <tr><td>{@code top_k}</td><td>0 (off), a count, or a fraction of the vocabulary in (0, 1]</td>
     *       <td>0</td></tr>
     *   <tr><td>{@code top_p}</td><td>nucleus threshold in [0, 1], 0 = off</td><td>0</td></tr>
     *   <tr><td>{@code name}</td><td>free text</td><td></td></tr>
     * </table>
     *
     * <p>A per-target value is a HOCON list with one entry per target, or one value for every target. The reference's
     * hyphen-joined strings are accepted too ({@code temps = "6.0-0.5"},
     * {@code target_domains = "tok_clip@224-tok_rgb@224"}, {@code temp_schedules = "onex:0.5:0.5-constant"}); a string
     * without a hyphen applies to every target. Entries that do not apply (the step count of an autoregressive target)
     * may be {@code null} or {@code None}.
     *
     * @throws com.typesafe.config.ConfigException naming the key that is missing, unknown or wrong
     */
    public static GenerationPlan fromConfig(Config plan) {
        return PlanConfig.parse(plan, null);
    }

    /**
     * Reads a plan and checks its modalities against {@code known}: every condition and target must exist there,
     * sequences must be decoded autoregressively and grids with maskgit or roar.
     *
     * @throws com.typesafe.config.ConfigException naming the key that is missing, unknown or wrong
     */
    public static GenerationPlan fromConfig(Config plan, ModalityCatalog known) {
        return PlanConfig.parse(plan, Objects.requireNonNull(known, "known"));
    }

    /**
     * Reads a plan file (HOCON). Substitutions resolve against {@code root} (so a file may say
     * {@code temps = ${fourm.generate.presets.t2cr.temps}}), and a top-level {@code preset = <name>} starts from that
     * preset of {@code root}, the file's other keys replacing the preset's.
     *
     * @param known the modalities to check the plan against, or null for none
     * @throws com.typesafe.config.ConfigException naming the file and the key that is missing, unknown or wrong
     */
    public static GenerationPlan fromFile(java.nio.file.Path file, Config root, ModalityCatalog known) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new com.typesafe.config.ConfigException.IO(ConfigFactory.empty(file.toString()).origin(),
                    "plan file " + file + " does not exist or is not a file");
        }
        Config parsed = ConfigFactory.parseFile(file.toFile(),
                com.typesafe.config.ConfigParseOptions.defaults().setAllowMissing(false));
        Config merged = parsed.withFallback(root).resolve();
        com.typesafe.config.ConfigObject own = ConfigFactory.empty().root();
        for (String key : parsed.root().keySet()) {
            own = own.withValue(key, merged.root().get(key));
        }
        Config c = own.toConfig();
        if (c.hasPath("preset")) {
            String name = c.getString("preset");
            c = c.withoutPath("preset").withFallback(PlanConfig.presetNode(root, name));
        }
        return PlanConfig.parse(c, known);
    }

    /**
     * A preset from the default configuration stack ({@code fourm.generate.presets.<name>}).
     *
     * @throws com.typesafe.config.ConfigException if there is no such preset or it is malformed
     */
    public static GenerationPlan preset(String name) {
        return preset(ConfigFactory.load(), name);
    }

    /**
     * A preset of {@code root} ({@code fourm.generate.presets.<name>}).
     *
     * @throws com.typesafe.config.ConfigException if there is no such preset or it is malformed
     */
    public static GenerationPlan preset(Config root, String name) {
        return PlanConfig.parse(PlanConfig.presetNode(root, name), null);
    }

    /** The preset names of {@code root}. */
    public static Set<String> presetNames(Config root) {
        return PlanConfig.presetNames(root);
    }

    /** Builds a {@link GenerationPlan}. */
    public static final class Builder {
        private final List<String> conditions = new ArrayList<>();
        private final Map<String, Step> targets = new LinkedHashMap<>();
        private boolean grow;
        private TopK topK = TopK.NONE;
        private double topP;

        private Builder() {
        }

        /** Adds conditioning modalities. */
        public Builder condition(String... keys) {
            for (String k : keys) {
                conditions.add(Objects.requireNonNull(k, "condition"));
            }
            return this;
        }

        /**
         * Appends a target to the chain.
         *
         * @throws IllegalArgumentException if the target is already in the plan
         */
        public Builder target(String key, Step step) {
            Objects.requireNonNull(key, "target");
            Objects.requireNonNull(step, "step");
            if (targets.putIfAbsent(key, step) != null) {
                throw new IllegalArgumentException("target '" + key + "' is already in the plan");
            }
            return this;
        }

        /** Whether finished targets join the guidance conditions (default false). */
        public Builder growConditioning(boolean grow) {
            this.grow = grow;
            return this;
        }

        /** Top-k filtering (default none). */
        public Builder topK(TopK k) {
            this.topK = Objects.requireNonNull(k, "topK");
            return this;
        }

        /** Top-p threshold in [0, 1] (default 0 = none). */
        public Builder topP(double p) {
            this.topP = p;
            return this;
        }

        /**
         * The plan.
         *
         * @throws IllegalArgumentException if it has no target, a modality is both a condition and a target, or
         *                                  weighted guidance does not give one weight per condition
         */
        public GenerationPlan build() {
            return new GenerationPlan(conditions, targets, grow, topK, topP);
        }
    }
}
