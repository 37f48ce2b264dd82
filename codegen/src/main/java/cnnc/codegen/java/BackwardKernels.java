package cnnc.codegen.java;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import cnnc.compiler.ops.Activation;
import cnnc.compiler.ops.Windows;
import java.util.List;
import java.util.Map;

/**
 * Java kernels for the ops the autodiff pass emits (backward ops, training-mode Dropout and BatchNormalization,
 * losses), each a plain-loop transcription of the op's reference definition in {@code cnnc.compiler.ops.grad}.
 * Ops whose output has no batch axis (weight gradients, batch moments) sum over the whole batch: the training step
 * runs a batch in one chunk. Kernel parameters follow {@link Kernels}: (array, offset) per input, the output, the
 * example count {@code n}, a row range and the workspace.
 */
final class BackwardKernels {
    private final Map<String, Shape> shapes;
    private final Packing packing;

    BackwardKernels(Map<String, Shape> shapes, Packing packing) {
        this.shapes = shapes;
        this.packing = packing;
    }

    /** The kernel body for backward or training op {@code n}, or null when {@code n} is not one. */
    String body(Node n) {
        return switch (n.op().name()) {
            case "Conv2DBackpropInput", "DepthwiseConv2DBackpropInput" -> convInput(n);
            case "Conv2DBackpropFilter", "DepthwiseConv2DBackpropFilter" -> convFilter(n);
            case "BiasAddGrad" -> biasGrad(n);
            case "DenseBackpropInput" -> denseInput(n);
            case "DenseBackpropKernel" -> denseKernel(n);
            case "Pooling2DGrad" -> poolingGrad(n);
            case "PointwiseGrad" -> pointwiseGrad(n);
            case "SoftmaxGrad" -> softmaxGrad(n);
            case "Crop2D" -> crop(n);
            case "Slice" -> slice(n);
            case "DropoutTrain", "DropoutGrad" -> dropout(n);
            case "BatchMoments" -> moments(n);
            case "BatchNormalizationTrain", "BatchNormalizationBackprop" -> batchNorm(n);
            case "BatchNormalizationParamGrad" -> batchNormParam(n);
            case "BatchNormalizationInferenceGrad" -> batchNormInference(n);
            case "SoftmaxCrossEntropy", "SoftmaxCrossEntropyGrad" -> softmaxCrossEntropy(n);
            case "Loss", "LossGrad" -> loss(n);
            default -> null;
        };
    }

    private long size(Node n, int input) {
        return shapes.get(n.inputs().get(input)).size();
    }

    private Shape in(Node n, int input) {
        return shapes.get(n.inputs().get(input));
    }

