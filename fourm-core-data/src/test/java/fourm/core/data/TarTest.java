package fourm.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fourm.core.io.ShardFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TarTest {

    static byte[] tar(List<String> names, List<byte[]> data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(out)) {
            for (int i = 0; i < names.size(); i++) {
                w.add(names.get(i), data.get(i));
            }
        }
        return out.toByteArray();
    }

    static List<TarReader.Entry> read(byte[] tar) throws IOException {
        List<TarReader.Entry> out = new ArrayList<>();
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar), "test.tar")) {
            TarReader.Entry e;
            while ((e = r.next()) != null) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void roundTripsMembersOfAnySize() throws IOException {
        SplittableRandom rng = new SplittableRandom(1);
        List<String> names = new ArrayList<>();
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            names.add("k" + i + (i % 2 == 0 ? ".npy" : ".json"));
            byte[] b = new byte[i == 3 ? 0 : i == 4 ? 512 : rng.nextInt(0, 3000)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) rng.nextInt();
            }
            data.add(b);
        }
        byte[] tar = tar(names, data);
        assertThat(tar.length % 10240).as("padded to whole records").isZero();
        List<TarReader.Entry> back = read(tar);
        assertThat(back).hasSize(40);
        for (int i = 0; i < 40; i++) {
            assertThat(back.get(i).name()).isEqualTo(names.get(i));
            assertThat(back.get(i).data()).containsExactly(data.get(i));
        }
        assertThat(tar(names, data)).as("same content, same bytes").containsExactly(tar);
    }

    @Test
    void anEmptyArchiveHasNoMembers() throws IOException {
        assertThat(read(tar(List.of(), List.of()))).isEmpty();
    }

    private static byte[] threeMembers() throws IOException {
        return tar(List.of("a.txt", "b.txt", "c.txt"), List.of(new byte[700], new byte[10], new byte[600]));
    }

    @Test
    void aTruncatedHeaderIsAnError() throws IOException {
        byte[] cut = Arrays.copyOf(threeMembers(), 1536 + 200); // inside the second header
        assertThatThrownBy(() -> read(cut)).isInstanceOf(ShardFormatException.class)
                .hasMessageContaining("test.tar").hasMessageContaining("truncated header at byte 1536");
    }

    @Test
    void truncatedDataIsAnError() throws IOException {
        byte[] cut = Arrays.copyOf(threeMembers(), 512 + 300);
        assertThatThrownBy(() -> read(cut)).isInstanceOf(ShardFormatException.class)
                .hasMessageContaining("truncated member 'a.txt'").hasMessageContaining("declares 700 bytes, only 300");
    }

    @Test
    void aFileCutAtAMemberBoundaryIsAnError() throws IOException {
        byte[] cut = Arrays.copyOf(threeMembers(), 1536); // exactly after a.txt
        assertThatThrownBy(() -> read(cut)).isInstanceOf(ShardFormatException.class)
                .hasMessageContaining("without the end-of-archive marker").hasMessageContaining("after 1 members");
    }

    @Test
    void aDamagedHeaderFailsItsChecksum() throws IOException {
        byte[] bad = threeMembers();
        bad[1536 + 2] ^= 0x20; // a byte of the second member's name
        assertThatThrownBy(() -> read(bad)).isInstanceOf(ShardFormatException.class)
                .hasMessageContaining("header at byte 1536 fails its checksum");
        byte[] notTar = "this is not a tar archive at all".repeat(40).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> read(notTar)).isInstanceOf(ShardFormatException.class)
                .hasMessageContaining("header at byte 0");
    }

    /** Rewrites the type flag of the header at {@code at} and fixes its checksum (what pax-writing tools emit). */
    private static void retype(byte[] tar, int at, char type) {
        tar[at + 156] = (byte) type;
        Arrays.fill(tar, at + 148, at + 156, (byte) ' ');
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[at + i] & 0xff;
        }
        byte[] digits = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, tar, at + 148, 6);
        tar[at + 154] = 0;
    }

    @Test
    void paxAndGnuLongNamesAndDirectoriesAreUnderstood() throws IOException {
        String longName = "a/very/long/folder/name/".repeat(6) + "sample-0001.npy";
        String pax = " path=" + longName + "\n";
        pax = (pax.length() + 3) + pax; // a pax record "<len> path=...\n"; len (3 digits) counts itself
        byte[] tar = tar(List.of("PaxHeaders/x", "ignored-name", "dir/", "GNU/LongLink", "short"),
                List.of(pax.getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}, new byte[0],
                        "gnu-long-name.json".getBytes(StandardCharsets.UTF_8), new byte[] {4}));
        retype(tar, 0, 'x');
        retype(tar, 1024, '0');
        retype(tar, 2048, '5');
        retype(tar, 2560, 'L');
        List<TarReader.Entry> e = read(tar);
        assertThat(e).extracting(TarReader.Entry::name).containsExactly(longName, "gnu-long-name.json");
        assertThat(e.get(0).data()).containsExactly(1, 2, 3);
        assertThat(e.get(1).data()).containsExactly(4);
    }

    @Test
    void refusesNamesThatDoNotFit() {
        assertThatThrownBy(() -> tar(List.of("x".repeat(101)), List.of(new byte[0])))
                .hasMessageContaining("1 to 100 UTF-8 bytes");
    }
}
