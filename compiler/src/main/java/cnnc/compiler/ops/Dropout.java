package cnnc.compiler.ops;

import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import java.util.List;
import java.util.Map;

/**
 * Keras {@code Dropout}: in training, zeroes each element with probability {@code rate} and scales the rest by
 * 1/(1-rate) (inverted dropout, Srivastava et al. 2014); the identity at inference.
 */
public final class Dropout extends BaseOp {
    Dropout() {
        super("Dropout", List.of(), FusionKind.ELEMWISE, List.of(
                ArgSpec.required("rate", ArgTypes.number(0, 1, true, "a rate in [0, 1)")),
                ArgSpec.optional("seed", ArgTypes.optionalSeed(), null)));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) {
        return inputs.get(0);
    }

    /** The identity: dropout acts only in training. */
    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        return Reference.copy(in.get(0));
    }
}
