package cnnc.compiler.ops;

import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import java.util.List;

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
}
