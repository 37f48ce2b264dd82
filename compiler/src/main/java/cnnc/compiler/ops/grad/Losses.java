package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Vjp;
import java.util.List;
import java.util.Map;

/**
 * Losses with Keras' names, per example (the training loss is their mean over the batch), and their gradients, which
 * include the 1/N of that mean. Inputs (prediction, target); sparse targets are class indices stored as floats.
 *
 * <ul>
 *   <li>{@code SoftmaxCrossEntropy} (softmax fused with (sparse_)categorical_crossentropy, computed from the logits
 *       z): logsumexp(z) - Σ t·z with t one-hot (or the given distribution); gradient (softmax(z)·Σt - t)/N.
 *   <li>{@code Loss[kind]} on probabilities, with Keras 2's clipping to [ε, 1-ε], ε = 1e-7:
 *       categorical_crossentropy -Σ t·log(p/Σp); sparse_categorical_crossentropy -log(p_label/Σp);
 *       binary_crossentropy -mean(t·log p + (1-t)·log(1-p)); mean_squared_error mean((p-t)²).
 * </ul>
 */
public final class Losses {
    static final double EPSILON = 1e-7;

    private Losses() {}

    static double target(NDArray t, int row, int k, int classes, boolean sparse) {
        return sparse ? ((int) t.data()[row] == k ? 1 : 0) : t.data()[row * classes + k];
    }

    /** Softmax cross-entropy from logits; attribute {@code sparse}. */
    static final class SoftmaxCrossEntropy extends GradOp {
        private final boolean gradient;

        SoftmaxCrossEntropy(boolean gradient) {
            super(gradient ? "SoftmaxCrossEntropyGrad" : "SoftmaxCrossEntropy", FusionKind.REDUCE, true);
            this.gradient = gradient;
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            NDArray z = in.get(0);
            NDArray t = in.get(1);
            boolean sparse = a.getBool("sparse");
            int n = z.dim(0);
            int k = z.size() / n;
            NDArray out = gradient ? NDArray.zeros(z.shape()) : NDArray.zeros(n);
            for (int r = 0; r < n; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    max = Math.max(max, z.data()[r * k + c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    sum += Math.exp(z.data()[r * k + c] - max);
                }
                double lse = max + Math.log(sum);
                double tsum = 0;
                double loss = 0;
                for (int c = 0; c < k; c++) {
                    double tc = target(t, r, c, k, sparse);
                    tsum += tc;
                    loss += tc * (lse - z.data()[r * k + c]);
                }
                if (!gradient) {
                    out.data()[r] = loss;
                    continue;
                }
                for (int c = 0; c < k; c++) {
                    double p = Math.exp(z.data()[r * k + c] - lse);
                    out.data()[r * k + c] = (p * tsum - target(t, r, c, k, sparse)) / n;
                }
            }
            return out;
        }

        @Override
        public boolean vjp(Vjp ctx) {
            if (gradient) {
                return false;
            }
            Node n = ctx.node();
            String dz = ctx.emit("dlogits", Grads.SOFTMAX_CROSS_ENTROPY_GRAD, n.attrs().toBuilder()
                    .put("shape", GradAttrs.list(Grads.shapeOf(ctx, 0)), null).build(), n.inputs(),
                    Grads.shapeOf(ctx, 0));
            ctx.inputGrad(0, dz);
            return true;
        }
    }

    /** A loss on probabilities (or values, for mean_squared_error); attribute {@code kind}. */
    static final class Loss extends GradOp {
        private final boolean gradient;

        Loss(boolean gradient) {
            super(gradient ? "LossGrad" : "Loss", FusionKind.REDUCE, true);
            this.gradient = gradient;
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            NDArray p = in.get(0);
            NDArray t = in.get(1);
            String kind = a.getString("kind");
            boolean sparse = kind.equals("sparse_categorical_crossentropy");
            int n = p.dim(0);
            int k = p.size() / n;
            NDArray out = gradient ? NDArray.zeros(p.shape()) : NDArray.zeros(n);
            for (int r = 0; r < n; r++) {
                double loss = 0;
                double psum = 0;
                for (int c = 0; c < k; c++) {
                    psum += clip(p.data()[r * k + c]);
                }
                for (int c = 0; c < k; c++) {
                    double pv = p.data()[r * k + c];
                    double cp = clip(pv);
                    double tv = target(t, r, c, k, sparse);
                    int at = r * k + c;
                    switch (kind) {
                        case "mean_squared_error" -> {
                            loss += (pv - tv) * (pv - tv) / k;
                            if (gradient) {
                                out.data()[at] = 2 * (pv - tv) / k / n;
                            }
                        }
                        case "binary_crossentropy" -> {
                            loss -= (tv * Math.log(cp) + (1 - tv) * Math.log(1 - cp)) / k;
                            if (gradient) {
                                boolean inside = pv > EPSILON && pv < 1 - EPSILON;
                                out.data()[at] = inside ? (cp - tv) / (cp * (1 - cp)) / k / n : 0;
                            }
                        }
                        default -> {
                            // -Σ t·log(clip(p)/Σ clip(p)): d/dp_c = (Σt)/Σp - t_c/p_c inside the clip range.
                            loss -= tv * Math.log(cp / psum);
                            if (gradient) {
                                double tsum = 0;
                                for (int j = 0; j < k; j++) {
                                    tsum += target(t, r, j, k, sparse);
                                }
                                boolean inside = pv > EPSILON && pv < 1 - EPSILON;
                                out.data()[at] = inside ? (tsum / psum - tv / cp) / n : 0;
                            }
                        }
                    }
                }
                if (!gradient) {
                    out.data()[r] = loss;
                }
            }
            return out;
        }

        private static double clip(double v) {
            return Math.min(Math.max(v, EPSILON), 1 - EPSILON);
        }

        @Override
        public boolean vjp(Vjp ctx) {
            if (gradient) {
                return false;
            }
            Node n = ctx.node();
            String dp = ctx.emit("dprediction", Grads.LOSS_GRAD, n.attrs().toBuilder()
                    .put("shape", GradAttrs.list(Grads.shapeOf(ctx, 0)), null).build(), n.inputs(),
                    Grads.shapeOf(ctx, 0));
            ctx.inputGrad(0, dp);
            return true;
        }
    }
}
