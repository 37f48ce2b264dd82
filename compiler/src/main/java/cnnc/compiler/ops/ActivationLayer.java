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

/** Keras {@code Activation(name)}: applies one of the {@link Activation} functions elementwise. */
public final class ActivationLayer extends BaseOp {
    ActivationLayer() {
        super("Activation", List.of(), FusionKind.ELEMWISE, List.of(
                ArgSpec.required("activation", ArgTypes.activation())));
    }

    /** Softmax reduces over the last axis; every other activation is elementwise. */
    @Override
    public FusionKind fusionKind(Attrs a) {
        return a.get("activation", Activation.class) == Activation.SOFTMAX ? FusionKind.REDUCE : FusionKind.ELEMWISE;
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) {
        return inputs.get(0);
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        return Reference.activate(Reference.copy(in.get(0)), a.get("activation", Activation.class));
    }

    @Override
    public boolean vjp(Vjp ctx) {
        Activation act = ctx.node().attrs().get("activation", Activation.class);
        return act == Activation.SOFTMAX ? Rules.softmax(ctx, -1) : Rules.pointwise(ctx, act.kerasName(),
                Attrs.empty());
    }
}
