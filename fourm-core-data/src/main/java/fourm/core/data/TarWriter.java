package fourm.core.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a plain POSIX ustar archive of regular files: a 512-byte header per member (mode 0644, owner 0, mtime 0 so
 * that equal content gives equal bytes), the data padded to 512 bytes, and two zero blocks at the end, padded to a
 * 10240-byte record as tar tools do.
 */
public final class TarWriter implements Closeable {
    static final int BLOCK = 512;
    static final int RECORD = 20 * BLOCK;

    private final OutputStream out;
    private long written;
    private boolean finished;

    /** @param out the stream to write to; closed by {@link #close()} */
    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Appends a regular file.
     *
     * @param name member name, at most 100 UTF-8 bytes, no NUL
     * @throws IllegalArgumentException if the name does not fit a ustar header
     */
    public void add(String name, byte[] data) throws IOException {
        if (finished) {
            throw new IllegalStateException("the archive is finished");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length == 0 || nameBytes.length > 100 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("tar member name '" + name + "' must be 1 to 100 UTF-8 bytes without"
                    + " NUL, got " + nameBytes.length + " bytes");
        }
        byte[] h = new byte[BLOCK];
        System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, data.length);
        octal(h, 136, 12, 0);
        h[156] = '0';
        byte[] magic = "ustar\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, h, 257, magic.length);
        h[263] = '0';
        h[264] = '0';
        Arrays.fill(h, 148, 156, (byte) ' ');
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum); // six digits and a NUL, then the space already there
        out.write(h);
        out.write(data);
        int pad = (BLOCK - data.length % BLOCK) % BLOCK;
        out.write(new byte[pad]);
        written += BLOCK + data.length + pad;
    }

    /** Writes the end-of-archive marker; further {@link #add} calls fail. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        long end = written + 2 * BLOCK;
        long padded = (end + RECORD - 1) / RECORD * RECORD;
        out.write(new byte[(int) (padded - written)]);
        out.flush();
    }

    /** Finishes the archive and closes the stream. */
    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            out.close();
        }
    }

    /** Writes {@code value} as zero-padded octal digits in {@code len - 1} bytes followed by a NUL. */
    private static void octal(byte[] h, int offset, int len, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > len - 1) {
            throw new IllegalArgumentException("value " + value + " does not fit a " + len + "-byte tar field");
        }
        int pad = len - 1 - s.length();
        for (int i = 0; i < pad; i++) {
            h[offset + i] = '0';
        }
        for (int i = 0; i < s.length(); i++) {
            h[offset + pad + i] = (byte) s.charAt(i);
        }
        h[offset + len - 1] = 0;
    }
}
