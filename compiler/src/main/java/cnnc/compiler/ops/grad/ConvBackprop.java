package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.WeightSpec;
import cnnc.compiler.ops.Reference;
import java.util.List;
import java.util.Map;

/**
 * Gradients of 2-D cross-correlation y = x ⋆ k (Conv2D, and DepthwiseConv2D with {@code depthwise}), by the chain
 * rule over the same windows as the forward op: dx[n, iy, ix, c] = Σ dy[n, oy, ox, f]·k[i, j, c, f] over the taps that
 * read (iy, ix), and dk[i, j, c, f] = Σ x[n, iy, ix, c]·dy[n, oy, ox, f] over the batch and output pixels. Attributes:
 * the forward layer's kernel_size, strides, dilation_rate, padding, {@code layer}, {@code kernel_shape},
 * {@code shape}.
 */
final class ConvBackprop {
    private ConvBackprop() {}

    /** Which gradient. */
    enum Part { INPUT, KERNEL }

    static final class Op extends GradOp {
        private final Part part;
        private final boolean depthwise;

        Op(String name, Part part, boolean depthwise) {
            super(name, FusionKind.OUT_ELEMWISE_FUSABLE, part == Part.INPUT);
            this.part = part;
            this.depthwise = depthwise;
        }

        @Override
        public List<WeightSpec> weights(Attrs a, List<Shape> inputs) {
            return part == Part.INPUT ? List.of(new WeightSpec(kernelName(a), GradAttrs.shape(a, "kernel_shape"),
                    false)) : List.of();
        }

        @Override
        public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
            Shape xs = part == Part.INPUT ? GradAttrs.shape(a, "shape") : null;
            NDArray dy = part == Part.INPUT ? in.get(0) : in.get(1);
            NDArray x = part == Part.INPUT ? NDArray.zeros(dy.dim(0), (int) xs.dim(0), (int) xs.dim(1), (int) xs.dim(2))
                    : in.get(0);
            Shape ks = GradAttrs.shape(a, "kernel_shape");
            NDArray k = part == Part.INPUT ? w.get(kernelName(a))
                    : NDArray.zeros((int) ks.dim(0), (int) ks.dim(1), (int) ks.dim(2), (int) ks.dim(3));
            IntPair kp = a.getPair("kernel_size");
            Reference.Geometry g = Reference.Geometry.of(x, kp, a.getPair("strides"), a.getPair("dilation_rate"),
                    a.get("padding", Padding.class));
            int last = (int) ks.dim(3);
            int outC = depthwise ? g.c() * last : last;
            double[] xd = x.data();
            double[] kd = k.data();
            double[] dyd = dy.data();
            for (int b = 0; b < g.n(); b++) {
                for (int oy = 0; oy < g.oh(); oy++) {
                    for (int ox = 0; ox < g.ow(); ox++) {
                        int o = ((b * g.oh() + oy) * g.ow() + ox) * outC;
                        for (int i = 0; i < g.kh(); i++) {
                            int y = g.ih(oy, i);
                            if (y < 0 || y >= g.h()) {
                                continue;
                            }
                            for (int j = 0; j < g.kw(); j++) {
                                int xx = g.iw(ox, j);
                                if (xx < 0 || xx >= g.w()) {
                                    continue;
                                }
                                int xi = g.at(b, y, xx, 0);
                                int ki = (i * g.kw() + j) * g.c() * last;
                                for (int c = 0; c < g.c(); c++) {
                                    if (depthwise) {
                                        for (int m = 0; m < last; m++) {
                                            accumulate(xd, kd, dyd, xi + c, ki + c * last + m, o + c * last + m);
                                        }
                                    } else {
                                        for (int f = 0; f < last; f++) {
                                            accumulate(xd, kd, dyd, xi + c, ki + c * last + f, o + f);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return part == Part.INPUT ? x : k;
        }

        /** The forward layer's weight read: kernel, depthwise_kernel, or (separable) pointwise_kernel. */
        private String kernelName(Attrs a) {
            return a.has("kernel_name") ? a.getString("kernel_name") : depthwise ? "depthwise_kernel" : "kernel";
        }

        private void accumulate(double[] x, double[] k, double[] dy, int xi, int ki, int oi) {
            if (part == Part.INPUT) {
                x[xi] += dy[oi] * k[ki];
            } else {
                k[ki] += dy[oi] * x[xi];
            }
        }
    }
}
