package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.WeightSpec;
import java.util.List;
import java.util.Map;

/** Weight gradients that sum over the batch: bias (Σ dy over all but the last axis) and dense kernel (xᵀ·dy). */
final class Reductions {
    private Reductions() {}

    /** db[c] = Σ dy[..., c]. */
    static final class BiasGrad extends GradOp {
        BiasGrad() {
            super("BiasAddGrad", FusionKind.REDUCE, false);
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            NDArray dy = in.get(0);
            int c = dy.dim(-1);
            NDArray out = NDArray.zeros(c);
            double[] d = dy.data();
            for (int i = 0; i < d.length; i++) {
                out.data()[i % c] += d[i];
            }
            return out;
        }
    }

    /** Dense: dK[i, u] = Σ_rows x[r, i]·dy[r, u]; dx[r, i] = Σ_u dy[r, u]·K[i, u]. */
    static final class DenseBackprop extends GradOp {
        private final boolean input;

        DenseBackprop(boolean input) {
            super(input ? "DenseBackpropInput" : "DenseBackpropKernel", FusionKind.OUT_ELEMWISE_FUSABLE, input);
            this.input = input;
        }

        @Override
        public List<WeightSpec> weights(Attrs a, List<Shape> inputs) {
            return input ? List.of(new WeightSpec("kernel", GradAttrs.shape(a, "kernel_shape"), false)) : List.of();
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            Shape ks = GradAttrs.shape(a, "kernel_shape");
            int inner = (int) ks.dim(0);
            int units = (int) ks.dim(1);
            NDArray dy = input ? in.get(0) : in.get(1);
            int rows = dy.size() / units;
            if (input) {
                int[] shape = dy.shape();
                shape[shape.length - 1] = inner;
                NDArray dx = NDArray.zeros(shape);
                double[] k = w.get("kernel").data();
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < inner; i++) {
                        double acc = 0;
                        for (int u = 0; u < units; u++) {
                            acc += dy.data()[r * units + u] * k[i * units + u];
                        }
                        dx.data()[r * inner + i] = acc;
                    }
                }
                return dx;
            }
            NDArray x = in.get(0);
            NDArray dk = NDArray.zeros(inner, units);
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < inner; i++) {
                    double xv = x.data()[r * inner + i];
                    for (int u = 0; u < units; u++) {
                        dk.data()[i * units + u] += xv * dy.data()[r * units + u];
                    }
                }
            }
            return dk;
        }
    }
}
