package fourm.tfjs;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.OpList;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Checks a GraphDef against TensorFlow's op registry before it is imported. TensorFlow does not report some malformed
 * graphs as errors: a constant whose bytes do not match its dtype and shape, for one, fails a fatal check that aborts
 * the whole JVM. Every problem found here is reported with the file and the node instead.
 *
 * <p>Checked: every op is registered; every attribute the op requires is present, known to the op, of the right kind
 * and, for types, one the op allows; every node has the number of data inputs its op takes, and every input names a
 * node of the graph; every constant's dtype matches its declared dtype and its byte count matches its shape.
 */
final class GraphValidator {
    /** Ops that only TF.js has, with what fourm can do about them (for the error message). */
    private static final Map<String, String> TFJS_ONLY = Map.of(
            "FusedDepthwiseConv2dNative", "rewritten when its fused_ops are [BiasAdd(, activation)]",
            "Prelu", "rewritten into Relu, Sub, Mul and AddV2");

    private static volatile Map<String, OpDef> registry;

    private GraphValidator() {
    }

    static Map<String, OpDef> registry() {
        Map<String, OpDef> r = registry;
        if (r == null) {
            OpList list = TensorFlow.registeredOpList();
            Map<String, OpDef> m = new HashMap<>();
            for (OpDef op : list.getOpList()) {
                m.put(op.getName(), op);
            }
            registry = r = Map.copyOf(m);
        }
        return r;
    }

    static void validate(Path file, GraphDef graph) {
        Map<String, OpDef> ops = registry();
        Set<String> names = new HashSet<>();
        for (NodeDef node : graph.getNodeList()) {
            if (node.getName().isEmpty()) {
                throw new TfjsModelException(file, "a node of op '" + node.getOp() + "' has no name");
            }
            if (!names.add(node.getName())) {
                throw new TfjsModelException(file, node.getName(), "two nodes have this name");
            }
        }
        for (NodeDef node : graph.getNodeList()) {
            OpDef op = ops.get(node.getOp());
            if (op == null) {
                String hint = TFJS_ONLY.containsKey(node.getOp()) ? " (a TF.js op, " + TFJS_ONLY.get(node.getOp())
                        + "; this node could not be)" : "";
                throw new TfjsModelException(file, node.getName(), "op '" + node.getOp() + "' is not a TensorFlow "
                        + TensorFlow.version() + " op and fourm cannot rewrite it" + hint);
            }
            checkAttrs(file, node, op);
            checkInputs(file, node, op, names);
            if (node.getOp().equals("Const")) {
                checkConst(file, node);
            }
        }
    }

    private static void checkAttrs(Path file, NodeDef node, OpDef op) {
        Map<String, OpDef.AttrDef> defs = new HashMap<>();
        for (OpDef.AttrDef a : op.getAttrList()) {
            defs.put(a.getName(), a);
            AttrValue v = node.getAttrMap().get(a.getName());
            if (v == null) {
                if (!a.hasDefaultValue()) {
                    throw new TfjsModelException(file, node.getName(), op.getName() + " needs the attribute '"
                            + a.getName() + "' (" + a.getType() + "), which the node does not have");
                }
                continue;
            }
            checkAttrValue(file, node, op, a, v);
        }
        for (String k : node.getAttrMap().keySet()) {
            if (!defs.containsKey(k) && !k.startsWith("_")) {
                throw new TfjsModelException(file, node.getName(), "attribute '" + k + "' is not an attribute of "
                        + op.getName() + "; expected one of " + defs.keySet());
            }
        }
    }

    private static void checkAttrValue(Path file, NodeDef node, OpDef op, OpDef.AttrDef a, AttrValue v) {
        String where = op.getName() + " attribute '" + a.getName() + "'";
        switch (a.getType()) {
            case "type" -> {
                if (v.getValueCase() != AttrValue.ValueCase.TYPE) {
                    throw new TfjsModelException(file, node.getName(), where + " must be a type, got "
                            + v.getValueCase());
                }
                checkType(file, node, where, a, v.getType());
            }
            case "list(type)" -> {
                if (v.getValueCase() != AttrValue.ValueCase.LIST) {
                    throw new TfjsModelException(file, node.getName(), where + " must be a list of types, got "
                            + v.getValueCase());
                }
                for (DataType t : v.getList().getTypeList()) {
                    checkType(file, node, where, a, t);
                }
            }
            case "int" -> {
                if (v.getValueCase() != AttrValue.ValueCase.I) {
                    throw new TfjsModelException(file, node.getName(), where + " must be an integer, got "
                            + v.getValueCase());
                }
                if (a.getHasMinimum() && v.getI() < a.getMinimum()) {
                    throw new TfjsModelException(file, node.getName(), where + " is " + v.getI()
                            + "; expected at least " + a.getMinimum());
                }
            }
            case "float" -> expect(file, node, where, v, AttrValue.ValueCase.F, "a float");
            case "bool" -> expect(file, node, where, v, AttrValue.ValueCase.B, "a bool");
            case "string" -> expect(file, node, where, v, AttrValue.ValueCase.S, "a string");
            case "shape" -> expect(file, node, where, v, AttrValue.ValueCase.SHAPE, "a shape");
            case "tensor" -> expect(file, node, where, v, AttrValue.ValueCase.TENSOR, "a tensor");
            case "func" -> throw new TfjsModelException(file, node.getName(), where
                    + " refers to a function; graphs with functions are not supported");
            default -> {
                if (a.getType().startsWith("list(") && v.getValueCase() != AttrValue.ValueCase.LIST) {
                    throw new TfjsModelException(file, node.getName(), where + " must be a " + a.getType()
                            + ", got " + v.getValueCase());
                }
            }
        }
        if (a.getType().equals("string") && a.hasAllowedValues() && a.getAllowedValues().hasList()) {
            var allowed = a.getAllowedValues().getList().getSList();
            if (!allowed.isEmpty() && !allowed.contains(v.getS())) {
                throw new TfjsModelException(file, node.getName(), where + " is '" + v.getS().toStringUtf8()
                        + "'; expected one of " + allowed.stream().map(s -> s.toStringUtf8()).toList());
            }
        }
    }

