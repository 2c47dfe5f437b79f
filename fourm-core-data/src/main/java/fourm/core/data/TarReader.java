package fourm.core.data;

import fourm.core.io.ShardFormatException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the regular files of a tar archive (POSIX ustar, with the pax {@code path}/{@code size} records and GNU long
 * names that Python's tarfile and GNU tar write), one at a time.
 *
 * <p>Unlike lenient readers, a damaged archive is an error, never a silent early end: a header cut short, a header
 * whose checksum does not match, member data cut short, or a file that ends without the end-of-archive zero block
 * (cut exactly at a member boundary) all raise {@link ShardFormatException} with the byte offset and the member name.
 */
public final class TarReader implements Closeable {
    private static final int BLOCK = TarWriter.BLOCK;
    private static final int MAX_MEMBER = Integer.MAX_VALUE - 64;

    private final InputStream in;
    private final String source;
    private long offset;
    private int members;
    private boolean ended;

    /** A member: its full name and content. */
    public record Entry(String name, byte[] data) {
    }

    /**
     * @param in     the archive; closed by {@link #close()}
     * @param source what to call the archive in error messages (its path)
     */
    public TarReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** Regular files read so far. */
    public int members() {
        return members;
    }

    /**
     * The next regular file, or null at the end-of-archive marker.
     *
     * @throws ShardFormatException if the archive is damaged
     */
    public Entry next() throws IOException {
        if (ended) {
            return null;
        }
        String longName = null;
        long paxSize = -1;
        while (true) {
            long headerAt = offset;
            byte[] h = new byte[BLOCK];
            int got = readFully(h);
            if (got == 0) {
                throw new ShardFormatException(source + ": the archive ends at byte " + headerAt + " after " + members
                        + " members without the end-of-archive marker (the file was cut short)");
            }
            if (got < BLOCK) {
                throw new ShardFormatException(source + ": truncated header at byte " + headerAt + " (" + got
                        + " of 512 bytes) after " + members + " members");
            }
            if (isZero(h)) {
                ended = true;
                return null;
            }
            checkChecksum(h, headerAt);
            String name = longName != null ? longName : name(h);
            long size = paxSize >= 0 ? paxSize : size(h, headerAt);
            if (size > MAX_MEMBER) {
                throw new ShardFormatException(source + ": member '" + name + "' at byte " + headerAt + " has "
                        + size + " bytes, more than a member may hold");
            }
            byte type = h[156];
            byte[] data = readData(name, (int) size, headerAt);
            switch (type) {
                case '0':
                case 0:
                case '7':
                    members++;
                    return new Entry(name, data);
                case 'x':
                    longName = paxValue(data, "path", longName);
                    String s = paxValue(data, "size", null);
                    paxSize = s == null ? -1 : parsePaxSize(s, headerAt);
                    continue;
                case 'L':
                    longName = cString(data, 0, data.length);
                    continue;
                default:
                    // directories, links, global pax headers and the like carry no sample
                    longName = null;
                    paxSize = -1;
            }
        }
    }

    private byte[] readData(String name, int size, long headerAt) throws IOException {
        byte[] data = new byte[size];
        int got = readFully(data);
        if (got < size) {
            throw new ShardFormatException(source + ": truncated member '" + name + "' (header at byte " + headerAt
                    + "): it declares " + size + " bytes, only " + got + " remain");
        }
        int pad = (BLOCK - size % BLOCK) % BLOCK;
        if (pad > 0 && readFully(new byte[pad]) < pad) {
            throw new ShardFormatException(source + ": truncated padding after member '" + name + "' (header at byte "
                    + headerAt + ")");
        }
        return data;
    }

    private void checkChecksum(byte[] h, long headerAt) throws ShardFormatException {
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) {
            int b = i >= 148 && i < 156 ? ' ' : h[i];
            unsigned += b & 0xff;
            signed += (byte) b;
        }
        String stored = cString(h, 148, 8).trim();
        long expected;
        try {
            expected = Long.parseLong(stored, 8);
        } catch (NumberFormatException e) {
            throw new ShardFormatException(source + ": header at byte " + headerAt + " has checksum field '" + stored
                    + "', expected octal digits (not a tar archive, or corrupt)");
        }
        if (expected != unsigned && expected != signed) {
            throw new ShardFormatException(source + ": header at byte " + headerAt + " fails its checksum (stored "
                    + expected + ", computed " + unsigned + "): the archive is corrupt");
        }
    }

    private long size(byte[] h, long headerAt) throws ShardFormatException {
        if ((h[124] & 0x80) != 0) { // GNU base-256
            long v = h[124] & 0x7f;
            for (int i = 125; i < 136; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        String s = cString(h, 124, 12).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new ShardFormatException(source + ": header at byte " + headerAt + " has size field '" + s
                    + "', expected octal digits");
        }
    }

    private long parsePaxSize(String s, long headerAt) throws ShardFormatException {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new ShardFormatException(source + ": pax header at byte " + headerAt + " has size '" + s + "'");
        }
    }

    private static String name(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = h[257] == 'u' && h[258] == 's' && h[259] == 't' && h[260] == 'a' && h[261] == 'r';
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The value of {@code key} in pax records ({@code "<len> key=value\n"}), or {@code fallback}. */
    private static String paxValue(byte[] data, String key, String fallback) {
        String text = new String(data, StandardCharsets.UTF_8);
        int i = 0;
        while (i < text.length()) {
            int space = text.indexOf(' ', i);
            int nl = text.indexOf('\n', i);
            if (space < 0 || nl < 0) {
                break;
            }
            String record = text.substring(space + 1, nl);
            int eq = record.indexOf('=');
            if (eq > 0 && record.substring(0, eq).equals(key)) {
                return record.substring(eq + 1);
            }
            i = nl + 1;
        }
        return fallback;
    }

    private static String cString(byte[] b, int offset, int len) {
        int end = offset;
        while (end < offset + len && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private int readFully(byte[] b) throws IOException {
        int n = 0;
        while (n < b.length) {
            int r = in.read(b, n, b.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        offset += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
