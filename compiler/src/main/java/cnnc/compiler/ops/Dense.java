package cnnc.compiler.ops;

import cnnc.compiler.ops.grad.Rules;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import cnnc.compiler.ir.WeightSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras {@code Dense}: y = activation(x·W + b) on the last axis, W of [in, units]. Params in·units (+units);
 * MACs (product of the leading axes)·in·units.
 */
public final class Dense extends BaseOp {
    Dense() {
        super("Dense", List.of(), FusionKind.OUT_ELEMWISE_FUSABLE, List.of(
                ArgSpec.required("units", ArgTypes.positiveInt()),
                ArgSpec.optional("activation", ArgTypes.activation(), Activation.LINEAR),
                ArgSpec.optional("use_bias", ArgTypes.bool(), true),
                trainable()));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape in = inputs.get(0);
        if (in.rank() < 1) {
            throw new ShapeException("Dense expects an input of rank at least 1, got a scalar");
        }
        return in.with(-1, a.getInt("units"));
    }

    @Override
    public List<WeightSpec> weights(Attrs a, List<Shape> inputs) {
        long in = inputs.get(0).dim(-1);
        int units = a.getInt("units");
        boolean t = a.getBool("trainable");
        List<WeightSpec> w = new ArrayList<>();
        w.add(new WeightSpec("kernel", Shape.of(in, units), t));
        if (a.getBool("use_bias")) {
            w.add(new WeightSpec("bias", Shape.of(units), t));
        }
        return w;
    }

    @Override
    public long macs(Attrs a, List<Shape> inputs, Shape out) {
        return Math.multiplyExact(out.size(), inputs.get(0).dim(-1));
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray x = in.get(0);
        NDArray k = w.get("kernel");
        int units = k.dim(1);
        int inner = k.dim(0);
        int rows = x.size() / inner;
        int[] shape = x.shape();
        shape[shape.length - 1] = units;
        NDArray out = NDArray.zeros(shape);
        double[] d = x.data();
        double[] kd = k.data();
        double[] o = out.data();
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < units; u++) {
                double acc = 0;
                for (int i = 0; i < inner; i++) {
                    acc += d[r * inner + i] * kd[i * units + u];
                }
                o[r * units + u] = acc;
            }
        }
        return Reference.epilogue(out, w, a);
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.dense(ctx);
    }
}
