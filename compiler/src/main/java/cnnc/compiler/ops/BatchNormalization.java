package cnnc.compiler.ops;

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
 * Keras {@code BatchNormalization} over the last (channel) axis (Ioffe and Szegedy 2015):
 * y = gamma·(x - mean)/sqrt(var + epsilon) + beta. Weights gamma (if {@code scale}), beta (if {@code center}),
 * and the non-trainable moving_mean and moving_variance: 4 params per channel, 3 without scale or center.
 */
public final class BatchNormalization extends BaseOp {
    BatchNormalization() {
        super("BatchNormalization", List.of(), FusionKind.ELEMWISE, List.of(
                ArgSpec.optional("axis", ArgTypes.anyInt(), -1),
                ArgSpec.optional("momentum", ArgTypes.number(0, 1, false, "a momentum in [0, 1]"), 0.99),
                ArgSpec.optional("epsilon", ArgTypes.number(Double.MIN_VALUE, Double.MAX_VALUE, false,
                        "a positive number"), 1e-3),
                ArgSpec.optional("center", ArgTypes.bool(), true),
                ArgSpec.optional("scale", ArgTypes.bool(), true),
                trainable()));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape in = inputs.get(0);
        if (in.rank() < 1) {
            throw new ShapeException("BatchNormalization expects an input of rank at least 1");
        }
        int axis = axisIndex(a.getInt("axis"), in.rank(), "axis");
        if (axis != in.rank() - 1) {
            throw new ShapeException("only the channel axis (-1) is supported, got axis " + a.getInt("axis"), "axis");
        }
        return in;
    }

    @Override
    public List<WeightSpec> weights(Attrs a, List<Shape> inputs) {
        Shape c = Shape.of(inputs.get(0).dim(-1));
        boolean t = a.getBool("trainable");
        List<WeightSpec> w = new ArrayList<>();
        if (a.getBool("scale")) {
            w.add(new WeightSpec("gamma", c, t));
        }
        if (a.getBool("center")) {
            w.add(new WeightSpec("beta", c, t));
        }
        w.add(new WeightSpec("moving_mean", c, false));
        w.add(new WeightSpec("moving_variance", c, false));
        return w;
    }

    /** Inference: y = gamma·(x - moving_mean)/sqrt(moving_variance + epsilon) + beta. */
    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray y = Reference.copy(in.get(0));
        double eps = a.getDouble("epsilon");
        double[] mean = w.get("moving_mean").data();
        double[] var = w.get("moving_variance").data();
        double[] gamma = w.containsKey("gamma") ? w.get("gamma").data() : null;
        double[] beta = w.containsKey("beta") ? w.get("beta").data() : null;
        double[] d = y.data();
        int c = mean.length;
        for (int i = 0; i < d.length; i++) {
            int ch = i % c;
            double v = (d[i] - mean[ch]) / Math.sqrt(var[ch] + eps);
            d[i] = v * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]);
        }
        return y;
    }

    /** Reached only for a frozen layer, which trains in inference mode (as Keras 2); trainable ones are rewritten. */
    @Override
    public boolean vjp(cnnc.compiler.ir.Vjp ctx) {
        return cnnc.compiler.ops.grad.Rules.frozenBatchNorm(ctx);
    }
}
