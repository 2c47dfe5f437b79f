package fourm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import fourm.api.Modality;
import fourm.api.io.AtomicFiles;
import fourm.core.ModalityRegistry;
import fourm.core.io.Npy;
import fourm.core.io.SafetensorsReader;
import fourm.core.io.SafetensorsWriter;
import fourm.core.io.TensorInfo;
import fourm.vq.modality.ArrayTokens;
import fourm.vq.modality.ArrayTokensProvider;
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
 * {@code tokenize --input} and {@code detokenize --out} for modalities whose plugin tokenizes arrays of numbers with a
 * tokenizer checkpoint ({@link ArrayTokens}: the pose tokenizer of {@code human_poses}, the mask tokenizer of
 * {@code sam_instance}), and the tensor files both commands read and write: {@code .npy} and {@code .safetensors}.
 * The plugin says what an item is and maps the values; this class reads the files and dispatches.
 */
final class ValueArrays {
    private ValueArrays() {
    }

    /**
     * The modality {@code key} when its plugin tokenizes arrays, created from the configuration with its tokenizer
     * checkpoint setting replaced by {@code tokenizerFile} when given; empty when its plugin does not.
     *
     * @throws UserError if the plugin tokenizes arrays but no checkpoint is configured or given, or the checkpoint does
     *                   not fit (naming the setting)
     */
    static Optional<ArrayTokens> find(Path config, String key, Path tokenizerFile) {
        if (key == null) {
            return Optional.empty();
        }
        Optional<ModalityRegistry.Entry> entry = ModalityRegistry.discover().find(key);
        if (entry.isEmpty() || !(entry.get().provider() instanceof ArrayTokensProvider ap)) {
            return Optional.empty();
        }
        Config root = Startup.loadConfig(config);
        String path = entry.get().provider().configPath();
        String setting = ap.arrayTokenizerSetting() + ".checkpoint";
        Modality m;
        try {
            Config node = root.getConfig(path);
            if (tokenizerFile != null) {
                node = node.withValue(setting, ConfigValueFactory.fromAnyRef(tokenizerFile.toString(),
                        "--tokenizer"));
            }
            m = entry.get().provider().create(node);
        } catch (ConfigException e) {
            throw new UserError("modality '" + key + "' (" + path + "): " + e.getMessage(), e);
        }
        if (m instanceof ArrayTokens a) {
            return Optional.of(a);
        }
        if (m instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // a modality the command does not use: nothing to report
            }
        }
        throw new UserError("modality '" + key + "': no tokenizer checkpoint; set " + path + "." + setting
                + " or pass --tokenizer with a tokenizer directory in the reference's layout or a fourm-vq"
                + " .safetensors");
    }

    /** Tokenizes every item of every file; one line of ids per item (or one JSON array of arrays). */
    static int tokenize(ArrayTokens modality, List<Path> files, ImageTokens.Units units, String tensor, boolean json,
                        PrintWriter out) {
        List<int[]> all = new ArrayList<>();
        try (modality) {
            for (Path f : files) {
                ArrayTokens.Array a = read(f, tensor);
                try {
                    all.addAll(modality.encode(a, units == ImageTokens.Units.model));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(f + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new UserError(e.getMessage(), e);
        }
        return TokenizeCommand.print(all, json, out);
    }

    /** Decodes every id sequence into one tensor file {@code [N, ...]}. */
    static int detokenize(ArrayTokens modality, List<int[]> sequences, ImageTokens.Units units, Path outFile,
                          PrintWriter out) {
        checkOut(outFile);
        ArrayTokens.Array decoded;
        try (modality) {
            decoded = modality.decode(sequences, units == ImageTokens.Units.model);
            write(outFile, decoded.shape(), decoded.data());
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new UserError(e.getMessage(), e);
        }
        out.println("wrote " + sequences.size() + " decoded " + modality.key() + " value"
                + (sequences.size() == 1 ? "" : "s") + " " + Arrays.toString(decoded.shape()) + " (" + units
                + " units) to " + outFile);
        out.flush();
        return Main.OK;
    }

    /** Refuses an output file that is neither {@code .safetensors} nor {@code .npy}. */
    static void checkOut(Path outFile) {
        String name = outFile.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".safetensors") && !name.endsWith(".npy")) {
            throw new UserError("--out " + outFile + ": expected a .safetensors or .npy file");
        }
    }

    /**
     * One array of a tensor file: a {@code .npy}, or a {@code .safetensors} holding one tensor or the one
     * {@code tensor} names (integer tensors are read as numbers).
     *
     * @throws IllegalArgumentException naming the file when it is neither or the tensor is missing
     */
    static ArrayTokens.Array read(Path file, String tensor) throws IOException {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".safetensors")) {
            try (SafetensorsReader r = SafetensorsReader.open(file)) {
                String key = tensor;
                if (key == null) {
                    if (r.keys().size() != 1) {
                        throw new IllegalArgumentException(file + " holds " + r.keys().size() + " tensors "
                                + r.keys() + "; name one with --tensor NAME");
                    }
                    key = r.keys().get(0);
                }
                if (!r.has(key)) {
                    throw new IllegalArgumentException(file + ": no tensor '" + key + "'; it holds " + r.keys());
                }
                TensorInfo info = r.info(key);
                float[] data;
                if (info.dtype().isFloating()) {
                    data = r.floats(key);
                } else {
                    long[] l = r.longs(key);
                    data = new float[l.length];
                    for (int i = 0; i < l.length; i++) {
                        data[i] = l[i];
                    }
                }
                return new ArrayTokens.Array(Arrays.stream(info.shape()).mapToInt(v -> (int) v).toArray(), data);
            }
        }
        if (tensor != null) {
            throw new IllegalArgumentException("--tensor names a tensor of a .safetensors file; " + file
                    + " is not one");
        }
        if (n.endsWith(".npy")) {
            Npy.FloatArray a = Npy.readFloats(file);
            return new ArrayTokens.Array(a.shape(), a.data());
        }
        throw new IllegalArgumentException(file + ": expected a tensor file, .npy or .safetensors");
    }

    /** Writes one float tensor: {@code .npy}, or {@code .safetensors} with the tensor {@code decoded}. */
    static void write(Path file, int[] shape, float[] data) throws IOException {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            AtomicFiles.write(file, Npy.writeFloat32(shape, data));
        } else {
            new SafetensorsWriter().addFloats("decoded", Arrays.stream(shape).asLongStream().toArray(), data)
                    .write(file);
        }
    }
}
