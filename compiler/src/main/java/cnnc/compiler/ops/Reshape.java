package cnnc.compiler.ops;

import cnnc.compiler.ops.grad.Rules;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;
import java.util.Map;

/** Keras {@code Reshape(target_shape)}: the same elements in row-major order; one dimension may be -1 (inferred). */
public final class Reshape extends BaseOp {
    Reshape() {
        super("Reshape", List.of(), FusionKind.INJECTIVE, List.of(
                ArgSpec.required("target_shape", ArgTypes.targetShape())));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        long size = inputs.get(0).size();
        List<Integer> target = a.getIntList("target_shape");
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < target.size(); i++) {
            if (target.get(i) == -1) {
                unknown = i;
            } else {
                known = Math.multiplyExact(known, (long) target.get(i));
            }
        }
        long[] dims = new long[target.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = target.get(i);
        }
        if (unknown >= 0) {
            if (size % known != 0) {
                throw new ShapeException("cannot reshape " + inputs.get(0) + " (" + size + " elements) to "
                        + Attrs.format(target) + ": " + size + " is not a multiple of " + known, "target_shape");
            }
            dims[unknown] = size / known;
        } else if (known != size) {
            throw new ShapeException("cannot reshape " + inputs.get(0) + " (" + size + " elements) to "
                    + Attrs.format(target) + " (" + known + " elements)", "target_shape");
        }
        return Shape.of(dims);
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray x = in.get(0);
        List<Integer> t = a.getIntList("target_shape");
        int[] shape = new int[t.size() + 1];
        shape[0] = x.dim(0);
        int known = 1;
        int unknown = -1;
        for (int i = 0; i < t.size(); i++) {
            shape[i + 1] = t.get(i);
            if (t.get(i) == -1) {
                unknown = i + 1;
            } else {
                known *= t.get(i);
            }
        }
        if (unknown > 0) {
            shape[unknown] = x.size() / x.dim(0) / known;
        }
        return Reference.copy(x).reshape(shape);
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.reshapeBack(ctx);
    }
}
