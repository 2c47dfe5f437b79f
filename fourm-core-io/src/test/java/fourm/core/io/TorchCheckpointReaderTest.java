package fourm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import fourm.core.io.testing.TorchZipBuilder;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Torch checkpoints written byte by byte as {@code torch.save} writes them: a state dict of every common type with
 * shared storages, offsets and strides reads back; foreign pickle content and broken archives are refused by name.
 */
class TorchCheckpointReaderTest {
    @TempDir
    Path dir;

    /**
     * {@code OrderedDict(w: float32 [2,3], b: float16 [2] at offset 1, ids: int64 [4], ids_t: a transposed view of
     * ids[1:5] as [2,2], flag: bool, sub: OrderedDict(x: float32 [1]))}, with {@code _metadata} set by BUILD.
     */
    private TorchZipBuilder stateDict() {
        TorchZipBuilder b = new TorchZipBuilder().root("model/");
        b.storage("0", TorchZipBuilder.floats(ByteOrder.LITTLE_ENDIAN, 0, 1, 2, 3, 4, 5));
        b.storage("1", TorchZipBuilder.halves((short) 0x7bff, (short) 0x3e00, (short) 0xc000)); // 65504, 1.5, -2
        b.storage("2", TorchZipBuilder.longs(10, 11, 12, 13, 14, Long.MIN_VALUE));
        b.storage("3", new byte[] {1, 0});
        b.storage("4", TorchZipBuilder.floats(ByteOrder.LITTLE_ENDIAN, 7.25f));
        b.proto().orderedDict().op('q', 0).mark();
        b.str("w").tensor("FloatStorage", "0", 6, 0, new long[] {2, 3}, new long[] {3, 1});
        b.str("b").tensor("HalfStorage", "1", 3, 1, new long[] {2}, new long[] {1});
        b.str("ids").tensor("LongStorage", "2", 6, 0, new long[] {4}, new long[] {1});
        // ids storage elements 1..4 as [[11, 12], [13, 14]] transposed: offset 1, size (2, 2), stride (1, 2).
        b.str("ids_t").tensor("LongStorage", "2", 6, 1, new long[] {2, 2}, new long[] {1, 2});
        // a parameter wraps its tensor
        b.str("flag").global("torch._utils", "_rebuild_parameter").mark()
                .tensor("BoolStorage", "3", 2, 0, new long[] {2}, new long[] {1}).op(0x88).orderedDict().tuple()
                .op('R');
        b.str("sub").orderedDict().mark().str("x").tensor("FloatStorage", "4", 1, 0, new long[] {1},
                new long[] {1}).setitems();
        b.str("epoch").integer(3);
        b.setitems();
        // _metadata, as nn.Module.state_dict() leaves it: BUILD with {'_metadata': OrderedDict('': {'version': 1})}
        b.op('}').str("_metadata").orderedDict().str("").op('}').str("version").integer(1)
                .op('s', 's', 's', 'b');
        return b.stop();
    }

    @Test
    void readsAStateDictWithSharedStoragesOffsetsAndStrides() throws IOException {
        Path p = stateDict().write(dir.resolve("tok.pth"));
        try (SafetensorsReader r = SafetensorsReader.openStateDict(p)) {
            assertThat(r.keys()).containsExactly("w", "b", "ids", "ids_t", "flag", "sub.x");
            assertThat(r.info("w").dtype()).isEqualTo(SafetensorsDType.F32);
            assertThat(r.info("w").shape()).containsExactly(2, 3);
            assertThat(r.floats("w")).containsExactly(0, 1, 2, 3, 4, 5);
            assertThat(r.info("b").dtype()).isEqualTo(SafetensorsDType.F16);
            assertThat(r.floats("b")).containsExactly(1.5f, -2f);
            assertThat(r.longs("ids")).containsExactly(10, 11, 12, 13);
            assertThat(r.info("ids_t").shape()).containsExactly(2, 2);
            assertThat(r.longs("ids_t")).containsExactly(11, 13, 12, 14);
            assertThat(r.booleans("flag")).containsExactly(true, false);
            assertThat(r.floats("sub.x")).containsExactly(7.25f);
            assertThat(r.metadata()).containsEntry("torch_format_version", "3")
                    .containsEntry("torch_byteorder", "little");
        }
    }

