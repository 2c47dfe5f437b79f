package fourm.vq;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import fourm.vq.values.ImageValueKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The golden tokenizer variants made by the reference ({@code V.json} with {@code constructor_kwargs},
 * {@code V.safetensors} with its state dict, {@code V.io.safetensors} with inputs and outputs), from the shared
 * reference folder and from {@code src/test/resources/reference-golden/}, and the tokenizer directory in the
 * reference's published layout each one makes ({@code config.json} = the constructor arguments,
 * {@code model.safetensors} = the state dict).
 *
 * @param name   the variant ({@code sam_instance}: binary masks, {@code rgb}, {@code depth}, ...)
 * @param json   {@code V.json}
 * @param model  {@code V.safetensors}
 * @param io     {@code V.io.safetensors}
 * @param kwargs the constructor arguments
 * @param meta   the whole {@code V.json}
 */
record ReferenceGolden(String name, Path json, Path model, Path io, JsonObject kwargs, JsonObject meta) {
    /** This project's own golden variants (same format). */
    static final Path RESOURCES = Path.of("src/test/resources/reference-golden");

    /** The VQ-VAE variants of a folder (DiVAEs and files without a model are left out). */
    static List<ReferenceGolden> in(Path folder) throws IOException {
        List<ReferenceGolden> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> s = Files.list(folder)) {
            for (Path j : s.sorted().toList()) {
                String f = j.getFileName().toString();
                if (!f.endsWith(".json")) {
                    continue;
                }
                String name = f.substring(0, f.length() - ".json".length());
                Path model = folder.resolve(name + ".safetensors");
                Path io = folder.resolve(name + ".io.safetensors");
                if (!Files.isRegularFile(model) || !Files.isRegularFile(io)) {
                    continue;
                }
                JsonObject meta = JsonParser.parseString(Files.readString(j)).getAsJsonObject();
                if (!meta.has("constructor_kwargs") || !meta.has("reference_class")
                        || !meta.get("reference_class").getAsString().endsWith(".VQVAE")) {
                    continue;
                }
                out.add(new ReferenceGolden(name, j, model, io, meta.getAsJsonObject("constructor_kwargs"), meta));
            }
        }
        return out;
    }

    /** Writes the tokenizer directory in the reference's layout. */
    Path writeDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ReferenceTokenizer.CONFIG_FILE), kwargs.toString());
        Files.copy(model, dir.resolve("model.safetensors"));
        return dir;
    }

    /**
     * The non-standard presets the variant's {@code enc_type} / {@code dec_type} name, as HOCON: the JSON's
     * {@code vit_tiny} entry ({@code dim_tokens}, {@code depth}, {@code num_heads}, {@code mlp_ratio}) describes
     * {@code vit_tiny_enc} and {@code vit_tiny_dec}.
     */
    String presetsHocon() {
        if (!meta.has("vit_tiny")) {
            return "";
        }
        JsonObject v = meta.getAsJsonObject("vit_tiny");
        String net = "{ type = vit, dim = " + v.get("dim_tokens").getAsInt() + ", depth = " + v.get("depth").getAsInt()
                + ", heads = " + v.get("num_heads").getAsInt() + ", mlp-ratio = "
                + (int) v.get("mlp_ratio").getAsDouble() + " }";
        return "vit_tiny_enc " + net + "\nvit_tiny_dec " + net + "\n";
    }

    /** The presets of {@link #presetsHocon()} over fourm-vq's own. */
    ReferencePresets presets() {
        return ReferencePresets.builtIn().with(ReferencePresets.fromConfig(
                com.typesafe.config.ConfigFactory.parseString(presetsHocon())));
    }

    /**
     * What the variant's values are: a {@code fourm_values} entry of the JSON when present, else from the name
     * ({@code sam_instance}: binary masks, {@code rgb}, {@code depth}, {@code normal}, {@code edge}, {@code semseg}, {@code global}, feature maps), else
     * from the arguments (class labels: semseg; a BottleneckMLP: a global embedding; no patch projection: a feature
     * map; 3 channels: RGB; 1 channel: depth).
     */
    ImageValues values() {
        if (meta.has("fourm_values")) {
            return ImageValueKit.byName(meta.get("fourm_values").getAsString());
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (n.startsWith("sam_instance") || n.startsWith("sam-instance")) {
            return ImageValueKit.binaryMask();
        }
        if (n.startsWith("semseg")) {
            return ImageValueKit.semseg();
        }
        if (n.startsWith("global") || n.contains("_global")) {
            return ImageValueKit.globalEmbedding();
        }
        if (n.startsWith("depth")) {
            return ImageValueKit.depth();
        }
        if (n.startsWith("normal")) {
            return ImageValueKit.normal();
        }
        if (n.contains("edge")) {
            return ImageValueKit.edge();
        }
        if (n.startsWith("rgb")) {
            return ImageValueKit.rgb();
        }
        if (has("n_labels")) {
            return ImageValueKit.semseg();
        }
        if (kwargs.get("enc_type").getAsString().contains("MLP")) {
            return ImageValueKit.globalEmbedding();
        }
        if (kwargs.has("patch_proj") && !kwargs.get("patch_proj").getAsBoolean()) {
            return ImageValueKit.featureMap();
        }
        return kwargs.get("n_channels").getAsInt() == 1 ? ImageValueKit.depth() : ImageValueKit.rgb();
    }

    private boolean has(String k) {
        JsonElement e = kwargs.get(k);
        return e != null && !e.isJsonNull();
    }

    @Override
    public String toString() {
        return name;
    }
}
