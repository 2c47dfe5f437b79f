package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.api.ModalityTokenizer;
import fourm.api.ValueFormat;
import fourm.core.ModalityRegistry;
import fourm.vq.ImageTokenizer;
import fourm.vq.ModalityImageTokenizer;
import fourm.vq.Raster;
import fourm.vq.TokenGrid;
import fourm.vq.VqConfig;
import fourm.vq.modality.ArrayTokens;
import fourm.vq.modality.ImageTokenModality;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code tokenize} and {@code detokenize} for the image-like modalities whose plugin owns a fourm-vq tokenizer
 * ({@link ImageTokenModality}): the plugin is created from the configuration (its {@code tokenizer.checkpoint}, a
 * fourm-vq {@code .safetensors} or a tokenizer directory in the reference's layout, replaced by {@code --tokenizer}
 * when given), and files go through it.
 *
 * <p>Inputs: an image or map the modality's values read (PNG, {@code .npy}) at the tokenizer's size, in natural
 * units; or tensors, {@code .safetensors} (one tensor, or the one {@code --tensor} names) or {@code .npy}, of shape
 * {@code [N, C, H, W]}, {@code [C, H, W]} ({@code [N, H, W]} for class ids) or {@code [H, W]}. With
 * {@code --units model} the tensors are what the tokenizer network takes (the reference's convention: RGB, normals and
 * edges in [-1, 1], depth standardised, class ids + 1 with 0 = no class) and {@code detokenize} writes the network's
 * output (logits for class ids); with {@code --units natural} (the default) they are the modality's raw values.
 */
final class ImageTokens {
    /** How tensors are read and written. */
    enum Units {
        /** The modality's raw values (the plugin normalises them). */
        natural,
        /** What the tokenizer network takes and gives (the reference's tensors). */
        model
    }

    private ImageTokens() {
    }

