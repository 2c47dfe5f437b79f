package fourm.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import fourm.api.DecoderStrategy;
import fourm.api.Modality;
import fourm.api.ModalitySpec;
import fourm.api.TokenizerInfo;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.typesafe.config.Config;
import fourm.core.ModalityRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One discovered modality as {@code fourm modalities} shows it: its specification, the module that provides it and
 * whether the experiment enables it.
 *
 * @param spec      the specification, created from the provider's configuration node
 * @param tokenizer what the modality's tokenizer is and where its weights come from
 * @param module    the providing module's name; empty when the provider came from the class path
 * @param origin    where the provider came from ({@code module NAME}, or a jar on the class path)
 * @param enabled   whether {@code fourm.experiment.modalities} enables it (an empty list enables every modality)
 */
record ModalityListing(ModalitySpec spec, TokenizerInfo tokenizer, Optional<String> module, String origin,
        boolean enabled) {

    /**
     * Every modality the started framework discovered (the injector's registry, configuration and enabled
     * modalities), sorted by key. Enabled ones come from start-up; the others are
     * created from their configuration nodes here, so a bad setting of a disabled modality is reported as well.
     */
    static List<ModalityListing> of(Injector injector) {
        ModalityRegistry registry = injector.getInstance(ModalityRegistry.class);
        Config config = injector.getInstance(Config.class);
        Map<String, Modality> modalities = injector.getInstance(Key.get(new TypeLiteral<Map<String, Modality>>() {
        }));
        List<ModalityListing> out = new ArrayList<>();
        for (ModalityRegistry.Entry e : registry.entries()) {
            String key = e.provider().key();
            boolean enabled = modalities.containsKey(key);
            Modality modality = enabled ? modalities.get(key) : registry.create(config, key);
            Module m = e.provider().getClass().getModule();
            out.add(new ModalityListing(modality.spec(), modality.tokenizerInfo(), m.isNamed() ? Optional.of(m.getName()) : Optional.empty(), e.origin(),
                    enabled));
        }
        return out;
    }

    /** The JSON object of this modality; absent values are JSON {@code null}. */
    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("key", spec.key());
        o.addProperty("kind", spec.kind().configName());
        o.add("vocabSize", number(spec.vocabSize()));
        o.addProperty("maxTokens", spec.maxTokens());
        o.addProperty("maxLength", spec.maxLength());
        o.add("imageSize", number(spec.imageSize()));
        o.add("patchSize", number(spec.patchSize()));
        o.add("valueDim", number(spec.valueDim()));
        o.addProperty("positional", spec.positional().configName());
        o.addProperty("encoder", spec.encoder());
        o.addProperty("decoder", spec.decoder());
        o.add("generation", spec.generation().<JsonElement>map(ModalityListing::generation)
                .orElse(JsonNull.INSTANCE));
        o.addProperty("masking", spec.masking().configName());
        o.addProperty("modalityId", spec.modalityId());
        JsonObject t = new JsonObject();
        t.addProperty("type", tokenizer.type());
        t.add("checkpoint", tokenizer.checkpoint().<JsonElement>map(JsonPrimitive::new).orElse(JsonNull.INSTANCE));
        o.add("tokenizer", t);
        o.add("module", module.<JsonElement>map(JsonPrimitive::new)
                .orElse(JsonNull.INSTANCE));
        o.addProperty("origin", origin);
        o.addProperty("enabled", enabled);
        return o;
    }

    /** The JSON array of {@code listings}, in order. */
    static JsonArray toJson(List<ModalityListing> listings) {
        JsonArray a = new JsonArray();
        listings.forEach(l -> a.add(l.toJson()));
        return a;
    }

    /** The table row: key, kind, tokenizer type, vocab, tokens, positional, enc/dec, generation, module. */
    List<String> row() {
        return List.of(spec.key(), spec.kind().configName(), tokenizer.type(),
                spec.vocabSize().isPresent() ? Integer.toString(spec.vocabSize().getAsInt()) : "-",
                Integer.toString(spec.maxTokens()), spec.positional().configName(),
                spec.encoder() && spec.decoder() ? "enc+dec" : spec.encoder() ? "enc" : "dec",
                spec.generation().map(ModalityListing::describe).orElse("-"),
                module.orElse(origin) + (enabled ? "" : " (disabled)"));
    }

    /** Column headers matching {@link #row()}. */
    static List<String> header() {
        return List.of("KEY", "KIND", "TOKENIZER", "VOCAB", "TOKENS", "POSITIONAL", "ENC/DEC", "GENERATION", "MODULE");
    }

    private static JsonObject generation(DecoderStrategy g) {
        JsonObject o = new JsonObject();
        o.addProperty("scheme", g.scheme().configName());
        o.addProperty("steps", g.steps());
        o.addProperty("temperature", g.temperature());
        o.addProperty("temperatureSchedule", g.temperatureSchedule());
        o.addProperty("cfgScale", g.cfgScale());
        o.addProperty("topP", g.topP());
        return o;
    }

    private static String describe(DecoderStrategy g) {
        return g.scheme().configName() + (g.steps() > 0 ? " " + g.steps() + (g.steps() == 1 ? " step" : " steps") : "") + " t=" + g.temperature()
                + " cfg=" + g.cfgScale() + " top-p=" + g.topP();
    }

    private static JsonElement number(OptionalInt v) {
        return v.isPresent() ? new JsonPrimitive(v.getAsInt()) : JsonNull.INSTANCE;
    }
}
