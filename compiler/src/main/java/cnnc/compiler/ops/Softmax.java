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

/** Keras {@code Softmax} over {@code axis} (default the last), computed as exp(x - max) / sum for stability. */
public final class Softmax extends BaseOp {
    Softmax() {
        super("Softmax", List.of(), FusionKind.REDUCE, List.of(
                ArgSpec.optional("axis", ArgTypes.anyInt(), -1)));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape in = inputs.get(0);
        axisIndex(a.getInt("axis"), in.rank(), "axis");
        return in;
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray x = in.get(0);
        int axis = a.getInt("axis");
        return Reference.softmax(x, axis < 0 ? x.rank() + axis : axis);
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.softmax(ctx, ctx.node().attrs().getInt("axis"));
    }
}
