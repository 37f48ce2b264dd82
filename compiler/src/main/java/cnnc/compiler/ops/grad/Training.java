package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.WeightSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Training-mode forms of Dropout and BatchNormalization and their gradients.
 *
 * <p>Dropout (inverted, Srivastava et al. 2014): y = x·m/(1-rate) with m = 1 where u ≥ rate, u uniform in [0, 1)
 * from a counter-based hash (SplitMix64) of the layer's seed, the example's key (input 2, one value per example, set
 * by the trainer from the step) and the element index, so that the gradient regenerates the same mask:
 * dx = dy·m/(1-rate).
 *
 * <p>BatchNormalization (Ioffe and Szegedy 2015) with batch statistics: {@code BatchMoments(x)} gives [2, C] (mean and
 * biased variance over the batch and spatial axes); y = gamma·x̂ + beta with x̂ = (x-mean)/sqrt(var+ε);
 * dx = gamma/sqrt(var+ε)·(dy - mean(dy) - x̂·mean(dy·x̂)); dgamma = Σ dy·x̂; dbeta = Σ dy.
 */
public final class Training {
    private Training() {}

    /** The dropout mask value (0 or 1/(1-rate)) of element {@code index} of the example with {@code key}. */
    public static double keep(long seed, double key, long index, double rate) {
        long z = seed * 0x9E3779B97F4A7C15L + (long) key * 0xBF58476D1CE4E5B9L + index * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        double u = (z >>> 11) * 0x1.0p-53;
        return u >= rate ? 1 / (1 - rate) : 0;
    }

    /** DropoutTrain(x, key) and DropoutGrad(dy, key): both multiply by the mask. */
    static final class Dropout extends GradOp {
        Dropout(String name) {
            super(name, FusionKind.ELEMWISE, true);
        }

