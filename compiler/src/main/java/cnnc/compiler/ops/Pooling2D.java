package cnnc.compiler.ops;

import cnnc.compiler.ops.grad.Rules;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.ArgSpec;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.List;
import java.util.Map;

/**
 * Window pooling over H and W, per channel: {@code MaxPooling2D}, {@code AveragePooling2D} and
 * {@code L2Pooling2D} (the square root of the sum of squares over the window, seed 003). {@code strides} defaults to
 * {@code pool_size}. With {@code same} padding, padded cells take no part: max ignores them, average divides by the
 * number of real cells (TensorFlow's rule), L2 sums real cells only.
 */
public final class Pooling2D extends BaseOp {
    /** Which reduction the window applies. */
    public enum Kind { MAX, AVERAGE, L2 }

    private final Kind kind;

    Pooling2D(Kind kind, String name, List<String> aliases) {
        super(name, aliases, FusionKind.REDUCE_WINDOW, List.of(
                ArgSpec.optional("pool_size", ArgTypes.positivePair(), IntPair.square(2), "pool"),
                ArgSpec.optional("strides", ArgTypes.optionalPositivePair(), null, "stride"),
                ArgSpec.optional("padding", ArgTypes.poolPadding(), Padding.VALID),
                dataFormat()));
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The effective strides: {@code strides}, or {@code pool_size} when strides is None. */
    public static IntPair strides(Attrs a) {
        IntPair s = (IntPair) a.get("strides");
        return s == null ? a.getPair("pool_size") : s;
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape in = image(inputs);
        long[] hw = Conv2D.spatial(in, a.getPair("pool_size"), strides(a), IntPair.square(1),
                a.get("padding", Padding.class), "pool", "pool_size");
        return Shape.of(hw[0], hw[1], in.dim(2));
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray x = in.get(0);
        IntPair k = a.getPair("pool_size");
        Reference.Geometry g = Reference.Geometry.of(x, k, strides(a), IntPair.square(1),
                a.get("padding", Padding.class));
        NDArray out = NDArray.zeros(g.n(), g.oh(), g.ow(), g.c());
        double[] d = x.data();
        double[] o = out.data();
        for (int b = 0; b < g.n(); b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    for (int c = 0; c < g.c(); c++) {
                        double acc = kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
                        int count = 0;
                        for (int i = 0; i < g.kh(); i++) {
                            int y = g.ih(oy, i);
                            for (int j = 0; j < g.kw(); j++) {
                                int xx = g.iw(ox, j);
                                if (y < 0 || y >= g.h() || xx < 0 || xx >= g.w()) {
                                    continue;
                                }
                                double v = d[g.at(b, y, xx, c)];
                                count++;
                                acc = switch (kind) {
                                    case MAX -> Math.max(acc, v);
                                    case AVERAGE -> acc + v;
                                    case L2 -> acc + v * v;
                                };
                            }
                        }
                        o[((b * g.oh() + oy) * g.ow() + ox) * g.c() + c] = switch (kind) {
                            case MAX -> acc;
                            case AVERAGE -> acc / count;
                            case L2 -> Math.sqrt(acc);
                        };
                    }
                }
            }
        }
        return out;
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.pool(ctx, kind, false);
    }
}