    private static Windows.Axis axis(long size, int k, int s, int d, Padding p, boolean h) {
        try {
            return Windows.axis(size, k, s, d, p, h, "kernel", null);
        } catch (ShapeException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Geometry of the forward window op whose gradient {@code n} computes, as literals. */
    private record Win(int h, int w, int c, int oh, int ow, int kh, int kw, int sh, int sw, int dh, int dw, int top,
            int left) {
        String iy(String oy, String i) {
            return Expr.plus(Expr.lin(oy, sh, -top), Expr.lin(i, dh, 0));
        }

        String ix(String ox, String j) {
            return Expr.plus(Expr.lin(ox, sw, -left), Expr.lin(j, dw, 0));
        }
    }

    private static Win window(Shape x, IntPair k, IntPair s, IntPair d, Padding p) {
        Windows.Axis ay = axis(x.dim(0), k.h(), s.h(), d.h(), p, true);
        Windows.Axis ax = axis(x.dim(1), k.w(), s.w(), d.w(), p, false);
        return new Win((int) x.dim(0), (int) x.dim(1), (int) x.dim(2), (int) ay.out(), (int) ax.out(), k.h(), k.w(),
                s.h(), s.w(), d.h(), d.w(), (int) ay.before(), (int) ax.before());
    }

    /** Opens the loops over examples, output pixels and in-range taps of a window; the caller closes 5. */
    private static void taps(Code c, Win g, String xB, String dyB) {
        c.open("for (int b = 0; b < n; b++)");
        c.line("int xB = " + xB + ";");
        c.line("int dyB = " + dyB + ";");
        c.open("for (int oy = 0; oy < " + g.oh() + "; oy++)");
        c.open("for (int ox = 0; ox < " + g.ow() + "; ox++)");
        c.open("for (int i = 0; i < " + g.kh() + "; i++)");
        c.line("int y = " + g.iy("oy", "i") + ";");
        c.open("if (y < 0 || y >= " + g.h() + ")").line("continue;").close();
        c.open("for (int j = 0; j < " + g.kw() + "; j++)");
        c.line("int x = " + g.ix("ox", "j") + ";");
        c.open("if (x < 0 || x >= " + g.w() + ")").line("continue;").close();
    }

    private static Shape shape(Attrs a, String key) {
        @SuppressWarnings("unchecked")
        List<Long> dims = (List<Long>) a.get(key);
        return Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
    }

    private String kernelName(Node n) {
        if (n.attrs().has("kernel_name")) {
            return n.attrs().getString("kernel_name");
        }
        return n.op().name().startsWith("Depthwise") ? "depthwise_kernel" : "kernel";
    }

    /** dx[iy, ix, c] += Σ dy[oy, ox, f]·k[i, j, c, f] (depthwise: channel c·m + mo reads c). */
    private String convInput(Node n) {
        Attrs a = n.attrs();
        Shape x = shape(a, "shape");
        Shape k = shape(a, "kernel_shape");
        boolean depthwise = n.op().name().startsWith("Depthwise");
        Win g = window(x, a.getPair("kernel_size"), a.getPair("strides"), a.getPair("dilation_rate"),
                a.get("padding", Padding.class));
        int last = (int) k.dim(3);
        int outC = depthwise ? g.c() * last : last;
        String kf = packing.plain(a.getString("layer"), kernelName(n));
        Code c = new Code();
        c.line("final float[] k = this." + kf + ";");
        c.line("java.util.Arrays.fill(o, oOff, oOff + n * " + x.size() + ", 0f);");
        taps(c, g, "oOff + b * " + x.size(), "i0Off + b * " + (long) g.oh() * g.ow() * outC);
        c.line("int xi = xB + (y * " + g.w() + " + x) * " + g.c() + ";");
        c.line("int d = dyB + (oy * " + g.ow() + " + ox) * " + outC + ";");
        c.line("int kr = (i * " + g.kw() + " + j) * " + (long) g.c() * last + ";");
        c.open("for (int ci = 0; ci < " + g.c() + "; ci++)");
        c.line("float acc = 0f;");
        if (depthwise) {
            c.open("for (int m = 0; m < " + last + "; m++)")
                    .line("acc += i0[d + ci * " + last + " + m] * k[kr + ci * " + last + " + m];").close();
        } else {
            c.open("for (int f = 0; f < " + last + "; f++)")
                    .line("acc += i0[d + f] * k[kr + ci * " + last + " + f];").close();
        }
        c.line("o[xi + ci] += acc;");
        c.close().close().close().close().close().close();
        return c.toString();
    }

    /**
     * dk[i, j, c, f] = Σ over batch and pixels of x[iy, ix, c]·dy[oy, ox, f]. For Conv2D the sums run in rows
     * [(i, j, c)][f] that start at index 0, with each output pixel's dy copied to a buffer at index 0, so that C2
     * vectorizes over f; depthwise kernels use plain loops.
     */
    private String convFilter(Node n) {
        Attrs a = n.attrs();
        Shape x = in(n, 0);
        Shape k = shape(a, "kernel_shape");
        boolean depthwise = n.op().name().startsWith("Depthwise");
        Win g = window(x, a.getPair("kernel_size"), a.getPair("strides"), a.getPair("dilation_rate"),
                a.get("padding", Padding.class));
        int last = (int) k.dim(3);
        int outC = depthwise ? g.c() * last : last;
        Code c = new Code();
        if (depthwise) {
            c.line("java.util.Arrays.fill(o, oOff, oOff + " + k.size() + ", 0f);");
            taps(c, g, "i0Off + b * " + x.size(), "i1Off + b * " + (long) g.oh() * g.ow() * outC);
            c.line("int xi = xB + (y * " + g.w() + " + x) * " + g.c() + ";");
            c.line("int d = dyB + (oy * " + g.ow() + " + ox) * " + outC + ";");
            c.line("int kr = oOff + (i * " + g.kw() + " + j) * " + (long) g.c() * last + ";");
            c.open("for (int ci = 0; ci < " + g.c() + "; ci++)");
            c.line("float xv = i0[xi + ci];");
            c.open("for (int m = 0; m < " + last + "; m++)")
                    .line("o[kr + ci * " + last + " + m] += xv * i1[d + ci * " + last + " + m];").close();
            c.close().close().close().close().close().close();
            return c.toString();
        }
        int taps = g.kh() * g.kw() * g.c();
        int wide = g.ow() + (g.kw() - 1) * g.dw();
        if (g.sw() == 1 && (long) taps * g.ow() * last + (long) g.h() * wide * last * g.c() <= 1 << 16) {
            return convFilterExpanded(c, g, x, last);
        }
        String acc = packing.scratch("dkernel", taps, last);
        String dy = packing.scratch("dy", 1, last);
        c.line("final float[][] acc = this." + acc + ";");
        c.line("final float[] dy = this." + dy + "[0];");
        c.open("for (int t = 0; t < " + taps + "; t++)").line("java.util.Arrays.fill(acc[t], 0f);").close();
        c.open("for (int b = 0; b < n; b++)");
        c.line("int xB = i0Off + b * " + x.size() + ";");
        c.line("int dyB = i1Off + b * " + (long) g.oh() * g.ow() * outC + ";");
        c.open("for (int oy = 0; oy < " + g.oh() + "; oy++)");
        c.open("for (int ox = 0; ox < " + g.ow() + "; ox++)");
        c.line("System.arraycopy(i1, dyB + (oy * " + g.ow() + " + ox) * " + last + ", dy, 0, " + last + ");");
        c.open("for (int i = 0; i < " + g.kh() + "; i++)");
        c.line("int y = " + g.iy("oy", "i") + ";");
        c.open("if (y < 0 || y >= " + g.h() + ")").line("continue;").close();
        c.open("for (int j = 0; j < " + g.kw() + "; j++)");
        c.line("int x = " + g.ix("ox", "j") + ";");
        c.open("if (x < 0 || x >= " + g.w() + ")").line("continue;").close();
        c.line("int xi = xB + (y * " + g.w() + " + x) * " + g.c() + ";");
        c.line("int t0 = (i * " + g.kw() + " + j) * " + g.c() + ";");
        c.open("for (int ci = 0; ci < " + g.c() + "; ci++)");
        c.line("float xv = i0[xi + ci];");
        c.line("final float[] row = acc[t0 + ci];");
        c.open("for (int f = 0; f < " + last + "; f++)").line("row[f] += xv * dy[f];").close();
        c.close().close().close().close().close().close();
        c.open("for (int t = 0; t < " + taps + "; t++)")
                .line("System.arraycopy(acc[t], 0, o, oOff + t * " + last + ", " + last + ");").close();
        return c.toString();
    }

    /**
     * Conv2D's filter gradient for stride-1 rows with few output channels F, where a loop over F alone is too short
     * for C2 to vectorize: each input row of each channel is first expanded to {@code xe[px·F + f] = x[px]} (zero in
     * the padding), so that every tap (i, j, c) becomes one long same-index update over an output row,
     * {@code acc[t][ox·F + f] += xe[y][(ox + j·dw)·F + f]·dy[oy][ox·F + f]}, with j·dw·F a literal offset; the sums
     * over ox come last. Costs one store per input element and output channel, against kh·kw multiply-adds.
     */
    private String convFilterExpanded(Code c, Win g, Shape x, int last) {
        int taps = g.kh() * g.kw() * g.c();
        int rowLen = g.ow() * last;
        int wide = g.ow() + (g.kw() - 1) * g.dw();
        String acc = packing.scratch("dkernel", taps, rowLen);
        String xe = packing.scratch("xe", g.h() * g.c(), wide * last);
        String dy = packing.scratch("dy", 1, rowLen);
        c.line("final float[][] acc = this." + acc + ";");
        c.line("final float[][] xe = this." + xe + ";");
        c.line("final float[] dy = this." + dy + "[0];");
        c.open("for (int t = 0; t < " + taps + "; t++)").line("java.util.Arrays.fill(acc[t], 0f);").close();
        c.open("for (int b = 0; b < n; b++)");
        c.line("int xB = i0Off + b * " + x.size() + ";");
        c.line("int dyB = i1Off + b * " + (long) g.oh() * rowLen + ";");
        c.open("for (int y = 0; y < " + g.h() + "; y++)");
        c.open("for (int ci = 0; ci < " + g.c() + "; ci++)");
        c.line("final float[] e = xe[y * " + g.c() + " + ci];");
        c.open("for (int px = 0; px < " + wide + "; px++)");
        c.line("int sx = px - " + g.left() + ";");
        c.line("float v = sx >= 0 && sx < " + g.w() + " ? i0[xB + (y * " + g.w() + " + sx) * " + g.c() + " + ci] : 0f;");
        c.open("for (int f = 0; f < " + last + "; f++)").line("e[px * " + last + " + f] = v;").close();
        c.close().close().close();
        c.open("for (int oy = 0; oy < " + g.oh() + "; oy++)");
        c.line("System.arraycopy(i1, dyB + oy * " + rowLen + ", dy, 0, " + rowLen + ");");
        c.open("for (int i = 0; i < " + g.kh() + "; i++)");
        c.line("int y = " + g.iy("oy", "i") + ";");
        c.open("if (y < 0 || y >= " + g.h() + ")").line("continue;").close();
        c.open("for (int ci = 0; ci < " + g.c() + "; ci++)");
        c.line("final float[] e = xe[y * " + g.c() + " + ci];");
        for (int j = 0; j < g.kw(); j++) {
            int shift = j * g.dw() * last;
            c.line("final float[] a" + j + " = acc[(i * " + g.kw() + " + " + j + ") * " + g.c() + " + ci];");
            c.open("for (int q = 0; q < " + rowLen + "; q++)")
                    .line("a" + j + "[q] += e[" + (shift == 0 ? "q" : "q + " + shift) + "] * dy[q];").close();
        }
        c.close().close().close().close();
        c.open("for (int t = 0; t < " + taps + "; t++)");
        c.line("final float[] a = acc[t];");
        c.open("for (int f = 0; f < " + last + "; f++)");
        c.line("float sum = 0f;");
        c.open("for (int ox = 0; ox < " + g.ow() + "; ox++)").line("sum += a[ox * " + last + " + f];").close();
        c.line("o[oOff + t * " + last + " + f] = sum;");
        c.close().close();
        return c.toString();
    }

    /**
     * db[f] = Σ over rows of dy[row, f]. Few channels make a loop over f too short to vectorize, so dy is summed in
     * chunks of whole rows copied to a buffer at index 0 (C2 vectorizes only same-index loops), into partial sums
     * that are folded per channel at the end.
     */
    private String biasGrad(Node n) {
        long ch = n.shape().dim(0);
        long rows = size(n, 0) / ch;
        int chunk = (int) (ch * Math.max(1, 1024 / ch));
        String acc = packing.scratch("dbias", 2, chunk);
        Code c = new Code();
        c.line("final float[] acc = this." + acc + "[0];");
        c.line("final float[] buf = this." + acc + "[1];");
        c.line("java.util.Arrays.fill(acc, 0f);");
        c.line("long total = (long) n * " + rows * ch + ";");
        c.line("int e = 0;");
        c.open("for (; e + " + chunk + " <= total; e += " + chunk + ")");
        c.line("System.arraycopy(i0, i0Off + e, buf, 0, " + chunk + ");");
        c.open("for (int q = 0; q < " + chunk + "; q++)").line("acc[q] += buf[q];").close();
        c.close();
        c.open("for (; e < total; e += " + ch + ")");
        c.open("for (int f = 0; f < " + ch + "; f++)").line("acc[f] += i0[i0Off + e + f];").close();
        c.close();
        c.open("for (int f = 0; f < " + ch + "; f++)");
        c.line("float sum = 0f;");
        c.open("for (int k = 0; k < " + chunk / ch + "; k++)").line("sum += acc[k * " + ch + " + f];").close();
        c.line("o[oOff + f] = sum;");
        c.close();
        return c.toString();
    }

    /**
     * dx[r, :] = Σ_u dy[r, u]·Kᵀ[u, :]: axpy over the input units with the kernel transposed at packing time, so that
     * the inner loop is the same-index form C2 vectorizes (a dot product per input unit would not be). Four rows of
     * dx at a time share each load of Kᵀ; column blocks of 256 keep the four accumulators in L1 and the block of Kᵀ
     * in L2 while all rows pass.
     */
    private String denseInput(Node n) {
        Shape k = shape(n.attrs(), "kernel_shape");
        int inner = (int) k.dim(0);
        int units = (int) k.dim(1);
        long rows = size(n, 0) / units;
        String kt = packing.transposed(n.attrs().getString("layer"), "kernel", inner, units);
        String acc = packing.scratch("dx", 4, inner);
        Code c = new Code();
        c.line("final float[][] kt = this." + kt + ";");
        c.line("final float[] a0 = this." + acc + "[0];");
        c.line("final float[] a1 = this." + acc + "[1];");
        c.line("final float[] a2 = this." + acc + "[2];");
        c.line("final float[] a3 = this." + acc + "[3];");
        c.line("int rows = n * " + rows + ";");
        c.open("for (int lo = 0; lo < " + inner + "; lo += 256)");
        c.line("int hi = Math.min(" + inner + ", lo + 256);");
        c.open("for (int r = 0; r < rows; r += 4)");
        c.line("int m = Math.min(4, rows - r);");
        c.line("int d = i0Off + r * " + units + ";");
        c.open("for (int i = lo; i < hi; i++)").line("a0[i] = 0f;").line("a1[i] = 0f;").line("a2[i] = 0f;")
                .line("a3[i] = 0f;").close();
        c.open("for (int u = 0; u < " + units + "; u++)");
        c.line("float g0 = i0[d + u];");
        c.line("float g1 = m > 1 ? i0[d + " + units + " + u] : 0f;");
        c.line("float g2 = m > 2 ? i0[d + " + 2L * units + " + u] : 0f;");
        c.line("float g3 = m > 3 ? i0[d + " + 3L * units + " + u] : 0f;");
        c.line("final float[] row = kt[u];");
        c.open("for (int i = lo; i < hi; i++)");
        c.line("float kv = row[i];");
        c.line("a0[i] += g0 * kv;").line("a1[i] += g1 * kv;").line("a2[i] += g2 * kv;").line("a3[i] += g3 * kv;");
        c.close().close();
        c.line("System.arraycopy(a0, lo, o, oOff + r * " + inner + " + lo, hi - lo);");
        c.line("if (m > 1) System.arraycopy(a1, lo, o, oOff + (r + 1) * " + inner + " + lo, hi - lo);");
        c.line("if (m > 2) System.arraycopy(a2, lo, o, oOff + (r + 2) * " + inner + " + lo, hi - lo);");
        c.line("if (m > 3) System.arraycopy(a3, lo, o, oOff + (r + 3) * " + inner + " + lo, hi - lo);");
        c.close().close();
        return c.toString();
    }

    /**
     * dK[i, :] = Σ_r x[r, i]·dy[r, :], accumulated in rows that start at index 0, four examples per update (their dy
     * rows copied to buffers that start at index 0 too), so that C2 vectorizes it and each accumulator row is
     * loaded and stored once per four examples; blocks of 64 rows keep the accumulators in L1. Copied out per block.
     */
    private String denseKernel(Node n) {
        Shape k = shape(n.attrs(), "kernel_shape");
        int inner = (int) k.dim(0);
        int units = (int) k.dim(1);
        long rows = size(n, 0) / inner;
        String acc = packing.scratch("dkernel", Math.min(64, inner), units);
        String dy = packing.scratch("dy", 4, units);
        Code c = new Code();
        c.line("final float[][] acc = this." + acc + ";");
        c.line("final float[] d0 = this." + dy + "[0];");
        c.line("final float[] d1 = this." + dy + "[1];");
        c.line("final float[] d2 = this." + dy + "[2];");
        c.line("final float[] d3 = this." + dy + "[3];");
        c.line("int rows = n * " + rows + ";");
        c.open("for (int lo = 0; lo < " + inner + "; lo += 64)");
        c.line("int hi = Math.min(" + inner + ", lo + 64);");
        c.open("for (int i = lo; i < hi; i++)").line("java.util.Arrays.fill(acc[i - lo], 0f);").close();
        c.open("for (int r = 0; r < rows; r += 4)");
        c.line("int m = Math.min(4, rows - r);");
        c.line("System.arraycopy(i1, i1Off + r * " + units + ", d0, 0, " + units + ");");
        c.line("if (m > 1) System.arraycopy(i1, i1Off + (r + 1) * " + units + ", d1, 0, " + units + ");"
                + " else java.util.Arrays.fill(d1, 0f);");
        c.line("if (m > 2) System.arraycopy(i1, i1Off + (r + 2) * " + units + ", d2, 0, " + units + ");"
                + " else java.util.Arrays.fill(d2, 0f);");
        c.line("if (m > 3) System.arraycopy(i1, i1Off + (r + 3) * " + units + ", d3, 0, " + units + ");"
                + " else java.util.Arrays.fill(d3, 0f);");
        c.line("int xi = i0Off + r * " + inner + ";");
        c.open("for (int i = lo; i < hi; i++)");
        c.line("float x0 = i0[xi + i];");
        c.line("float x1 = m > 1 ? i0[xi + " + inner + " + i] : 0f;");
        c.line("float x2 = m > 2 ? i0[xi + " + 2L * inner + " + i] : 0f;");
        c.line("float x3 = m > 3 ? i0[xi + " + 3L * inner + " + i] : 0f;");
        c.open("if (x0 == 0f && x1 == 0f && x2 == 0f && x3 == 0f)").line("continue;").close();
        c.line("final float[] row = acc[i - lo];");
        c.open("for (int u = 0; u < " + units + "; u++)")
                .line("row[u] += x0 * d0[u] + x1 * d1[u] + x2 * d2[u] + x3 * d3[u];").close();
        c.close().close();
        c.open("for (int i = lo; i < hi; i++)")
                .line("System.arraycopy(acc[i - lo], 0, o, oOff + i * " + units + ", " + units + ");").close();
        c.close();
        return c.toString();
    }

    /** Max routes dy to the window's first arg-max; average spreads dy/count; L2 gives dy·x/‖x‖. */
    private String poolingGrad(Node n) {
        Attrs a = n.attrs();
        Shape x = in(n, 0);
        boolean global = a.getBool("global");
        IntPair k = global ? new IntPair((int) x.dim(0), (int) x.dim(1)) : a.getPair("pool_size");
        IntPair s = global ? k : a.getPair("strides");
        Padding p = global ? Padding.VALID : a.get("padding", Padding.class);
        Win g = window(x, k, s, IntPair.square(1), p);
        String kind = a.getString("kind");
        Code c = new Code();
        if (kind.equals("MAX")) {
            return maxPoolingGrad(c, g);
        }
        c.line("java.util.Arrays.fill(o, oOff, oOff + n * " + x.size() + ", 0f);");
        c.open("for (int b = 0; b < n; b++)");
        c.line("int xB = i0Off + b * " + x.size() + ";");
        c.line("int dyB = i1Off + b * " + (long) g.oh() * g.ow() * g.c() + ";");
        c.line("int oB = oOff + b * " + x.size() + ";");
        c.open("for (int oy = 0; oy < " + g.oh() + "; oy++)");
        c.open("for (int ox = 0; ox < " + g.ow() + "; ox++)");
        c.open("for (int ch = 0; ch < " + g.c() + "; ch++)");
        c.line("float grad = i1[dyB + (oy * " + g.ow() + " + ox) * " + g.c() + " + ch];");
        c.line("int count = 0;");
        c.line("int best = -1;");
        c.line("double sumsq = 0;");
        String loop = "for (int i = 0; i < " + g.kh() + "; i++) for (int j = 0; j < " + g.kw() + "; j++)";
        String cell = "int y = " + g.iy("oy", "i") + ";\nint x = " + g.ix("ox", "j") + ";\n"
                + "if (y < 0 || y >= " + g.h() + " || x < 0 || x >= " + g.w() + ") continue;\n"
                + "int at = (y * " + g.w() + " + x) * " + g.c() + " + ch;";
        c.open(loop).line(cell).line("count++;").line("sumsq += (double) i0[xB + at] * i0[xB + at];")
                .line("if (best < 0 || i0[xB + at] > i0[xB + best]) best = at;").close();
        c.line("double norm = Math.sqrt(sumsq);");
        switch (kind) {
            case "MAX" -> c.line("o[oB + best] += grad;");
            case "AVERAGE" -> c.open(loop).line(cell).line("o[oB + at] += grad / count;").close();
            default -> c.open(loop).line(cell).line("if (norm != 0) o[oB + at] += (float) (grad * i0[xB + at] / norm);")
                    .close();
        }
        c.close().close().close().close();
        return c.toString();
    }

    /** Each dy goes to its window's first arg-max (ties: the first in row-major order, as the reference). */
    private static String maxPoolingGrad(Code c, Win g) {
        long xSize = (long) g.h() * g.w() * g.c();
        boolean inside = g.top() == 0 && g.left() == 0 && (g.oh() - 1) * g.sh() + (g.kh() - 1) * g.dh() < g.h()
                && (g.ow() - 1) * g.sw() + (g.kw() - 1) * g.dw() < g.w();
        if (inside && g.kh() * g.kw() <= 16) {
            // Every window lies inside the input: the taps are literal offsets from the window's corner.
            c.line("java.util.Arrays.fill(o, oOff, oOff + n * " + xSize + ", 0f);");
            c.open("for (int b = 0; b < n; b++)");
            c.line("int xB = i0Off + b * " + xSize + ";");
            c.line("int dyB = i1Off + b * " + (long) g.oh() * g.ow() * g.c() + ";");
            c.line("int oB = oOff + b * " + xSize + ";");
            c.open("for (int oy = 0; oy < " + g.oh() + "; oy++)");
            c.open("for (int ox = 0; ox < " + g.ow() + "; ox++)");
            c.line("int corner = (oy * " + (long) g.sh() * g.w() + " + ox * " + g.sw() + ") * " + g.c() + ";");
            c.line("int xc = xB + corner;");
            c.line("int d = dyB + (oy * " + g.ow() + " + ox) * " + g.c() + ";");
            c.open("for (int ch = 0; ch < " + g.c() + "; ch++)");
            c.line("float top = i0[xc + ch];");
            c.line("int best = 0;");
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    long off = ((long) i * g.dh() * g.w() + (long) j * g.dw()) * g.c();
                    if (off == 0) {
                        continue;
                    }
                    // Selects, not branches: which tap wins is data, and mispredicted branches cost more.
                    c.line("float v" + off + " = i0[xc + " + off + " + ch];");
                    c.line("boolean g" + off + " = v" + off + " > top;");
                    c.line("best = g" + off + " ? " + off + " : best;");
                    c.line("top = g" + off + " ? v" + off + " : top;");
                }
            }
            c.line("o[oB + corner + best + ch] += i1[d + ch];");
            c.close().close().close().close();
            return c.toString();
        }
        c.line("java.util.Arrays.fill(o, oOff, oOff + n * " + xSize + ", 0f);");
        c.open("for (int b = 0; b < n; b++)");
        c.line("int xB = i0Off + b * " + xSize + ";");
        c.line("int dyB = i1Off + b * " + (long) g.oh() * g.ow() * g.c() + ";");
        c.line("int oB = oOff + b * " + xSize + ";");
        c.open("for (int oy = 0; oy < " + g.oh() + "; oy++)");
        c.open("for (int ox = 0; ox < " + g.ow() + "; ox++)");
        c.line("int d = dyB + (oy * " + g.ow() + " + ox) * " + g.c() + ";");
        c.open("for (int ch = 0; ch < " + g.c() + "; ch++)");
        c.line("int best = -1;");
        c.line("float top = 0f;");
        c.open("for (int i = 0; i < " + g.kh() + "; i++)");
        c.line("int y = " + g.iy("oy", "i") + ";");
        c.open("if (y < 0 || y >= " + g.h() + ")").line("continue;").close();
        c.open("for (int j = 0; j < " + g.kw() + "; j++)");
        c.line("int x = " + g.ix("ox", "j") + ";");
        c.open("if (x < 0 || x >= " + g.w() + ")").line("continue;").close();
        c.line("int at = (y * " + g.w() + " + x) * " + g.c() + " + ch;");
        c.line("float v = i0[xB + at];");
        c.open("if (best < 0 || v > top)").line("best = at;").line("top = v;").close();
        c.close().close();
        c.line("o[oB + best] += i1[d + ch];");
        c.close().close().close().close();
        return c.toString();
    }