    @Test
    void tensorsGoToTheEngineLikeSafetensorsOnes() throws IOException {
        Path p = stateDict().write(dir.resolve("tok.pt"));
        Offline.enforce();
        try (SafetensorsReader r = SafetensorsReader.openStateDict(p); NDManager m = NDManager.newBaseManager()) {
            NDArray w = r.toNDArray(m, "w");
            assertThat(w.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(w.getShape().getShape()).containsExactly(2, 3);
            assertThat(w.toFloatArray()).containsExactly(0, 1, 2, 3, 4, 5);
            NDArray t = r.toNDArray(m, "ids_t");
            assertThat(t.getDataType()).isEqualTo(DataType.INT64);
            assertThat(t.toLongArray()).containsExactly(11, 13, 12, 14);
            assertThat(r.toNDArray(m, "b").toFloatArray()).containsExactly(1.5f, -2f);
        }
    }

    @Test
    void bigEndianArchivesAreSwapped() throws IOException {
        TorchZipBuilder b = new TorchZipBuilder().byteorder("big");
        b.storage("0", TorchZipBuilder.floats(ByteOrder.BIG_ENDIAN, 1.5f, -3f));
        b.proto().orderedDict().mark().str("v").tensor("FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})
                .setitems().stop();
        try (SafetensorsReader r = TorchCheckpointReader.open(b.write(dir.resolve("be.pth")))) {
            assertThat(r.floats("v")).containsExactly(1.5f, -3f);
        }
    }

    @Test
    void choosesTheReaderByExtension() {
        assertThat(TorchCheckpointReader.isTorchCheckpointName(Path.of("a/b.PTH"))).isTrue();
        assertThat(TorchCheckpointReader.isTorchCheckpointName(Path.of("pytorch_model.bin"))).isTrue();
        assertThat(TorchCheckpointReader.isTorchCheckpointName(Path.of("model.safetensors"))).isFalse();
    }

    private String refusal(Path p) {
        try (SafetensorsReader r = TorchCheckpointReader.open(p)) {
            throw new AssertionError("opened " + r);
        } catch (SafetensorsFormatException e) {
            assertThat(e.file()).isEqualTo(p);
            assertThat(e.getMessage()).startsWith(p.toString());
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError("expected a SafetensorsFormatException", e);
        }
    }

    @Test
    void refusesForeignGlobalsByNameWithoutCallingThem() throws IOException {
        TorchZipBuilder b = new TorchZipBuilder().proto();
        b.global("os", "system").mark().str("touch " + dir.resolve("pwned")).tuple().op('R').stop();
        Path p = b.write(dir.resolve("evil.pth"));
        assertThat(refusal(p)).contains("archive/data.pkl").contains("foreign pickle content: global os.system at "
                + "byte 2");
        assertThat(Files.exists(dir.resolve("pwned"))).isFalse();
    }

    @Test
    void refusesForeignGlobalsInsideAStateDict() throws IOException {
        TorchZipBuilder b = new TorchZipBuilder().proto().orderedDict().mark().str("args")
                .global("argparse", "Namespace").op(')', 'R').setitems().stop();
        assertThat(refusal(b.write(dir.resolve("args.pth")))).contains("global argparse.Namespace at byte 39");
    }

    @Test
    void refusesObjectBuildingOpcodesAndUnknownOnes() throws IOException {
        Path inst = new TorchZipBuilder().proto().op('(', 'N', 0x81).stop().write(dir.resolve("newobj.pth"));
        assertThat(refusal(inst)).contains("pickle opcode NEWOBJ (0x81) at byte 4 is not allowed");
        Path unknown = new TorchZipBuilder().proto().op(0xf0).stop().write(dir.resolve("unknown.pth"));
        assertThat(refusal(unknown)).contains("unknown pickle opcode 0xf0 at byte 2");
        Path cut = new TorchZipBuilder().proto().op('M', 1).write(dir.resolve("cut-int.pth"));
        assertThat(refusal(cut)).contains("needs 2 bytes but 1 remain");
    }

    @Test
    void refusesATruncatedZip() throws IOException {
        Path whole = stateDict().write(dir.resolve("whole.pth"));
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.pth");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertThat(refusal(cut)).contains("not a readable zip archive");
        Path text = Files.writeString(dir.resolve("text.pth"), "not a zip");
        assertThat(refusal(text)).contains("not a readable zip archive");
    }

    @Test
    void refusesAMissingStorageRecordAndAViewPastItsStorage() throws IOException {
        TorchZipBuilder missing = new TorchZipBuilder();
        missing.proto().orderedDict().mark().str("w").tensor("FloatStorage", "7", 2, 0, new long[] {2},
                new long[] {1}).setitems().stop();
        assertThat(refusal(missing.write(dir.resolve("missing.pth"))))
                .contains("tensor 'w'").contains("storage record archive/data/7 is missing");
        TorchZipBuilder past = new TorchZipBuilder().storage("0", TorchZipBuilder.floats(ByteOrder.LITTLE_ENDIAN,
                1, 2, 3));
        past.proto().orderedDict().mark().str("w").tensor("FloatStorage", "0", 3, 2, new long[] {2},
                new long[] {1}).setitems().stop();
        assertThat(refusal(past.write(dir.resolve("past.pth")))).contains("tensor 'w'")
                .contains("reaches element 3 of storage 0, which has 3");
        TorchZipBuilder shortRecord = new TorchZipBuilder().storage("0", new byte[4]);
        shortRecord.proto().orderedDict().mark().str("w").tensor("FloatStorage", "0", 3, 0, new long[] {3},
                new long[] {1}).setitems().stop();
        assertThat(refusal(shortRecord.write(dir.resolve("short.pth")))).contains("has 4 bytes; 3 FLOAT elements"
                + " need 12");
    }

    @Test
    void refusesAPickleWithoutStopAndAnArchiveWithoutDataPkl() throws IOException {
        Path noStop = new TorchZipBuilder().proto().orderedDict().write(dir.resolve("nostop.pth"));
        assertThat(refusal(noStop)).contains("without a STOP opcode");
        Path empty = dir.resolve("empty.pth");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(empty))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("archive/version"));
            zip.write('3');
            zip.closeEntry();
        }
        assertThat(refusal(empty)).contains("no data.pkl record");
    }
}
