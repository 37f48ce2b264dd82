package cnnc.compiler.ops;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.ShapeException;

/** Loops shared by the ops' reference definitions. */
public final class Reference {
    private Reference() {}

    /** Applies {@code act} to the last axis of {@code x} in place (softmax over the last axis). */
    static NDArray activate(NDArray x, Activation act) {
        if (act == Activation.SOFTMAX) {
            return softmax(x, x.rank() - 1);
        }
        if (act != Activation.LINEAR) {
            double[] d = x.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = act.apply(d[i]);
            }
        }
        return x;
    }

    /** Softmax along {@code axis}, computed as exp(x - max) / sum for stability. */
    public static NDArray softmax(NDArray x, int axis) {
        int[] s = x.shape();
        int outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= s[i];
        }
        int n = s[axis];
        int inner = 1;
        for (int i = axis + 1; i < s.length; i++) {
            inner *= s[i];
        }
        double[] d = x.data();
        double[] out = new double[d.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                int base = o * n * inner + in;
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) {
                    max = Math.max(max, d[base + k * inner]);
                }
                double sum = 0;
                for (int k = 0; k < n; k++) {
                    double e = Math.exp(d[base + k * inner] - max);
                    out[base + k * inner] = e;
                    sum += e;
                }
                for (int k = 0; k < n; k++) {
                    out[base + k * inner] /= sum;
                }
            }
        }
        return new NDArray(s, out);
    }

    /** Window geometry of one conv-like op over an [N, H, W, C] input. */
    public record Geometry(int n, int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw,
            int top, int left) {

        public static Geometry of(NDArray x, IntPair k, IntPair s, IntPair d, Padding p) {
            try {
                Windows.Axis ah = Windows.axis(x.dim(1), k.h(), s.h(), d.h(), p, true, "kernel", null);
                Windows.Axis aw = Windows.axis(x.dim(2), k.w(), s.w(), d.w(), p, false, "kernel", null);
                return new Geometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), (int) ah.out(), (int) aw.out(), k.h(),
                        k.w(), s.h(), s.w(), d.h(), d.w(), (int) ah.before(), (int) aw.before());
            } catch (ShapeException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }

        /** The input row of output row {@code o} and kernel row {@code i} (may be out of range: padding). */
        public int ih(int o, int i) {
            return o * sh - top + i * dh;
        }

        public int iw(int o, int j) {
            return o * sw - left + j * dw;
        }

        public int at(int b, int y, int x, int ch) {
            return ((b * h + y) * w + x) * c + ch;
        }
    }

    /**
     * 2-D cross-correlation over [N, H, W, C] with kernel [kh, kw, C, F], zero padding, no bias or activation.
     * The definition of Conv2D (and of SeparableConv2D's pointwise part, with a 1×1 kernel).
     */
    public static NDArray conv(NDArray x, NDArray kernel, IntPair k, IntPair s, IntPair d, Padding p) {
        Geometry g = Geometry.of(x, k, s, d, p);
        int f = kernel.dim(3);
        double[] in = x.data();
        double[] w = kernel.data();
        NDArray out = NDArray.zeros(g.n(), g.oh(), g.ow(), f);
        double[] o = out.data();
        for (int b = 0; b < g.n(); b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    for (int fo = 0; fo < f; fo++) {
                        double acc = 0;
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
                                for (int c = 0; c < g.c(); c++) {
                                    acc += in[g.at(b, y, xx, c)] * w[((i * g.kw() + j) * g.c() + c) * f + fo];
                                }
                            }
                        }
                        o[((b * g.oh() + oy) * g.ow() + ox) * f + fo] = acc;
                    }
                }
            }
        }
        return out;
    }

    /** Depthwise correlation: output channel c·mult + m reads input channel c with kernel [kh, kw, C, mult]. */
    public static NDArray depthwise(NDArray x, NDArray kernel, IntPair k, IntPair s, IntPair d, Padding p) {
        Geometry g = Geometry.of(x, k, s, d, p);
        int mult = kernel.dim(3);
        double[] in = x.data();
        double[] w = kernel.data();
        NDArray out = NDArray.zeros(g.n(), g.oh(), g.ow(), g.c() * mult);
        double[] o = out.data();
        for (int b = 0; b < g.n(); b++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    for (int c = 0; c < g.c(); c++) {
                        for (int m = 0; m < mult; m++) {
                            double acc = 0;
                            for (int i = 0; i < g.kh(); i++) {
                                int y = g.ih(oy, i);
                                for (int j = 0; j < g.kw(); j++) {
                                    int xx = g.iw(ox, j);
                                    if (y >= 0 && y < g.h() && xx >= 0 && xx < g.w()) {
                                        acc += in[g.at(b, y, xx, c)] * w[((i * g.kw() + j) * g.c() + c) * mult + m];
                                    }
                                }
                            }
                            o[((b * g.oh() + oy) * g.ow() + ox) * g.c() * mult + c * mult + m] = acc;
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Adds a bias along the last axis, in place. */
    static NDArray addBias(NDArray x, NDArray bias) {
        if (bias == null) {
            return x;
        }
        double[] d = x.data();
        double[] b = bias.data();
        for (int i = 0; i < d.length; i++) {
            d[i] += b[i % b.length];
        }
        return x;
    }

    /** The conv-family epilogue: bias (when the layer has one), then the activation. */
    static NDArray epilogue(NDArray x, java.util.Map<String, NDArray> weights, Attrs a) {
        return activate(addBias(x, weights.get("bias")), a.get("activation", Activation.class));
    }

    /** A copy of an array with the same shape. */
    public static NDArray copy(NDArray x) {
        return new NDArray(x.shape(), x.data().clone());
    }
}
