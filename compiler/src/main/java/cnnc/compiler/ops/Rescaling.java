package cnnc.compiler.ops;

import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import java.util.List;

/** Keras {@code Rescaling}: y = x·scale + offset (e.g. {@code Rescaling(1/255)} for pixel values). */
public final class Rescaling extends BaseOp {
    Rescaling() {
        super("Rescaling", List.of(), FusionKind.ELEMWISE, List.of(
                ArgSpec.required("scale", ArgTypes.anyNumber()),
                ArgSpec.optional("offset", ArgTypes.anyNumber(), 0.0)));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) {
        return inputs.get(0);
    }
}
