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

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray y = Reference.copy(in.get(0));
        double scale = a.getDouble("scale");
        double offset = a.getDouble("offset");
        double[] d = y.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] * scale + offset;
        }
        return y;
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.pointwise(ctx, "scale", ctx.node().attrs());
    }
}
