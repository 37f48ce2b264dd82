package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ops.Pooling2D;
import cnnc.compiler.ops.Reference;
import java.util.List;
import java.util.Map;

/**
 * Gradients of window pooling, inputs (x, dy), over real (unpadded) cells only: max routes dy to the window's first
 * arg-max; average spreads dy/count; L2 (y = sqrt Σx²) gives dy·x/y (0 where y = 0). Global pooling treats the whole
 * image as one window. Attributes: the forward pool's pool_size, strides (resolved), padding, and {@code kind};
 * {@code global} for global pooling.
 */
final class PoolingGrad extends GradOp {
    PoolingGrad() {
        super("Pooling2DGrad", FusionKind.REDUCE_WINDOW, true);
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray x = in.get(0);
        NDArray dy = in.get(1);
        Pooling2D.Kind kind = Pooling2D.Kind.valueOf(a.getString("kind"));
        boolean global = a.getBool("global");
        IntPair k = global ? new IntPair(x.dim(1), x.dim(2)) : a.getPair("pool_size");
        IntPair s = global ? k : a.getPair("strides");
        Padding p = global ? Padding.VALID : a.get("padding", Padding.class);
        Reference.Geometry g = Reference.Geometry.of(x, k, s, IntPair.square(1), p);
        NDArray dx = NDArray.zeros(x.shape());
        double[] xd = x.data();
        double[] out = dx.data();
        for (int b = 0; b < g.n(); b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    for (int c = 0; c < g.c(); c++) {
                        double grad = dy.data()[((b * g.oh() + oy) * g.ow() + ox) * g.c() + c];
                        int count = 0;
                        int best = -1;
                        double sumsq = 0;
                        for (int i = 0; i < g.kh(); i++) {
                            for (int j = 0; j < g.kw(); j++) {
                                int y = g.ih(oy, i);
                                int xx = g.iw(ox, j);
                                if (y < 0 || y >= g.h() || xx < 0 || xx >= g.w()) {
                                    continue;
                                }
                                int at = g.at(b, y, xx, c);
                                count++;
                                sumsq += xd[at] * xd[at];
                                if (best < 0 || xd[at] > xd[best]) {
                                    best = at;
                                }
                            }
                        }
                        double norm = Math.sqrt(sumsq);
                        for (int i = 0; i < g.kh(); i++) {
                            for (int j = 0; j < g.kw(); j++) {
                                int y = g.ih(oy, i);
                                int xx = g.iw(ox, j);
                                if (y < 0 || y >= g.h() || xx < 0 || xx >= g.w()) {
                                    continue;
                                }
                                int at = g.at(b, y, xx, c);
                                out[at] += switch (kind) {
                                    case MAX -> at == best ? grad : 0;
                                    case AVERAGE -> grad / count;
                                    case L2 -> norm == 0 ? 0 : grad * xd[at] / norm;
                                };
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }
}