    private String pointwiseGrad(Node n) {
        Attrs a = n.attrs();
        String d = a.has("of") && a.getString("of").equals("output") ? switch (Activation.byName(a.getString("fn"))) {
            // v is the activation's output y (FuseTraining), see PointwiseGrad.derivativeOfOutput.
            case RELU -> step("v");
            case RELU6 -> step("v") + " * " + step("6f - v");
            case LEAKY_RELU -> "v >= 0f ? 1f : 0.2f";
            case ELU -> "v > 0f ? 1f : v + 1f";
            case SIGMOID -> "v * (1f - v)";
            case TANH -> "1f - v * v";
            default -> throw new IllegalArgumentException(a.getString("fn") + " has no derivative in its output");
        } : switch (a.getString("fn")) {
            case "relu_layer" -> {
                Double max = (Double) a.get("max_value");
                String pos = max == null ? "1f" : "(v > 0f && v < " + Expr.f(max) + " ? 1f : 0f)";
                yield "v > " + Expr.f(a.getDouble("threshold")) + " ? " + pos + " : "
                        + Expr.f(a.getDouble("negative_slope"));
            }
            case "leaky" -> "v >= 0f ? 1f : " + Expr.f(a.getDouble("negative_slope"));
            case "scale" -> Expr.f(a.getDouble("scale"));
            default -> switch (Activation.byName(a.getString("fn"))) {
                case LINEAR -> "1f";
                case RELU -> step("v");
                case RELU6 -> step("v") + " * " + step("6f - v");
                case LEAKY_RELU -> "v >= 0f ? 1f : 0.2f";
                case ELU -> "v > 0f ? 1f : (float) Math.exp(v)";
                case TANH -> "(float) (1.0 - Math.pow(1.0 - 2.0 / (Math.exp(2.0 * v) + 1.0), 2))";
                case SIGMOID -> "(float) (1.0 / (1.0 + Math.exp(-v)) * (1.0 - 1.0 / (1.0 + Math.exp(-v))))";
                case HARD_SIGMOID -> "v > -2.5f && v < 2.5f ? 0.2f : 0f";
                case SWISH -> "(float) (1.0 / (1.0 + Math.exp(-v)) * (1.0 + v * (1.0 - 1.0 / (1.0 + Math.exp(-v)))))";
                case SOFTMAX -> throw new IllegalArgumentException("softmax has SoftmaxGrad");
            };
        };
        Code c = new Code();
        // C2 vectorizes only when all three arrays are indexed alike, which they are when no offset is given.
        c.open("if (i0Off == 0 && i1Off == 0 && oOff == 0)");
        c.open("for (int e = 0; e < n * " + n.shape().size() + "; e++)");
        c.line("float v = i0[e];");
        c.line("o[e] = i1[e] * (" + d + ");");
        c.close().close().open("else");
        c.open("for (int e = 0; e < n * " + n.shape().size() + "; e++)");
        c.line("float v = i0[i0Off + e];");
        c.line("o[oOff + e] = i1[i1Off + e] * (" + d + ");");
        c.close().close();
        return c.toString();
    }