        @Override
        public boolean vjp(cnnc.compiler.ir.Vjp ctx) {
            if (name().equals("DropoutGrad")) {
                return false;
            }
            cnnc.compiler.ir.Node n = ctx.node();
            if (ctx.needsInput(0)) {
                ctx.inputGrad(0, ctx.emit("dx", Grads.DROPOUT_GRAD, n.attrs(), List.of(ctx.grad(), n.inputs().get(1)),
                        n.shape()));
            }
            return true;
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            NDArray x = in.get(0);
            NDArray key = in.get(1);
            double rate = a.getDouble("rate");
            long seed = ((Number) a.get("seed")).longValue();
            int n = x.dim(0);
            int per = x.size() / n;
            NDArray y = NDArray.zeros(x.shape());
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < per; i++) {
                    y.data()[b * per + i] = x.data()[b * per + i] * keep(seed, key.data()[b], i, rate);
                }
            }
            return y;
        }
    }

    /** [2, C]: mean and biased variance of x over all axes but the last. */
    static final class Moments extends GradOp {
        Moments() {
            super("BatchMoments", FusionKind.REDUCE, false);
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            return moments(in.get(0));
        }
    }

    static NDArray moments(NDArray x) {
        int c = x.dim(-1);
        int count = x.size() / c;
        NDArray m = NDArray.zeros(2, c);
        for (int i = 0; i < x.size(); i++) {
            m.data()[i % c] += x.data()[i] / count;
        }
        for (int i = 0; i < x.size(); i++) {
            double d = x.data()[i] - m.data()[i % c];
            m.data()[c + i % c] += d * d / count;
        }
        return m;
    }

    private static List<WeightSpec> affine(Attrs a) {
        Shape c = Shape.of(GradAttrs.shape(a, "channels").dim(0));
        List<WeightSpec> out = new ArrayList<>();
        if (a.getBool("scale")) {
            out.add(new WeightSpec("gamma", c, false));
        }
        if (a.getBool("center")) {
            out.add(new WeightSpec("beta", c, false));
        }
        return out;
    }

    /** Normalisation with batch statistics, inputs (x, moments), and its input gradient (x, moments, dy). */
    static final class Norm extends GradOp {
        private final boolean backprop;

        Norm(boolean backprop) {
            super(backprop ? "BatchNormalizationBackprop" : "BatchNormalizationTrain", FusionKind.ELEMWISE, true);
            this.backprop = backprop;
        }

        /** Gradients of x (through the batch statistics too), gamma and beta; moments get none of their own. */
        @Override
        public boolean vjp(cnnc.compiler.ir.Vjp ctx) {
            if (backprop) {
                return false;
            }
            cnnc.compiler.ir.Node n = ctx.node();
            List<String> in = List.of(n.inputs().get(0), n.inputs().get(1), ctx.grad());
            if (ctx.needsWeights()) {
                Shape c = Shape.of(n.shape().dim(-1));
                for (String which : new String[] {"gamma", "beta"}) {
                    if (n.attrs().getBool(which.equals("gamma") ? "scale" : "center")) {
                        ctx.weightGrad(which, ctx.emit("d" + which, Grads.BATCH_NORM_PARAM_GRAD, n.attrs().toBuilder()
                                .put("which", which).put("shape", GradAttrs.list(c)).build(), in, c));
                    }
                }
            }
            if (ctx.needsInput(0)) {
                ctx.inputGrad(0, ctx.emit("dx", Grads.BATCH_NORM_BACKPROP, n.attrs(), in, n.shape()));
            }
            return true;
        }

        @Override
        public List<WeightSpec> weights(Attrs a, List<Shape> inputs) {
            return affine(a);
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            NDArray x = in.get(0);
            NDArray m = in.get(1);
            double eps = a.getDouble("epsilon");
            int c = x.dim(-1);
            int count = x.size() / c;
            double[] gamma = w.containsKey("gamma") ? w.get("gamma").data() : null;
            double[] beta = w.containsKey("beta") ? w.get("beta").data() : null;
            NDArray y = NDArray.zeros(x.shape());
            double[] meanDy = new double[c];
            double[] meanDyXhat = new double[c];
            NDArray dy = backprop ? in.get(2) : null;
            if (backprop) {
                for (int i = 0; i < x.size(); i++) {
                    int ch = i % c;
                    double xhat = (x.data()[i] - m.data()[ch]) / Math.sqrt(m.data()[c + ch] + eps);
                    meanDy[ch] += dy.data()[i] / count;
                    meanDyXhat[ch] += dy.data()[i] * xhat / count;
                }
            }
            for (int i = 0; i < x.size(); i++) {
                int ch = i % c;
                double inv = 1 / Math.sqrt(m.data()[c + ch] + eps);
                double xhat = (x.data()[i] - m.data()[ch]) * inv;
                double g = gamma == null ? 1 : gamma[ch];
                y.data()[i] = backprop ? g * inv * (dy.data()[i] - meanDy[ch] - xhat * meanDyXhat[ch])
                        : g * xhat + (beta == null ? 0 : beta[ch]);
            }
            return y;
        }
    }

    /**
     * The gradient through a frozen BatchNormalization, which Keras 2 runs in inference mode (moving statistics):
     * dx = dy·gamma/sqrt(moving_variance + ε), input dy; attributes {@code layer}, {@code epsilon}, {@code scale},
     * {@code channels}.
     */
    static final class InferenceGrad extends GradOp {
        InferenceGrad() {
            super("BatchNormalizationInferenceGrad", FusionKind.ELEMWISE, true);
        }

        @Override
        public List<WeightSpec> weights(Attrs a, List<Shape> inputs) {
            Shape c = GradAttrs.shape(a, "channels");
            List<WeightSpec> out = new ArrayList<>();
            if (a.getBool("scale")) {
                out.add(new WeightSpec("gamma", c, false));
            }
            out.add(new WeightSpec("moving_variance", c, false));
            return out;
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            NDArray dy = in.get(0);
            double eps = a.getDouble("epsilon");
            double[] var = w.get("moving_variance").data();
            double[] gamma = w.containsKey("gamma") ? w.get("gamma").data() : null;
            NDArray dx = NDArray.zeros(dy.shape());
            for (int i = 0; i < dy.size(); i++) {
                int ch = i % var.length;
                dx.data()[i] = dy.data()[i] * (gamma == null ? 1 : gamma[ch]) / Math.sqrt(var[ch] + eps);
            }
            return dx;
        }
    }

    /** dgamma = Σ dy·x̂ or dbeta = Σ dy, inputs (x, moments, dy); attribute {@code which}. */
    static final class ParamGrad extends GradOp {
        ParamGrad() {
            super("BatchNormalizationParamGrad", FusionKind.REDUCE, false);
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            NDArray x = in.get(0);
            NDArray m = in.get(1);
            NDArray dy = in.get(2);
            boolean gamma = a.getString("which").equals("gamma");
            double eps = a.getDouble("epsilon");
            int c = x.dim(-1);
            NDArray out = NDArray.zeros(c);
            for (int i = 0; i < x.size(); i++) {
                int ch = i % c;
                double xhat = (x.data()[i] - m.data()[ch]) / Math.sqrt(m.data()[c + ch] + eps);
                out.data()[ch] += gamma ? dy.data()[i] * xhat : dy.data()[i];
            }
            return out;
        }
    }
}
