package fourm.tfjs;

import fourm.tfjs.ModelJson.Group;
import fourm.tfjs.ModelJson.Quantization;
import fourm.tfjs.ModelJson.WeightSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the weight files of a TF.js graph model: each manifest group's files, concatenated, hold its weights in
 * manifest order, little-endian. Quantised weights are decoded: float16 to float32, uint8/uint16 with
 * {@code value = q * scale + min}.
 */
final class Weights {
    /** A decoded weight: exactly one of {@code floats}, {@code ints}, {@code bools} is set. */
    record Weight(String name, long[] shape, String dtype, Path file, float[] floats, int[] ints, byte[] bools) {
    }

    private Weights() {
    }

    /** Reads every group; the result maps weight (= Const node) names to values, in manifest order. */
    static Map<String, Weight> read(Path modelFile, List<Group> groups) {
        Map<String, Weight> out = new LinkedHashMap<>();
        for (Group g : groups) {
            if (g.files().isEmpty() && !g.weights().isEmpty()) {
                throw new TfjsModelException(modelFile, "a weightsManifest group lists weights but no files");
            }
            byte[][] contents = new byte[g.files().size()][];
            long total = 0;
            for (int i = 0; i < contents.length; i++) {
                Path f = g.files().get(i);
                try {
                    long size = Files.size(f);
                    if (size > Integer.MAX_VALUE - 16) {
                        throw new TfjsModelException(f, "is " + size + " bytes; weight files over 2 GB are not"
                                + " supported");
                    }
                    contents[i] = Files.readAllBytes(f);
                } catch (NoSuchFileException e) {
                    throw new TfjsModelException(f, null, "the weight file named in " + modelFile.getFileName()
                            + " does not exist", e);
                } catch (IOException e) {
                    throw new TfjsModelException(f, null, "cannot be read: " + e.getMessage(), e);
                }
                total += contents[i].length;
            }
            GroupReader reader = new GroupReader(g.files(), contents);
            long offset = 0;
            for (WeightSpec w : g.weights()) {
                long bytes = byteCount(modelFile, w);
                if (offset + bytes > total) {
                    Path last = g.files().get(g.files().size() - 1);
                    throw new TfjsModelException(last, w.name(), "the weight needs bytes [" + offset + ", "
                            + (offset + bytes) + ") of the weight data, but the file" + (g.files().size() > 1
                            ? "s hold " : " holds ") + total + " bytes: the file is truncated or does not belong to "
                            + modelFile.getFileName());
                }
                if (out.containsKey(w.name())) {
                    throw new TfjsModelException(modelFile, w.name(), "the weights manifest lists this weight twice");
                }
                out.put(w.name(), decode(modelFile, w, reader.slice(offset, (int) bytes), reader.fileAt(offset)));
                offset += bytes;
            }
            if (offset != total) {
                throw new TfjsModelException(g.files().get(g.files().size() - 1), "the weights manifest accounts for "
                        + offset + " bytes but the file" + (g.files().size() > 1 ? "s hold " : " holds ") + total
                        + "; the weight file does not belong to " + modelFile.getFileName());
            }
        }
        return out;
    }

    private static long byteCount(Path modelFile, WeightSpec w) {
        long n = w.elements();
        int per;
        Quantization q = w.quantization();
        if (q != null) {
            if (q.dtype() == null) {
                throw new TfjsModelException(modelFile, w.name(), "quantization has no 'dtype'");
            }
            per = switch (q.dtype()) {
                case "uint8" -> 1;
                case "uint16", "float16" -> 2;
                default -> throw new TfjsModelException(modelFile, w.name(), "quantization dtype '" + q.dtype()
                        + "' is not supported; expected uint8, uint16 or float16");
            };
        } else {
            per = switch (w.dtype()) {
                case "float32", "int32" -> 4;
                case "bool" -> 1;
                default -> throw new TfjsModelException(modelFile, w.name(), "weight dtype '" + w.dtype()
                        + "' is not supported; expected float32, int32 or bool");
            };
        }
        if (n > (Integer.MAX_VALUE - 16) / per) {
            throw new TfjsModelException(modelFile, w.name(), "has " + n + " elements; weights over 2 GB are not"
                    + " supported");
        }
        return n * per;
    }

    private static Weight decode(Path modelFile, WeightSpec w, ByteBuffer data, Path file) {
        int n = (int) w.elements();
        Quantization q = w.quantization();
        String dtype = w.dtype();
        if (q != null) {
            String original = q.originalDtype() != null ? q.originalDtype() : dtype;
            if (!original.equals("float32") && !original.equals("int32")) {
                throw new TfjsModelException(modelFile, w.name(), "quantized weights must decode to float32 or"
                        + " int32, got original_dtype '" + original + "'");
            }
            float[] f = new float[n];
            if (q.dtype().equals("float16")) {
                for (int i = 0; i < n; i++) {
                    f[i] = Float16.toFloat(data.getShort() & 0xffff);
                }
            } else {
                if (q.min() == null || q.scale() == null) {
                    throw new TfjsModelException(modelFile, w.name(), q.dtype() + " quantization needs 'min' and"
                            + " 'scale'");
                }
                float min = q.min();
                float scale = q.scale();
                boolean byteWide = q.dtype().equals("uint8");
                for (int i = 0; i < n; i++) {
                    int v = byteWide ? data.get() & 0xff : data.getShort() & 0xffff;
                    f[i] = v * scale + min;
                }
            }
            if (original.equals("int32")) {
                int[] ints = new int[n];
                for (int i = 0; i < n; i++) {
                    ints[i] = Math.round(f[i]);
                }
                return new Weight(w.name(), w.shape(), "int32", file, null, ints, null);
            }
            return new Weight(w.name(), w.shape(), "float32", file, f, null, null);
        }
        switch (dtype) {
            case "float32" -> {
                float[] f = new float[n];
                data.asFloatBuffer().get(f);
                return new Weight(w.name(), w.shape(), dtype, file, f, null, null);
            }
            case "int32" -> {
                int[] ints = new int[n];
                data.asIntBuffer().get(ints);
                return new Weight(w.name(), w.shape(), dtype, file, null, ints, null);
            }
            default -> {
                byte[] b = new byte[n];
                data.get(b);
                for (int i = 0; i < n; i++) {
                    if (b[i] != 0 && b[i] != 1) {
                        throw new TfjsModelException(file, w.name(), "bool weight element " + i + " is " + b[i]
                                + "; expected 0 or 1");
                    }
                }
                return new Weight(w.name(), w.shape(), dtype, file, null, null, b);
            }
        }
    }

    /** The concatenation of a group's files, read without copying them into one array. */
    private static final class GroupReader {
        private final List<Path> files;
        private final byte[][] contents;

        GroupReader(List<Path> files, byte[][] contents) {
            this.files = files;
            this.contents = contents;
        }

        Path fileAt(long offset) {
            long start = 0;
            for (int i = 0; i < contents.length; i++) {
                if (offset < start + contents[i].length) {
                    return files.get(i);
                }
                start += contents[i].length;
            }
            return files.get(files.size() - 1);
        }

        ByteBuffer slice(long offset, int length) {
            byte[] out = new byte[length];
            long start = 0;
            int copied = 0;
            for (byte[] c : contents) {
                long end = start + c.length;
                if (copied < length && offset + copied < end) {
                    int from = (int) (offset + copied - start);
                    int n = Math.min(c.length - from, length - copied);
                    System.arraycopy(c, from, out, copied, n);
                    copied += n;
                }
                start = end;
            }
            return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        }
    }
}