    /**
     * 1f where {@code x} > 0, else 0f (NaN stays NaN), with no comparison: the product is at least 1 for any
     * positive float (the smallest subnormal gives 2^-149 · 2^252 = 2^103), and the clamp makes it exactly 1; C2
     * vectorizes this where it does not vectorize a conditional.
     */
    private static String step(String x) {
        return "Math.min(Math.max((" + x + ") * 0x1p126f * 0x1p126f, 0f), 1f)";
    }

    private String softmaxGrad(Node n) {
        Shape y = n.shape();
        int axis = n.attrs().getInt("axis");
        int index = axis < 0 ? y.rank() + axis : axis - 1;
        long len = y.dim(index);
        long inner = 1;
        for (int i = index + 1; i < y.rank(); i++) {
            inner *= y.dim(i);
        }
        long outer = y.size() / len / inner;
        Code c = new Code();
        c.open("for (int a = 0; a < n * " + outer + "; a++)");
        c.open("for (int z = 0; z < " + inner + "; z++)");
        c.line("int base = a * " + len * inner + " + z;");
        c.line("float dot = 0f;");
        c.open("for (int t = 0; t < " + len + "; t++)")
                .line("dot += i0[i0Off + base + t * " + inner + "] * i1[i1Off + base + t * " + inner + "];").close();
        c.open("for (int t = 0; t < " + len + "; t++)")
                .line("int at = base + t * " + inner + ";")
                .line("o[oOff + at] = i0[i0Off + at] * (i1[i1Off + at] - dot);").close();
        c.close().close();
        return c.toString();
    }

