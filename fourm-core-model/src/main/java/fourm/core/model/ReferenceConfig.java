package fourm.core.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import fourm.api.MaskingPolicy;
import fourm.api.ModalityKind;
import fourm.api.ModalitySpec;
import fourm.api.PositionalScheme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The reference's model configuration ({@code FM(config)} keys: {@code domains_in}, {@code domains_out},
 * {@code dim}, {@code encoder_depth}, ..., {@code act_layer}, {@code gated_mlp}, {@code qk_norm}) and its two
 * checkpoint layouts:
 * <ul>
 *   <li>the golden files' layout: the whole config as one JSON string under the metadata key {@value #CONFIG_KEY};</li>
 *   <li>the released layout: each config key its own metadata string, parsed as YAML after replacing {@code None} by
 *       {@code null} (values of 10,000 characters or more stay strings).</li>
 * </ul>
 * A configuration names domains only; their layouts and sizes come from a {@link ModalityCatalog}.
 */
public final class ReferenceConfig {
    /** Metadata key of the whole config as JSON (golden layout; fourm writes this). */
    public static final String CONFIG_KEY = "config";
    /** Metadata key under which fourm also records its modality table (JSON array). */
    public static final String MODALITIES_KEY = "fourm_modalities";
    /** Released-layout values at or above this length are not YAML-parsed (as the reference does). */
    public static final int MAX_YAML_LENGTH = 10_000;

    private ReferenceConfig() {
    }

    /** The reference config of {@code c}, keys in the golden files' order. */
    public static Map<String, Object> toMap(FourMConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("domains_in", c.domainsIn());
        m.put("domains_out", c.domainsOut());
        m.put("image_size", c.imageSize());
        m.put("patch_size", c.patchSize());
        m.put("dim", c.dim());
        m.put("encoder_depth", c.encoderDepth());
        m.put("decoder_depth", c.decoderDepth());
        m.put("num_heads", c.numHeads());
        m.put("mlp_ratio", c.mlpRatio());
        m.put("decoder_causal_mask", c.decoderCausalMask());
        m.put("decoder_sep_mask", c.decoderSepMask());
        m.put("num_register_tokens", c.numRegisterTokens());
        m.put("share_modality_embeddings", c.shareModalityEmbeddings());
        m.put("qkv_bias", c.qkvBias());
        m.put("proj_bias", c.projBias());
        m.put("mlp_bias", c.mlpBias());
        m.put("norm_bias", c.normBias());
        m.put("act_layer", c.mlp() == MlpKind.GELU ? "GELU" : "SiLU");
        m.put("gated_mlp", c.mlp() == MlpKind.SWIGLU);
        m.put("qk_norm", c.qkNorm());
        return m;
    }

