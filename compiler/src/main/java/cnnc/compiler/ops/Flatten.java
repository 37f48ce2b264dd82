package cnnc.compiler.ops;

import cnnc.compiler.ops.grad.Rules;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;
import java.util.Map;

/** Keras {@code Flatten}: all axes but the batch one into one, in H, W, C (row-major) order. */
public final class Flatten extends BaseOp {
    Flatten() {
        super("Flatten", List.of(), FusionKind.INJECTIVE, List.of(dataFormat()));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        try {
            return Shape.of(inputs.get(0).size());
        } catch (ArithmeticException e) {
            throw new ShapeException("Flatten's output size overflows 64 bits");
        }
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray x = in.get(0);
        return Reference.copy(x).reshape(x.dim(0), x.size() / x.dim(0));
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.reshapeBack(ctx);
    }
}
