package fourm.tfjs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * Shows that the validation is needed: TensorFlow imports a graph whose int64 Const holds an int32 value, and running
 * it aborts the process in a fatal check. The graph is run in a child JVM; the validator refuses the same graph in this
 * one.
 */
class TensorFlowAbortTest {

    /**
     * {@code out = reshape(x, shape + zeros)} with x [12] float, where {@code shape} is an int64 Const [2] whose
     * value is int32 {3, 4} (TF.js's storage of int64 constants) and {@code zeros} a correct int64 Const [2]. When
     * the graph runs, TensorFlow's optimizer folds the constant addition, reads the int32 value as int64 and fails a
     * fatal check.
     */
    static GraphDef int64ConstHoldingInt32() {
        TensorShapeProto two = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dim.newBuilder().setSize(2))
                .build();
        TensorProto int32Value = TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(two)
                .setTensorContent(ByteString.copyFrom(new byte[] {3, 0, 0, 0, 4, 0, 0, 0})).build();
        TensorProto zeros = TensorProto.newBuilder().setDtype(DataType.DT_INT64).setTensorShape(two)
                .setTensorContent(ByteString.copyFrom(new byte[16])).build();
        AttrValue int64 = AttrValue.newBuilder().setType(DataType.DT_INT64).build();
        AttrValue float32 = AttrValue.newBuilder().setType(DataType.DT_FLOAT).build();
        return GraphDef.newBuilder()
                .addNode(NodeDef.newBuilder().setName("shape").setOp("Const").putAttr("dtype", int64)
                        .putAttr("value", AttrValue.newBuilder().setTensor(int32Value).build()))
                .addNode(NodeDef.newBuilder().setName("zeros").setOp("Const").putAttr("dtype", int64)
                        .putAttr("value", AttrValue.newBuilder().setTensor(zeros).build()))
                .addNode(NodeDef.newBuilder().setName("sum").setOp("AddV2").addInput("shape").addInput("zeros")
                        .putAttr("T", int64))
                .addNode(NodeDef.newBuilder().setName("x").setOp("Placeholder").putAttr("dtype", float32))
                .addNode(NodeDef.newBuilder().setName("out").setOp("Reshape").addInput("x").addInput("sum")
                        .putAttr("T", float32).putAttr("Tshape", int64))
                .build();
    }

    /** Child process: imports and runs the graph without validation. */
    public static void main(String[] args) {
        try (Graph g = new Graph()) {
            g.importGraphDef(int64ConstHoldingInt32());
            System.out.println("imported");
            try (Session s = new Session(g); TFloat32 x = TFloat32.tensorOf(Shape.of(12));
                 Result r = s.runner().feed("x", x).fetch("out").run()) {
                System.out.println("ran " + r.get(0).shape());
            }
        } catch (RuntimeException e) {
            System.out.println("exception " + e.getClass().getSimpleName());
        }
    }

    @Test
    void unvalidatedGraphAbortsTheJvmAndTheValidatorRefusesIt() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                TensorFlowAbortTest.class.getName()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        String log = new String(out, StandardCharsets.UTF_8);
        assertThat(log).as("child output").contains("imported").doesNotContain("ran ").doesNotContain("exception");
        assertThat(p.exitValue()).as("exit code of an aborted JVM (128 + SIGABRT)\n" + log).isEqualTo(134);

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> GraphValidator.validate(Path.of("graph.json"), int64ConstHoldingInt32()))
                .isInstanceOf(TfjsModelException.class).hasMessageContaining("'shape'")
                .hasMessageContaining("declared DT_INT64 but its value is DT_INT32");
    }
}
