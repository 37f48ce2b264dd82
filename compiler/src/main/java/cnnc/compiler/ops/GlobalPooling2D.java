package cnnc.compiler.ops;

import cnnc.compiler.ops.grad.Rules;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;
import java.util.Map;

/**
 * {@code GlobalAveragePooling2D} and {@code GlobalMaxPooling2D}: one value per channel over all of H and W;
 * [C], or [1, 1, C] with {@code keepdims=true}.
 */
public final class GlobalPooling2D extends BaseOp {
    private final Pooling2D.Kind kind;

    GlobalPooling2D(Pooling2D.Kind kind, String name, List<String> aliases) {
        super(name, aliases, FusionKind.REDUCE, List.of(
                dataFormat(),
                ArgSpec.optional("keepdims", ArgTypes.bool(), false)));
        this.kind = kind;
    }

    public Pooling2D.Kind kind() {
        return kind;
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape in = image(inputs);
        return a.getBool("keepdims") ? Shape.of(1, 1, in.dim(2)) : Shape.of(in.dim(2));
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray x = in.get(0);
        int n = x.dim(0);
        int hw = x.dim(1) * x.dim(2);
        int c = x.dim(3);
        NDArray out = a.getBool("keepdims") ? NDArray.zeros(n, 1, 1, c) : NDArray.zeros(n, c);
        double[] d = x.data();
        double[] o = out.data();
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                double acc = kind == Pooling2D.Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
                for (int p = 0; p < hw; p++) {
                    double v = d[(b * hw + p) * c + ch];
                    acc = kind == Pooling2D.Kind.MAX ? Math.max(acc, v) : acc + v;
                }
                o[b * c + ch] = kind == Pooling2D.Kind.MAX ? acc : acc / hw;
            }
        }
        return out;
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.pool(ctx, kind, true);
    }
}