    private String crop(Node n) {
        Padding p = n.attrs().get("padding", Padding.class);
        Shape dy = in(n, 0);
        Shape x = n.shape();
        Code c = new Code();
        c.open("for (int b = 0; b < n; b++)");
        c.open("for (int y = 0; y < " + x.dim(0) + "; y++)");
        c.line("System.arraycopy(i0, i0Off + b * " + dy.size() + " + ((y + " + p.top() + ") * " + dy.dim(1) + " + "
                + p.left() + ") * " + dy.dim(2) + ", o, oOff + b * " + x.size() + " + y * " + x.dim(1) * x.dim(2) + ", "
                + x.dim(1) * x.dim(2) + ");");
        c.close().close();
        return c.toString();
    }

    private String slice(Node n) {
        Shape dy = in(n, 0);
        int index = n.attrs().getInt("axis") - 1;
        int begin = n.attrs().getInt("begin");
        int size = n.attrs().getInt("size");
        long outer = 1;
        for (int i = 0; i < index; i++) {
            outer *= dy.dim(i);
        }
        long inner = dy.size() / outer / dy.dim(index);
        Code c = new Code();
        c.open("for (int o2 = 0; o2 < n * " + outer + "; o2++)");
        c.line("System.arraycopy(i0, i0Off + (o2 * " + dy.dim(index) + " + " + begin + ") * " + inner + ", o, oOff + o2 * "
                + size * inner + ", " + size * inner + ");");
        c.close();
        return c.toString();
    }