    /**
     * The image modality {@code key} when its plugin owns a fourm-vq tokenizer, created from the configuration; with
     * {@code tokenizerFile} its tokenizer is that checkpoint on its own ({@link ImageTokenModality#standalone}: its
     * token count need not fit the modality's grid, as with several lucid codebooks); empty for any other modality.
     */
    static Optional<ImageTokenModality> find(Path config, String key, Path tokenizerFile) {
        if (key == null) {
            return Optional.empty();
        }
        ModalityRegistry registry = ModalityRegistry.discover();
        Optional<ModalityRegistry.Entry> entry = registry.find(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Config root = Startup.loadConfig(config);
        String path = entry.get().provider().configPath();
        if (!root.hasPath(path) || !root.getConfig(path).hasPath("tokenizer.checkpoint")) {
            return Optional.empty();
        }
        Modality m;
        try {
            Config node = root.getConfig(path);
            if (tokenizerFile != null) {
                // the plugin's modality as configured but without its checkpoint; the given one is then read on its own
                node = node.withValue("tokenizer.checkpoint", ConfigValueFactory.fromAnyRef("", "--tokenizer"));
            }
            m = entry.get().provider().create(node);
            if (m instanceof ImageTokenModality itm && tokenizerFile != null) {
                m = itm.standalone(tokenizerFile);
            }
        } catch (ConfigException e) {
            throw new UserError("modality '" + key + "' (" + path + "): " + e.getMessage(), e);
        }
        return m instanceof ImageTokenModality itm ? Optional.of(itm) : Optional.empty();
    }

    /** Tokenizes every file; one line of ids per image (or one JSON array of arrays). */
    static int tokenize(ImageTokenModality modality, List<String> files, Units units, String tensor, boolean json,
                        PrintWriter out) {
        List<int[]> all = new ArrayList<>();
        try {
            ModalityImageTokenizer t = modality.imageTokenizer();
            for (String f : files) {
                List<Raster> inputs = read(modality, t.tokenizer().config(), Path.of(f), units, tensor);
                if (units == Units.model) {
                    for (TokenGrid g : t.tokenizer().encodeModelUnits(inputs)) {
                        all.add(g.tokens());
                    }
                } else {
                    for (int i = 0; i < inputs.size(); i++) {
                        try {
                            all.add(t.encode(inputs.get(i)));
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(f + (inputs.size() > 1 ? " [" + i + "]" : "") + ": "
                                    + e.getMessage(), e);
                        }
                    }
                }
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw userError(modality, e);
        } finally {
            modality.close();
        }
        return TokenizeCommand.print(all, json, out);
    }

    /** Decodes every id sequence into one tensor file {@code [N, C, H, W]}. */
    static int detokenize(ImageTokenModality modality, List<int[]> sequences, Units units, Path outFile,
                          PrintWriter out) {
        if (outFile == null) {
            throw new UserError("detokenize --modality " + modality.spec().key() + " writes decoded values to a file:"
                    + " name it with --out FILE.safetensors (tensor 'decoded') or FILE.npy");
        }
        ValueArrays.checkOut(outFile);
        List<Raster> decoded = new ArrayList<>();
        try {
            ModalityImageTokenizer t = modality.imageTokenizer();
            if (units == Units.model) {
                ImageTokenizer tok = t.tokenizer();
                List<TokenGrid> grids = new ArrayList<>();
                for (int i = 0; i < sequences.size(); i++) {
                    grids.add(grid(tok.config(), sequences.get(i), i + 1));
                }
                if (!tok.canDecode()) {
                    throw new IllegalArgumentException(modality.spec().key() + ": "
                            + modality.checkpoint().map(Path::toString).orElse("the tokenizer") + " has a diffusion"
                            + " decoder (a DiVAE), which gives natural values only; decode with --units natural");
                }
                decoded.addAll(tok.decodeModelUnits(grids));
            } else {
                // the modality's own tokenizer: a DiVAE decodes through its diffusion decoder there
                @SuppressWarnings("unchecked")
                ModalityTokenizer<Raster> natural = (ModalityTokenizer<Raster>) modality.tokenizer().orElseThrow();
                for (int i = 0; i < sequences.size(); i++) {
                    try {
                        decoded.add(natural.decode(sequences.get(i)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("sequence " + (i + 1) + ": " + e.getMessage(), e);
                    }
                }
            }
            write(decoded, outFile);
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw userError(modality, e);
        } finally {
            modality.close();
        }
        Raster first = decoded.get(0);
        out.println("wrote " + decoded.size() + " decoded " + modality.spec().key() + " value" + (decoded.size() == 1
                ? "" : "s") + " [" + decoded.size() + ", " + first.channels() + ", " + first.height() + ", "
                + first.width() + "] (" + units + " units) to " + outFile);
        out.flush();
        return Main.OK;
    }

    private static UserError userError(ImageTokenModality modality, Exception e) {
        return new UserError(e.getMessage() + (modality.checkpoint().isEmpty() ? ", or pass --tokenizer with a"
                + " fourm-vq .safetensors or a tokenizer directory in the reference's layout" : ""), e);
    }

    private static TokenGrid grid(VqConfig c, int[] ids, int position) {
        if (c.quantizer().type() == VqConfig.QuantizerType.MEMCODES) {
            if (ids.length != c.quantizer().heads()) {
                throw new IllegalArgumentException("sequence " + position + ": " + ids.length + " ids, but the "
                        + "tokenizer has " + c.quantizer().heads() + " Memcodes heads (one id each)");
            }
            return new TokenGrid(1, ids.length, ids);
        }
        // several lucid codebooks: one square plane per codebook, stacked (the reference's [codebook, h, w])
        int books = c.quantizer().heads();
        int side = (int) Math.round(Math.sqrt(ids.length / (double) books));
        if (side * side * books != ids.length || side == 0) {
            throw new IllegalArgumentException("sequence " + position + ": " + ids.length + " ids do not make "
                    + (books == 1 ? "a square grid" : books + " square grids (one per codebook)") + "; the"
                    + " tokenizer's is " + (books == 1 ? "" : books + " x ") + c.gridSide() + " x " + c.gridSide());
        }
        return new TokenGrid(books * side, side, ids);
    }

    private static void write(List<Raster> values, Path file) throws IOException {
        Raster first = values.get(0);
        int per = first.size();
        float[] all = new float[values.size() * per];
        for (int i = 0; i < values.size(); i++) {
            Raster r = values.get(i);
            if (r.size() != per) {
                throw new IllegalArgumentException("decoded value " + (i + 1) + " has another shape than the first;"
                        + " decode sequences of one grid per call");
            }
            System.arraycopy(r.data(), 0, all, i * per, per);
        }
        ValueArrays.write(file, new int[] {values.size(), first.channels(), first.height(), first.width()}, all);
    }

    /** The values in one input file, in file order. */
    static List<Raster> read(ImageTokenModality modality, VqConfig c, Path file, Units units, String tensor)
            throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".safetensors") || n.endsWith(".npy")) {
            ArrayTokens.Array a = ValueArrays.read(file, tensor);
            return split(file + (tensor == null ? "" : " tensor '" + tensor + "'"), a.shape(), a.data(), c);
        }
        if (tensor != null) {
            throw new IllegalArgumentException("--tensor names a tensor of a .safetensors file; " + file
                    + " is not one");
        }
        if (units == Units.model) {
            throw new IllegalArgumentException(file + ": --units model takes tensors (.safetensors or .npy), not"
                    + " images");
        }
        ValueFormat<?> format = modality.format().orElseThrow();
        return List.of((Raster) format.read(file));
    }

    /** {@code [N, C, H, W]}, {@code [C, H, W]} ({@code [N, H, W]} for class ids), {@code [H, W]} or {@code [C]}. */
    private static List<Raster> split(String what, int[] shape, float[] data, VqConfig c) {
        int batch;
        int ch;
        int h;
        int w;
        switch (shape.length) {
            case 4 -> {
                batch = shape[0];
                ch = shape[1];
                h = shape[2];
                w = shape[3];
            }
            case 3 -> {
                boolean ids = c.values().classLabels();
                batch = ids ? shape[0] : 1;
                ch = ids ? 1 : shape[0];
                h = shape[1];
                w = shape[2];
            }
            case 2 -> {
                batch = 1;
                ch = 1;
                h = shape[0];
                w = shape[1];
            }
            case 1 -> {
                batch = 1;
                ch = shape[0];
                h = 1;
                w = 1;
            }
            default -> throw new IllegalArgumentException(what + ": shape " + Arrays.toString(shape) + "; expected"
                    + " [N, C, H, W], [C, H, W] ([N, H, W] for class ids), [H, W] or [C]");
        }
        int per = ch * h * w;
        if (batch < 1 || per < 1) {
            throw new IllegalArgumentException(what + ": shape " + Arrays.toString(shape) + " holds no values");
        }
        List<Raster> out = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            out.add(new Raster(ch, h, w, Arrays.copyOfRange(data, i * per, (i + 1) * per)));
        }
        return out;
    }
}
