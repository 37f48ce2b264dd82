package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.NDArray;
import java.util.List;
import java.util.Map;

/** dx = y·(dy - Σ dy·y) along the softmax axis, inputs (y, dy); attribute {@code axis} (Keras, batch axis 0). */
final class SoftmaxGrad extends GradOp {
    SoftmaxGrad() {
        super("SoftmaxGrad", FusionKind.REDUCE, true);
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray y = in.get(0);
        NDArray dy = in.get(1);
        int axis = a.getInt("axis") < 0 ? y.rank() + a.getInt("axis") : a.getInt("axis");
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= y.dim(i);
        }
        int n = y.dim(axis);
        int inner = y.size() / outer / n;
        NDArray dx = NDArray.zeros(y.shape());
        for (int o = 0; o < outer; o++) {
            for (int z = 0; z < inner; z++) {
                int base = o * n * inner + z;
                double dot = 0;
                for (int t = 0; t < n; t++) {
                    dot += dy.data()[base + t * inner] * y.data()[base + t * inner];
                }
                for (int t = 0; t < n; t++) {
                    int at = base + t * inner;
                    dx.data()[at] = y.data()[at] * (dy.data()[at] - dot);
                }
            }
        }
        return dx;
    }
}