    private static void expect(Path file, NodeDef node, String where, AttrValue v, AttrValue.ValueCase c,
                               String what) {
        if (v.getValueCase() != c) {
            throw new TfjsModelException(file, node.getName(), where + " must be " + what + ", got "
                    + v.getValueCase());
        }
    }

    private static void checkType(Path file, NodeDef node, String where, OpDef.AttrDef a, DataType t) {
        if (t == DataType.UNRECOGNIZED || t == DataType.DT_INVALID) {
            throw new TfjsModelException(file, node.getName(), where + " is not a valid TensorFlow dtype");
        }
        if (a.hasAllowedValues() && a.getAllowedValues().hasList()) {
            List<DataType> allowed = a.getAllowedValues().getList().getTypeList();
            if (!allowed.isEmpty() && !allowed.contains(t)) {
                throw new TfjsModelException(file, node.getName(), where + " is " + t + "; " + node.getOp()
                        + " accepts " + allowed);
            }
        }
    }

    private static void checkInputs(Path file, NodeDef node, OpDef op, Set<String> names) {
        int expected = 0;
        for (OpDef.ArgDef arg : op.getInputArgList()) {
            if (!arg.getNumberAttr().isEmpty()) {
                AttrValue n = node.getAttrMap().get(arg.getNumberAttr());
                expected += n != null ? (int) n.getI() : defaultInt(op, arg.getNumberAttr());
            } else if (!arg.getTypeListAttr().isEmpty()) {
                AttrValue l = node.getAttrMap().get(arg.getTypeListAttr());
                expected += l != null ? l.getList().getTypeCount() : 0;
            } else {
                expected++;
            }
        }
        List<String> data = GraphRewriter.dataInputs(node);
        if (data.size() != expected) {
            throw new TfjsModelException(file, node.getName(), op.getName() + " takes " + expected
                    + " data input(s), the node has " + data.size() + " " + data);
        }
        for (String in : node.getInputList()) {
            String src = in.startsWith("^") ? in.substring(1) : in;
            int colon = src.lastIndexOf(':');
            if (colon > 0 && src.substring(colon + 1).chars().allMatch(Character::isDigit)) {
                src = src.substring(0, colon);
            }
            if (!names.contains(src)) {
                throw new TfjsModelException(file, node.getName(), "input '" + in + "' names no node of the graph");
            }
        }
    }

    private static int defaultInt(OpDef op, String attr) {
        for (OpDef.AttrDef a : op.getAttrList()) {
            if (a.getName().equals(attr) && a.hasDefaultValue()) {
                return (int) a.getDefaultValue().getI();
            }
        }
        return 0;
    }

    private static void checkConst(Path file, NodeDef node) {
        DataType dtype = node.getAttrMap().get("dtype").getType();
        TensorProto t = node.getAttrMap().get("value").getTensor();
        if (t.getDtype() != dtype) {
            throw new TfjsModelException(file, node.getName(), "the Const node is declared " + dtype
                    + " but its value is " + t.getDtype());
        }
        long n = 1;
        for (TensorShapeProto.Dim d : t.getTensorShape().getDimList()) {
            if (d.getSize() < 0) {
                throw new TfjsModelException(file, node.getName(), "the Const value's shape "
                        + GraphRewriter.shapeString(t.getTensorShape()) + " has an unknown dimension");
            }
            n *= d.getSize();
        }
        int size = switch (dtype) {
            case DT_FLOAT, DT_INT32, DT_UINT32 -> 4;
            case DT_INT64, DT_DOUBLE, DT_UINT64, DT_COMPLEX64 -> 8;
            case DT_BOOL, DT_INT8, DT_UINT8 -> 1;
            case DT_HALF, DT_BFLOAT16, DT_INT16, DT_UINT16 -> 2;
            case DT_COMPLEX128 -> 16;
            default -> -1;
        };
        if (!t.getTensorContent().isEmpty()) {
            if (size < 0) {
                throw new TfjsModelException(file, node.getName(), "a " + dtype + " Const cannot hold raw bytes");
            }
            if (t.getTensorContent().size() != n * size) {
                throw new TfjsModelException(file, node.getName(), "the Const value holds "
                        + t.getTensorContent().size() + " bytes, but " + n + " elements of " + dtype + " need "
                        + n * size);
            }
            return;
        }
        int vals = switch (dtype) {
            case DT_FLOAT -> t.getFloatValCount();
            case DT_DOUBLE -> t.getDoubleValCount();
            case DT_INT32, DT_INT16, DT_INT8, DT_UINT8, DT_UINT16 -> t.getIntValCount();
            case DT_INT64 -> t.getInt64ValCount();
            case DT_BOOL -> t.getBoolValCount();
            case DT_STRING -> t.getStringValCount();
            case DT_HALF, DT_BFLOAT16 -> t.getHalfValCount();
            default -> -1;
        };
        if (vals < 0) {
            throw new TfjsModelException(file, node.getName(), "Const values of type " + dtype
                    + " are not supported");
        }
        if (vals > n || (vals == 0 && n > 0)) {
            throw new TfjsModelException(file, node.getName(), "the Const value lists " + vals + " values for "
                    + n + " elements");
        }
    }
}
