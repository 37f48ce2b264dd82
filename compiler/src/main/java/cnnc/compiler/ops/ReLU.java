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
 * Keras {@code ReLU}: f(x) = min(x, max_value) for x > threshold, negative_slope·(x - threshold) otherwise
 * (max_value None means unbounded). As in Keras 2, threshold must be ≥ 0.
 */
public final class ReLU extends BaseOp {
    ReLU() {
        super("ReLU", List.of(), FusionKind.ELEMWISE, List.of(
                ArgSpec.optional("max_value", ArgTypes.optionalNonNegative(), null),
                ArgSpec.optional("negative_slope", ArgTypes.number(0, Double.MAX_VALUE, false,
                        "a non-negative number"), 0.0),
                ArgSpec.optional("threshold", ArgTypes.number(0, Double.MAX_VALUE, false,
                        "a non-negative number"), 0.0)));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) {
        return inputs.get(0);
    }

    /** Keras' relu(x, alpha, max_value, threshold): x ≤ threshold gives negative_slope·(x - threshold). */
    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray y = Reference.copy(in.get(0));
        Double max = (Double) a.get("max_value");
        double slope = a.getDouble("negative_slope");
        double threshold = a.getDouble("threshold");
        double[] d = y.data();
        for (int i = 0; i < d.length; i++) {
            double x = d[i];
            d[i] = x > threshold ? (max == null ? x : Math.min(Math.max(x, 0), max)) : slope * (x - threshold);
        }
        return y;
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.pointwise(ctx, "relu_layer", ctx.node().attrs());
    }
}