    /** Inverted dropout with the mask of {@code keep}: the same hash as the reference definition. */
    private String dropout(Node n) {
        double rate = n.attrs().getDouble("rate");
        long seed = ((Number) n.attrs().get("seed")).longValue();
        long per = n.shape().size();
        Code c = new Code();
        c.open("for (int b = 0; b < n; b++)");
        c.line("double key = i1[i1Off + b];");
        c.open("for (int e = 0; e < " + per + "; e++)");
        c.line("o[oOff + b * " + per + " + e] = (float) (i0[i0Off + b * " + per + " + e] * keep(" + seed + "L, key, e, "
                + rate + "));");
        c.close().close();
        return c.toString();
    }

    private String moments(Node n) {
        long ch = n.shape().dim(1);
        long rows = size(n, 0) / ch;
        Code c = new Code();
        c.line("java.util.Arrays.fill(o, oOff, oOff + " + 2 * ch + ", 0f);");
        c.line("double[] mean = new double[" + ch + "];");
        c.line("double[] var = new double[" + ch + "];");
        c.line("long count = (long) n * " + rows + ";");
        c.open("for (int r = 0; r < count; r++)").open("for (int f = 0; f < " + ch + "; f++)")
                .line("mean[f] += i0[i0Off + r * " + ch + " + f];").close().close();
        c.open("for (int f = 0; f < " + ch + "; f++)").line("mean[f] /= count;").close();
        c.open("for (int r = 0; r < count; r++)").open("for (int f = 0; f < " + ch + "; f++)")
                .line("double d = i0[i0Off + r * " + ch + " + f] - mean[f];").line("var[f] += d * d;").close().close();
        c.open("for (int f = 0; f < " + ch + "; f++)")
                .line("o[oOff + f] = (float) mean[f];").line("o[oOff + " + ch + " + f] = (float) (var[f] / count);")
                .close();
        return c.toString();
    }

