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

/** Keras {@code Add}: the elementwise sum of two or more inputs of one shape (residual connections). */
public final class Add extends BaseOp {
    Add() {
        super("Add", List.of(), FusionKind.BROADCAST, List.of());
    }

    @Override
    public int minInputs() {
        return 2;
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape first = inputs.get(0);
        for (int i = 1; i < inputs.size(); i++) {
            if (!inputs.get(i).equals(first)) {
                throw new ShapeException("Add needs inputs of one shape, got " + first + " and " + inputs.get(i)
                        + " (input " + (i + 1) + ")");
            }
        }
        return first;
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray y = Reference.copy(in.get(0));
        double[] d = y.data();
        for (int k = 1; k < in.size(); k++) {
            double[] e = in.get(k).data();
            for (int i = 0; i < d.length; i++) {
                d[i] += e[i];
            }
        }
        return y;
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.add(ctx);
    }
}
