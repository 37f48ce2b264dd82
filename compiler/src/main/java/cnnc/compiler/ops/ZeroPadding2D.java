package cnnc.compiler.ops;

import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;

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
}
