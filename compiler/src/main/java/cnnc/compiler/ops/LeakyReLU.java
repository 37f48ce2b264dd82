package cnnc.compiler.ops;

import cnnc.compiler.ops.grad.Rules;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras {@code LeakyReLU}: x for x ≥ 0, negative_slope·x otherwise. The default slope is Keras 2's 0.3 (Keras 3
 * changed it to 0.2); {@code alpha} is Keras 2's name for the argument.
 */
public final class LeakyReLU extends BaseOp {
    LeakyReLU() {
        super("LeakyReLU", List.of(), FusionKind.ELEMWISE, List.of(
                ArgSpec.optional("negative_slope", ArgTypes.number(0, Double.MAX_VALUE, false,
                        "a non-negative number"), 0.3, "alpha")));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) {
        return inputs.get(0);
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray y = Reference.copy(in.get(0));
        double slope = a.getDouble("negative_slope");
        double[] d = y.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] >= 0 ? d[i] : slope * d[i];
        }
        return y;
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.pointwise(ctx, "leaky", ctx.node().attrs());
    }
}