    private String affine(Node n, Code c) {
        Attrs a = n.attrs();
        String layer = a.getString("layer");
        c.line("final float[] gamma = " + (a.getBool("scale") ? "this." + packing.plain(layer, "gamma") : "null") + ";");
        return layer;
    }

    /** Training normalisation (batch statistics) and its input gradient. */
    private String batchNorm(Node n) {
        Attrs a = n.attrs();
        boolean backprop = n.op().name().endsWith("Backprop");
        long ch = n.shape().dim(-1);
        long rows = n.shape().size() / ch;
        double eps = a.getDouble("epsilon");
        Code c = new Code();
        String layer = affine(n, c);
        c.line("final float[] beta = " + (a.getBool("center") && !backprop ? "this." + packing.plain(layer, "beta")
                : "null") + ";");
        c.line("long count = (long) n * " + rows + ";");
        if (backprop) {
            c.line("double[] meanDy = new double[" + ch + "];");
            c.line("double[] meanDyXhat = new double[" + ch + "];");
            c.open("for (int r = 0; r < count; r++)").open("for (int f = 0; f < " + ch + "; f++)")
                    .line("int at = r * " + ch + " + f;")
                    .line("double xhat = (i0[i0Off + at] - i1[i1Off + f]) / Math.sqrt(i1[i1Off + " + ch + " + f] + "
                            + eps + ");")
                    .line("meanDy[f] += i2[i2Off + at] / (double) count;")
                    .line("meanDyXhat[f] += i2[i2Off + at] * xhat / count;").close().close();
        }
        c.open("for (int r = 0; r < count; r++)").open("for (int f = 0; f < " + ch + "; f++)");
        c.line("int at = r * " + ch + " + f;");
        c.line("double inv = 1 / Math.sqrt(i1[i1Off + " + ch + " + f] + " + eps + ");");
        c.line("double xhat = (i0[i0Off + at] - i1[i1Off + f]) * inv;");
        c.line("double g = gamma == null ? 1 : gamma[f];");
        c.line(backprop ? "o[oOff + at] = (float) (g * inv * (i2[i2Off + at] - meanDy[f] - xhat * meanDyXhat[f]));"
                : "o[oOff + at] = (float) (g * xhat + (beta == null ? 0 : beta[f]));");
        c.close().close();
        return c.toString();
    }

