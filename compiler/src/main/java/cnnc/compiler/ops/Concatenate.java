package cnnc.compiler.ops;

import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;

/** Keras {@code Concatenate}: joins inputs along {@code axis} (default the last); other axes must agree. */
public final class Concatenate extends BaseOp {
    Concatenate() {
        super("Concatenate", List.of(), FusionKind.INJECTIVE, List.of(
                ArgSpec.optional("axis", ArgTypes.anyInt(), -1)));
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape first = inputs.get(0);
        int axis = axisIndex(a.getInt("axis"), first.rank(), "axis");
        long total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Shape s = inputs.get(i);
            boolean ok = s.rank() == first.rank();
            for (int d = 0; ok && d < s.rank(); d++) {
                ok = d == axis || s.dim(d) == first.dim(d);
            }
            if (!ok) {
                throw new ShapeException("Concatenate on axis " + a.getInt("axis")
                        + " needs inputs that agree on every other axis, got " + first + " and " + s + " (input "
                        + (i + 1) + ")");
            }
            total += s.dim(axis);
        }
        return first.with(axis, total);
    }
}
