package cnnc.compiler.ops;

import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import java.util.List;

/**
 * Keras {@code ReLU}: f(x) = min(x, max_value) for x ≥ threshold, negative_slope·(x - threshold) otherwise
 * (max_value None means unbounded).
 */
public final class ReLU extends BaseOp {
    ReLU() {
        super("ReLU", List.of(), FusionKind.ELEMWISE, List.of(
                ArgSpec.optional("max_value", ArgTypes.optionalNonNegative(), null),
                ArgSpec.optional("negative_slope", ArgTypes.number(0, Double.MAX_VALUE, false,
                        "a non-negative number"), 0.0),
                ArgSpec.optional("threshold", ArgTypes.anyNumber(), 0.0)));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) {
        return inputs.get(0);
    }
}
