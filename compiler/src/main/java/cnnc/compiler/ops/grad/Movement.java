package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Padding;
import java.util.List;
import java.util.Map;

/**
 * Gradients of ops that only move values: {@code Crop2D(dy)} undoes ZeroPadding2D (attribute {@code padding}), and
 * {@code Slice(dy)} takes one input's part of a Concatenate (attributes {@code axis} (Keras), {@code begin},
 * {@code size}).
 */
final class Movement {
    private Movement() {}

    static final class Crop extends GradOp {
        Crop() {
            super("Crop2D", FusionKind.INJECTIVE, true);
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            NDArray dy = in.get(0);
            Padding p = a.get("padding", Padding.class);
            int n = dy.dim(0);
            int oh = dy.dim(1);
            int ow = dy.dim(2);
            int c = dy.dim(3);
            int h = oh - p.top() - p.bottom();
            int wd = ow - p.left() - p.right();
            NDArray dx = NDArray.zeros(n, h, wd, c);
            for (int b = 0; b < n; b++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(dy.data(), ((b * oh + y + p.top()) * ow + p.left()) * c, dx.data(),
                            (b * h + y) * wd * c, wd * c);
                }
            }
            return dx;
        }
    }

    static final class Slice extends GradOp {
        Slice() {
            super("Slice", FusionKind.INJECTIVE, true);
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            NDArray dy = in.get(0);
            int axis = a.getInt("axis") < 0 ? dy.rank() + a.getInt("axis") : a.getInt("axis");
            int begin = a.getInt("begin");
            int size = a.getInt("size");
            int outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= dy.dim(i);
            }
            int inner = dy.size() / outer / dy.dim(axis);
            int[] shape = dy.shape();
            shape[axis] = size;
            NDArray dx = NDArray.zeros(shape);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(dy.data(), (o * dy.dim(axis) + begin) * inner, dx.data(), o * size * inner,
                        size * inner);
            }
            return dx;
        }
    }
}