    private String batchNormParam(Node n) {
        long ch = n.shape().dim(0);
        long rows = size(n, 0) / ch;
        boolean gamma = n.attrs().getString("which").equals("gamma");
        double eps = n.attrs().getDouble("epsilon");
        Code c = new Code();
        c.line("java.util.Arrays.fill(o, oOff, oOff + " + ch + ", 0f);");
        c.open("for (int r = 0; r < n * " + rows + "; r++)").open("for (int f = 0; f < " + ch + "; f++)");
        c.line("int at = r * " + ch + " + f;");
        c.line(gamma ? "o[oOff + f] += (float) (i2[i2Off + at] * (i0[i0Off + at] - i1[i1Off + f]) / Math.sqrt(i1[i1Off + "
                + ch + " + f] + " + eps + "));" : "o[oOff + f] += i2[i2Off + at];");
        c.close().close();
        return c.toString();
    }

    private String batchNormInference(Node n) {
        long ch = n.shape().dim(-1);
        Code c = new Code();
        String layer = affine(n, c);
        c.line("final float[] var = this." + packing.plain(layer, "moving_variance") + ";");
        c.open("for (int e = 0; e < n * " + n.shape().size() + "; e++)");
        c.line("int f = e % " + ch + ";");
        c.line("o[oOff + e] = (float) (i0[i0Off + e] * (gamma == null ? 1 : gamma[f]) / Math.sqrt(var[f] + "
                + n.attrs().getDouble("epsilon") + "));");
        c.close();
        return c.toString();
    }

    /** Per-example loss logsumexp(z) - Σ t·z, or its gradient (softmax(z)·Σt - t)/N. */
    private String softmaxCrossEntropy(Node n) {
        boolean grad = n.op().name().endsWith("Grad");
        boolean sparse = n.attrs().getBool("sparse");
        long k = in(n, 0).size();
        Code c = new Code();
        c.open("for (int r = 0; r < n; r++)");
        c.line("int z = i0Off + r * " + k + ";");
        c.line("double max = Double.NEGATIVE_INFINITY;");
        c.open("for (int q = 0; q < " + k + "; q++)").line("max = Math.max(max, i0[z + q]);").close();
        c.line("double sum = 0;");
        c.open("for (int q = 0; q < " + k + "; q++)").line("sum += Math.exp(i0[z + q] - max);").close();
        c.line("double lse = max + Math.log(sum);");
        c.line("double tsum = 0;");
        c.line("double loss = 0;");
        String t = sparse ? "((int) i1[i1Off + r] == q ? 1.0 : 0.0)" : "i1[i1Off + r * " + k + " + q]";
        c.open("for (int q = 0; q < " + k + "; q++)").line("double tq = " + t + ";").line("tsum += tq;")
                .line("loss += tq * (lse - i0[z + q]);").close();
        if (grad) {
            c.open("for (int q = 0; q < " + k + "; q++)")
                    .line("o[oOff + r * " + k + " + q] = (float) ((Math.exp(i0[z + q] - lse) * tsum - " + t + ") / n);")
                    .close();
        } else {
            c.line("o[oOff + r] = (float) loss;");
        }
        c.close();
        return c.toString();
    }

    /** Losses on probabilities with Keras 2's clipping (see {@code cnnc.compiler.ops.grad.Losses}). */
    private String loss(Node n) {
        boolean grad = n.op().name().endsWith("Grad");
        String kind = n.attrs().getString("kind");
        boolean sparse = kind.equals("sparse_categorical_crossentropy");
        long k = in(n, 0).size();
        String eps = "1e-7";
        Code c = new Code();
        c.open("for (int r = 0; r < n; r++)");
        c.line("int p = i0Off + r * " + k + ";");
        c.line("double psum = 0;");
        c.line("double tsum = 0;");
        String t = sparse ? "((int) i1[i1Off + r] == q ? 1.0 : 0.0)" : "i1[i1Off + r * " + k + " + q]";
        c.open("for (int q = 0; q < " + k + "; q++)")
                .line("psum += Math.min(Math.max(i0[p + q], " + eps + "), 1 - " + eps + ");")
                .line("tsum += " + t + ";").close();
        c.line("double loss = 0;");
        c.open("for (int q = 0; q < " + k + "; q++)");
        c.line("double pv = i0[p + q];");
        c.line("double cp = Math.min(Math.max(pv, " + eps + "), 1 - " + eps + ");");
        c.line("double tv = " + t + ";");
        c.line("boolean inside = pv > " + eps + " && pv < 1 - " + eps + ";");
        switch (kind) {
            case "mean_squared_error" -> {
                c.line("loss += (pv - tv) * (pv - tv) / " + k + ";");
                c.line(grad ? "o[oOff + r * " + k + " + q] = (float) (2 * (pv - tv) / " + k + " / n);" : "");
            }
            case "binary_crossentropy" -> {
                c.line("loss -= (tv * Math.log(cp) + (1 - tv) * Math.log(1 - cp)) / " + k + ";");
                c.line(grad ? "o[oOff + r * " + k + " + q] = (float) (inside ? (cp - tv) / (cp * (1 - cp)) / " + k
                        + " / n : 0);" : "");
            }
            default -> {
                c.line("loss -= tv * Math.log(cp / psum);");
                c.line(grad ? "o[oOff + r * " + k + " + q] = (float) (inside ? (tsum / psum - tv / cp) / n : 0);" : "");
            }
        }
        c.close();
        if (!grad) {
            c.line("o[oOff + r] = (float) loss;");
        }
        c.close();
        return c.toString();
    }
}
