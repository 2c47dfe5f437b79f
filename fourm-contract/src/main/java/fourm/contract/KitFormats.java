package fourm.contract;

import fourm.api.ValueFormat;
import fourm.api.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The kit's value formats for modalities that bring none: token ids made elsewhere ({@code int[]}, a line of
 * space-separated ids in a {@code .ids} file) and continuous values ({@code float[]}, little-endian float32 in a
 * {@code .f32} file). Both write under a temporary name and rename, and name the file in their errors.
 */
public final class KitFormats {
    private KitFormats() {
    }

    /** Token ids as one line of space-separated decimal ids. */
    public static ValueFormat<int[]> ids() {
        return new ValueFormat<>() {
            @Override
            public Class<int[]> valueType() {
                return int[].class;
            }

            @Override
            public String extension() {
                return "ids";
            }

            @Override
            public int[] read(Path file) throws IOException {
                String text = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (text.isEmpty()) {
                    return new int[0];
                }
                try {
                    return Arrays.stream(text.split("\\s+")).mapToInt(Integer::parseInt).toArray();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ": expected space-separated token ids, " + e.getMessage(),
                            e);
                }
            }

            @Override
            public void write(int[] value, Path file) throws IOException {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < value.length; i++) {
                    b.append(i == 0 ? "" : " ").append(value[i]);
                }
                AtomicFiles.write(file, b.append('\n').toString().getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public Path show(int[] value, Path directory, String baseName) throws IOException {
                Path p = directory.resolve(baseName + ".ids");
                write(value, p);
                return p;
            }
        };
    }

    /** Continuous values as little-endian float32. */
    public static ValueFormat<float[]> floats() {
        return new ValueFormat<>() {
            @Override
            public Class<float[]> valueType() {
                return float[].class;
            }

            @Override
            public String extension() {
                return "f32";
            }

            @Override
            public float[] read(Path file) throws IOException {
                byte[] bytes = Files.readAllBytes(file);
                if (bytes.length % Float.BYTES != 0) {
                    throw new IllegalArgumentException(file + ": " + bytes.length + " bytes is not a whole number of"
                            + " float32 values");
                }
                float[] out = new float[bytes.length / Float.BYTES];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                return out;
            }

            @Override
            public void write(float[] value, Path file) throws IOException {
                ByteBuffer b = ByteBuffer.allocate(value.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(value);
                AtomicFiles.write(file, b.array());
            }

            @Override
            public Path show(float[] value, Path directory, String baseName) throws IOException {
                Path p = directory.resolve(baseName + ".f32");
                write(value, p);
                return p;
            }
        };
    }

}