    /** The reference config of {@code c} as JSON in Python's {@code json.dumps} style (as the golden files hold it). */
    public static String toJson(FourMConfig c) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, Object> e : toMap(c).entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(new JsonPrimitive(e.getKey())).append(": ");
            Object v = e.getValue();
            if (v instanceof List<?> list) {
                sb.append('[');
                for (int i = 0; i < list.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(new JsonPrimitive(String.valueOf(list.get(i))));
                }
                sb.append(']');
            } else if (v instanceof String s) {
                sb.append(new JsonPrimitive(s));
            } else {
                sb.append(v);
            }
        }
        return sb.append('}').toString();
    }

    /**
     * The modality table of {@code c} as JSON (fourm's own metadata; makes a checkpoint self-describing): per modality
     * its key, its settings as a plugin's configuration node holds them ({@code spec}, read back with
     * {@link ModalitySpec#fromConfig}), the name of its layout ({@code layout}) and the rows of its positional table
     * ({@code pos_rows}).
     */
    public static String modalitiesJson(FourMConfig c) {
        JsonArray arr = new JsonArray();
        for (ModalitySpec m : c.modalities().values()) {
            JsonObject o = new JsonObject();
            o.addProperty("key", m.key());
            o.add("spec", specJson(m));
            o.addProperty("layout", m.layout().name());
            o.addProperty("pos_rows", m.layout().positionRows());
            arr.add(o);
        }
        return arr.toString();
    }

    /** The settings of {@code s} in the configuration keys {@link ModalitySpec#fromConfig} reads. */
    static JsonObject specJson(ModalitySpec s) {
        JsonObject o = new JsonObject();
        o.addProperty("key", s.key());
        o.addProperty("kind", s.kind().configName());
        s.vocabSize().ifPresent(v -> o.addProperty("vocab-size", v));
        o.addProperty("max-tokens", s.maxTokens());
        if (s.imageSize().isPresent()) {
            int h = s.imageSize().getAsInt();
            int w = s.imageWidth().orElse(h);
            if (w == h) {
                o.addProperty("image-size", h);
            } else {
                JsonArray hw = new JsonArray();
                hw.add(h);
                hw.add(w);
                o.add("image-size", hw);
            }
        } else {
            o.addProperty("max-length", s.maxLength());
        }
        s.patchSize().ifPresent(v -> o.addProperty("patch-size", v));
        s.valueDim().ifPresent(v -> o.addProperty("value-dim", v));
        o.addProperty("positional", s.positional().configName());
        o.addProperty("encoder", s.encoder());
        o.addProperty("decoder", s.decoder());
        s.generation().ifPresent(g -> {
            JsonObject go = new JsonObject();
            go.addProperty("scheme", g.scheme().configName());
            go.addProperty("steps", g.steps());
            go.addProperty("temperature", g.temperature());
            go.addProperty("temperature-schedule", g.temperatureSchedule());
            go.addProperty("cfg-scale", g.cfgScale());
            go.addProperty("top-p", g.topP());
            o.add("generation", go);
        });
        o.addProperty("masking", s.masking().configName());
        return o;
    }

    /**
     * Parses {@link #modalitiesJson(FourMConfig)}, and the table fourm wrote before modalities carried their layout
     * (per modality {@code kind}, {@code vocab_size}, {@code num_tokens}, {@code max_length}, {@code pos_rows},
     * {@code patch_size}, {@code value_dim}, {@code positional}), with the layouts the settings describe.
     *
     * @throws IllegalArgumentException naming {@code source} and the bad entry
     */
    public static List<ModalitySpec> parseModalitiesJson(String json, String source) {
        return parseModalitiesJson(json, source, ModalityCatalog.empty());
    }

    /**
     * Parses {@link #modalitiesJson(FourMConfig)} (or the earlier table). A modality whose plugin brings a layout of
     * its own is saved with that layout's name: when {@code plugins} knows the key with the same settings (the
     * vocabulary size aside), its layout is used; when it does not, the entry is refused, naming the layout, since the
     * settings alone would embed the tokens differently.
     *
     * @throws IllegalArgumentException naming {@code source} and the bad entry
     */
    public static List<ModalitySpec> parseModalitiesJson(String json, String source, ModalityCatalog plugins) {
        List<ModalitySpec> out = new ArrayList<>();
        try {
            JsonArray arr = JsonParser.parseString(json).getAsJsonArray();
            for (JsonElement e : arr) {
                JsonObject o = e.getAsJsonObject();
                ModalitySpec spec = o.has("spec")
                        ? ModalitySpec.fromConfig(ConfigFactory.parseString(o.get("spec").toString()))
                        : earlierTableEntry(o);
                if (!spec.key().equals(o.get("key").getAsString())) {
                    throw new IllegalArgumentException("entry '" + o.get("key").getAsString() + "' holds the settings"
                            + " of '" + spec.key() + "'");
                }
                spec = withPluginLayout(spec, plugins);
                if (o.has("layout") && !o.get("layout").getAsString().equals(spec.layout().name())) {
                    throw new IllegalArgumentException("modality " + spec.key() + " was saved with the layout '"
                            + o.get("layout").getAsString() + "' of its plugin, whose settings give '"
                            + spec.layout().name() + "'; add the plugin that provides " + spec.key()
                            + " with these settings");
                }
                int rows = o.get("pos_rows").getAsInt();
                out.add(spec.withLayout(ResizedPositions.of(spec.layout(), rows)));
            }
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
                 | IllegalArgumentException | ConfigException e) {
            throw new IllegalArgumentException(source + ": metadata '" + MODALITIES_KEY
                    + "' is not a valid modality table: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The plugin's spec of the same key and settings (vocabulary aside; its layout and masking are the plugin's) with
     * the saved vocabulary, else {@code saved}.
     */
    private static ModalitySpec withPluginLayout(ModalitySpec saved, ModalityCatalog plugins) {
        return plugins.find(saved.key()).filter(p -> settingsWithoutVocab(p).equals(settingsWithoutVocab(saved)))
                .map(p -> saved.vocabSize().isPresent() ? p.withVocabSize(saved.vocabSize().getAsInt()) : p)
                .orElse(saved);
    }

    private static JsonObject settingsWithoutVocab(ModalitySpec s) {
        JsonObject o = specJson(s);
        o.remove("vocab-size");
        return o;
    }

    /**
     * An entry of the earlier table as a specification: a grid of {@code num_tokens} cells (a square; token ids are
     * read as a grid of patch 1), or a sequence; an input that is not generated by default. The model reads only the
     * layout and vocabulary of it; the domains of the config say what is an input and what a target.
     */
    private static ModalitySpec earlierTableEntry(JsonObject o) {
        String key = o.get("key").getAsString();
        ModalityKind kind = ModalityKind.fromConfigName(o.get("kind").getAsString());
        int tokens = o.get("num_tokens").getAsInt();
        int valueDim = o.get("value_dim").getAsInt();
        ModalitySpec.Builder b = ModalitySpec.builder(key, kind)
                .setPositional(PositionalScheme.fromConfigName(o.get("positional").getAsString()))
                .setEncoder(true).setDecoder(false).setMaxTokens(tokens);
        if (o.get("vocab_size").getAsInt() > 0) {
            b.optVocabSize(o.get("vocab_size").getAsInt());
        }
        if (valueDim > 0) {
            b.optValueDim(valueDim);
        }
        if (kind.isImageLike()) {
            int side = (int) Math.round(Math.sqrt(tokens));
            int patch = Math.max(1, o.get("patch_size").getAsInt());
            b.optImageSize(side * patch).optPatchSize(patch).setMasking(MaskingPolicy.RANDOM_TOKENS);
        } else {
            b.optMaxLength(o.get("max_length").getAsInt()).setMasking(MaskingPolicy.SPAN);
        }
        return b.build();
    }

    /**
     * Parses a config JSON object (golden layout) into plain Java values.
     *
     * @throws IllegalArgumentException naming {@code source} if it is not a JSON object
     */
    public static Map<String, Object> parseJson(String json, String source) {
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(source + ": the config is not a JSON object");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> kv : e.getAsJsonObject().entrySet()) {
                out.put(kv.getKey(), plain(kv.getValue()));
            }
            return out;
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(source + ": the config is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Object plain(JsonElement e) {
        if (e.isJsonNull()) {
            return null;
        }
        if (e.isJsonArray()) {
            List<Object> l = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> l.add(plain(x)));
            return l;
        }
        if (e.isJsonObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(kv -> m.put(kv.getKey(), plain(kv.getValue())));
            return m;
        }
        JsonPrimitive p = e.getAsJsonPrimitive();
        if (p.isBoolean()) {
            return p.getAsBoolean();
        }
        if (p.isNumber()) {
            return p.getAsBigDecimal();
        }
        return p.getAsString();
    }

    /**
     * Parses the released layout: every metadata value shorter than {@value #MAX_YAML_LENGTH} characters is read as
     * YAML after {@code None} is replaced by {@code null}; longer values stay strings.
     *
     * @throws IllegalArgumentException naming {@code source} and the key whose value is not YAML
     */
    public static Map<String, Object> parseReleasedMetadata(Map<String, String> metadata, String source) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String v = e.getValue();
            if (v.length() >= MAX_YAML_LENGTH) {
                out.put(e.getKey(), v);
                continue;
            }
            try {
                out.put(e.getKey(), yaml.load(v.replace("None", "null")));
            } catch (YAMLException ex) {
                throw new IllegalArgumentException(source + ": metadata '" + e.getKey() + "' is not valid YAML: "
                        + ex.getMessage(), ex);
            }
        }
        return out;
    }

    /**
     * Builds a configuration from reference config values. Required: {@code domains_in}, {@code domains_out},
     * {@code dim}, {@code encoder_depth}, {@code decoder_depth}, {@code num_heads}; the other keys default as in the
     * reference; unknown keys are ignored. Domains may be a list or a hyphen-joined string.
     *
     * @throws IllegalArgumentException naming {@code source}, the key and what was expected
     */
    public static FourMConfig fromMap(Map<String, ?> m, ModalityCatalog catalog, String source) {
        Reader r = new Reader(m, source);
        FourMConfig.Builder b = FourMConfig.builder()
                .dim(r.integer("dim", null))
                .encoderDepth(r.integer("encoder_depth", null))
                .decoderDepth(r.integer("decoder_depth", null))
                .numHeads(r.integer("num_heads", null))
                .mlpRatio(r.number("mlp_ratio", 4.0))
                .qkvBias(r.bool("qkv_bias", true))
                .projBias(r.bool("proj_bias", true))
                .mlpBias(r.bool("mlp_bias", true))
                .normBias(r.bool("norm_bias", true))
                .qkNorm(r.bool("qk_norm", false))
                .decoderSepMask(r.bool("decoder_sep_mask", true))
                .decoderCausalMask(r.bool("decoder_causal_mask", false))
                .numRegisterTokens(r.integer("num_register_tokens", 0))
                .shareModalityEmbeddings(r.bool("share_modality_embeddings", true))
                .imageSize(r.integer("image_size", 224))
                .patchSize(r.integer("patch_size", 16));
        String act = r.string("act_layer", "GELU");
        boolean gated = r.bool("gated_mlp", false);
        String actName = act.replaceAll("^.*[.' ]", "").replace(">", "").replace("'", "").toLowerCase(Locale.ROOT);
        if (actName.equals("gelu") && !gated) {
            b.mlp(MlpKind.GELU);
        } else if (actName.equals("silu") && gated) {
            b.mlp(MlpKind.SWIGLU);
        } else {
            throw new IllegalArgumentException(source + ": act_layer '" + act + "' with gated_mlp " + gated
                    + " is not supported; fourm implements GELU (gated_mlp false) and SiLU (gated_mlp true)");
        }
        List<String> in = r.domains("domains_in");
        List<String> out = r.domains("domains_out");
        b.domainsIn(in).domainsOut(out);
        List<String> unknown = new ArrayList<>();
        for (String k : concat(in, out)) {
            catalog.find(k).ifPresentOrElse(b::putModality, () -> {
                if (!unknown.contains(k)) {
                    unknown.add(k);
                }
            });
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(source + ": unknown modalit" + (unknown.size() == 1 ? "y " : "ies ")
                    + unknown + " in domains_in/domains_out; add their plugins, or give their settings");
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    /** Typed access to config values with errors naming the source and key. */
    private record Reader(Map<String, ?> m, String source) {
        private IllegalArgumentException bad(String key, Object v, String expected) {
            return new IllegalArgumentException(source + ": config key '" + key + "' is "
                    + (v == null ? "missing" : "'" + v + "'") + "; expected " + expected);
        }

        int integer(String key, Integer dflt) {
            Object v = m.get(key);
            if (v == null) {
                if (dflt == null) {
                    throw bad(key, null, "an integer");
                }
                return dflt;
            }
            if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                    && Math.abs(n.doubleValue()) < Integer.MAX_VALUE) {
                return n.intValue();
            }
            throw bad(key, v, "an integer");
        }

        double number(String key, double dflt) {
            Object v = m.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Number n) {
                return n.doubleValue();
            }
            throw bad(key, v, "a number");
        }

        boolean bool(String key, boolean dflt) {
            Object v = m.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof Boolean bv) {
                return bv;
            }
            throw bad(key, v, "true or false");
        }

        String string(String key, String dflt) {
            Object v = m.get(key);
            if (v == null) {
                return dflt;
            }
            if (v instanceof String s) {
                return s;
            }
            throw bad(key, v, "a string");
        }

        List<String> domains(String key) {
            Object v = m.get(key);
            if (v instanceof String s && !s.isBlank()) {
                return Arrays.stream(s.split("-")).map(String::trim).filter(x -> !x.isEmpty()).toList();
            }
            if (v instanceof List<?> l && !l.isEmpty()) {
                List<String> out = new ArrayList<>();
                for (Object o : l) {
                    if (!(o instanceof String s)) {
                        throw bad(key, v, "a list of modality keys");
                    }
                    out.add(s);
                }
                return out;
            }
            throw bad(key, v, "a non-empty list of modality keys (or a hyphen-joined string)");
        }
    }
}
