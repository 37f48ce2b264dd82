package cnnc.compiler.ops;

import cnnc.compiler.ops.grad.Rules;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;
import java.util.Map;

/** Keras {@code ZeroPadding2D}: zeros added above, below, left and right of an [H, W, C] image. */
public final class ZeroPadding2D extends BaseOp {
    ZeroPadding2D() {
        super("ZeroPadding2D", List.of(), FusionKind.INJECTIVE, List.of(
                ArgSpec.optional("padding", ArgTypes.zeroPadding(), Padding.explicit(1, 1, 1, 1)),
                dataFormat()));
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape in = image(inputs);
        Padding p = a.get("padding", Padding.class);
        return Shape.of(in.dim(0) + p.top() + p.bottom(), in.dim(1) + p.left() + p.right(), in.dim(2));
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray x = in.get(0);
        Padding p = a.get("padding", Padding.class);
        int n = x.dim(0);
        int h = x.dim(1);
        int wd = x.dim(2);
        int c = x.dim(3);
        int oh = h + p.top() + p.bottom();
        int ow = wd + p.left() + p.right();
        NDArray out = NDArray.zeros(n, oh, ow, c);
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(x.data(), (b * h + y) * wd * c, out.data(),
                        ((b * oh + y + p.top()) * ow + p.left()) * c, wd * c);
            }
        }
        return out;
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.zeroPadding(ctx);
    }
}
