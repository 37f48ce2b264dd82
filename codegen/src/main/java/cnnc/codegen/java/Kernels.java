package cnnc.codegen.java;

import cnnc.compiler.ir.FusedOp;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import cnnc.compiler.ops.Activation;
import cnnc.compiler.ops.Pooling2D;
import cnnc.compiler.ops.Windows;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Renders each fused group as one Java method. Every size is a literal; loops put the output channel innermost
 * (NHWC, Keras kernel layouts) so that HotSpot's C2 vectorizes them as axpy loops, and convolutions compute four
 * adjacent output pixels at once to reuse each weight load. Padded convolutions first copy the image into a
 * zero-bordered scratch buffer so that the inner loops have no bounds checks.
 *
 * <p>Each method takes (array, offset) for every group input and for its output, the number of examples {@code n},
 * an output-row range {@code [y0, y1)} and the worker's workspace.
 */
final class Kernels {
    static final int PIXELS = 4;

    private final Map<String, Shape> shapes;
    private final Packing packing;
    private final ClassName workspace;
    private final int lanes;
    private final BackwardKernels backward;

    /** {@code lanes}: the Vector API's float lanes to use for contractions, or 0 for scalar loops only. */
    Kernels(Map<String, Shape> shapes, Packing packing, ClassName workspace, int lanes) {
        this.shapes = shapes;
        this.packing = packing;
        this.workspace = workspace;
        this.lanes = lanes;
        this.backward = new BackwardKernels(shapes, packing);
    }

    /** The method for group {@code node} (a fused node or a single op) named {@code name}. */
    Kernel emit(Node node, String name) {
        FusedOp f = node.op() instanceof FusedOp fo ? fo : null;
        Node anchor = f == null ? node : f.anchor();
        List<Node> epilogue = f == null ? List.of() : f.epilogue();
        Node pool = f == null ? null : f.pool();
        boolean folded = f != null && f.bnFolded();
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE);
        Map<String, String[]> params = new LinkedHashMap<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            m.addParameter(float[].class, "i" + i).addParameter(int.class, "i" + i + "Off");
            params.put(node.inputs().get(i), new String[] {"i" + i, "i" + i + "B"});
        }
        m.addParameter(float[].class, "o").addParameter(int.class, "oOff").addParameter(int.class, "n")
                .addParameter(int.class, "y0").addParameter(int.class, "y1").addParameter(workspace, "ws");
        m.addJavadoc("$L\n", describe(node));
        String gradient = f == null ? backward.body(node) : null;
        if (gradient != null) {
            return new Kernel(m.addCode(gradient).build(), 0, 0, 0);
        }
        if (anchor == null) {
            Code c = elementwise(node, epilogue, params);
            return new Kernel(m.addCode(c.toString()).build(), 0, 0, 0);
        }
        List<Node> tail = folded ? epilogue.subList(1, epilogue.size()) : epilogue;
        Node bn = folded ? epilogue.get(0) : null;
        Epilogue ep = new Epilogue(tail, folded ? bn.name() : anchor.name(), packing, params);
        String op = anchor.op().name();
        return switch (op) {
            case "Conv2D", "DepthwiseConv2D", "SeparableConv2D" -> conv(m, node, anchor, bn, ep, pool);
            case "Dense" -> dense(m, node, anchor, bn, ep);
            case "MaxPooling2D", "AveragePooling2D", "L2Pooling2D" -> pool(m, node, anchor, ep);
            case "GlobalAveragePooling2D", "GlobalMaxPooling2D" -> globalPool(m, node, anchor, ep);
            case "Softmax" -> softmaxLayer(m, node, anchor.attrs().getInt("axis"));
            case "Activation" -> softmaxLayer(m, node, -1);
            case "ZeroPadding2D" -> zeroPadding(m, node, anchor);
            case "Concatenate" -> concatenate(m, node, anchor);
            case "Flatten", "Reshape", "Dropout" -> copy(m, node);
            default -> throw new IllegalArgumentException("no Java kernel for " + op);
        };
    }

    private static String describe(Node node) {
        if (node.op() instanceof FusedOp f) {
            return f.describe() + " : " + node.shape();
        }
        return node.op().name() + "[" + node.name() + "] : " + node.shape();
    }

    private Shape in(Node node, int i) {
        return shapes.get(node.inputs().get(i));
    }

    /** Per-example base offsets {@code i<k>B} of every input position and {@code oB} of the output. */
    private static String perExample(Node node, Map<String, String[]> params, Map<String, Shape> shapes) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < node.inputs().size(); k++) {
            s.append("int i").append(k).append("B = i").append(k).append("Off + b * ")
                    .append(shapes.get(node.inputs().get(k)).size()).append(";\n");
        }
        s.append("int oB = oOff + b * ").append(node.shape().size()).append(";");
        return s.toString();
    }

    /** Groups with no anchor: pointwise ops over every element, channel innermost. */
    private Code elementwise(Node node, List<Node> members, Map<String, String[]> params) {
        Node first = members.get(0);
        String chain = first.inputs().get(0);
        long channels = node.shape().dim(-1);
        long pixels = node.shape().size() / channels;
        // The first member reads its first input as the chain value; the rest of its inputs are extras.
        Epilogue ep = new Epilogue(members, chain, packing, params);
        Code c = new Code();
        c.open("for (int b = 0; b < n; b++)").line(perExample(node, params, shapes));
        c.open("for (int p = 0; p < " + pixels + "; p++)");
        c.line("int base = p * " + channels + ";");
        c.open("for (int ch = 0; ch < " + channels + "; ch++)");
        c.line("float v = " + params.get(chain)[0] + "[" + params.get(chain)[1] + " + base + ch];");
        c.line(ep.emit("v", "ch", "base + ch"));
        c.line("o[oB + base + ch] = v;");
        c.close().close().close();
        return c;
    }

    /** Conv2D, DepthwiseConv2D and SeparableConv2D with their epilogue and an optional non-overlapping pool. */
    /** Removes {@code final float[] X = ws.acc[k];} lines whose X the body never uses. */
    private static String dropUnusedAccumulators(String body) {
        StringBuilder out = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            java.util.regex.Matcher mt = java.util.regex.Pattern.compile("final float\\[\\] (\\w+) = ws\\.acc\\[\\d+\\];")
                    .matcher(line.strip());
            if (mt.matches() && !java.util.regex.Pattern.compile("\\b" + mt.group(1) + "\\[|\\b" + mt.group(1)
                    + ",|, " + mt.group(1) + "\\b|\\(" + mt.group(1) + "\\b").matcher(body).find()) {
                continue;
            }
            out.append(line).append('\n');
        }
        return out.substring(0, Math.max(0, out.length() - 1));
    }

    private Kernel conv(MethodSpec.Builder m, Node node, Node anchor, Node bn, Epilogue ep, Node pool) {
        Shape x = in(node, 0);
        int h = (int) x.dim(0);
        int w = (int) x.dim(1);
        int c = (int) x.dim(2);
        IntPair k = anchor.attrs().getPair("kernel_size");
        IntPair s = anchor.attrs().getPair("strides");
        IntPair d = anchor.attrs().getPair("dilation_rate");
        Padding pad = anchor.attrs().get("padding", Padding.class);
        Windows.Axis ay = axis(h, k.h(), s.h(), d.h(), pad, true);
        Windows.Axis ax = axis(w, k.w(), s.w(), d.w(), pad, false);
        int oh = (int) ay.out();
        int ow = (int) ax.out();
        String op = anchor.op().name();
        int mult = op.equals("Conv2D") ? 1 : anchor.attrs().getInt("depth_multiplier");
        int cm = c * mult;
        int f = (int) anchor.shape().dim(-1);
        Activation act = anchor.attrs().get("activation", Activation.class);
        String[] wts = switch (op) {
            case "Conv2D" -> packing.anchor(anchor, "kernel", null, bn, f, f, 0);
            case "DepthwiseConv2D" -> packing.anchor(anchor, "depthwise_kernel", null, bn, f, cm, 0);
            default -> packing.anchor(anchor, "depthwise_kernel", "pointwise_kernel", bn, f, cm, f);
        };
        boolean padded = ay.before() + ay.after() + ax.before() + ax.after() > 0;
        int hp = (int) (h + ay.before() + ay.after());
        int wp = (int) (w + ax.before() + ax.after());
        boolean blocked = op.equals("Conv2D");
        Code code = new Code();
        code.line("final float[][] k = this." + wts[0] + ";");
        if (wts[2] != null) {
            code.line("final float[][] pk = this." + wts[2] + ";");
        }
        if (wts[1] != null) {
            code.line("final float[] bias = this." + wts[1] + ";");
        }
        for (int p = 0; p < ACCUMULATORS; p++) {
            code.line("final float[] " + ACC[p] + " = ws.acc[" + p + "];");
        }
        code.open("for (int b = 0; b < n; b++)");
        code.line(perExample(node, paramsOf(node), shapes));
        String src;
        String srcB;
        if (padded) {
            code.line("final float[] xp = ws.xp;");
            code.line("java.util.Arrays.fill(xp, 0, " + (long) hp * wp * c + ", 0f);");
            code.open("for (int y = 0; y < " + h + "; y++)");
            code.line("System.arraycopy(i0, i0B + y * " + (long) w * c + ", xp, "
                    + Expr.plus(Expr.times(Expr.lin("y", 1, ay.before()), (long) wp * c), Long.toString(ax.before() * c))
                    + ", " + (long) w * c + ");");
            code.close();
            src = "xp";
            srcB = "0";
        } else {
            src = "i0";
            srcB = "i0B";
        }
        long accNeed = Math.max(f, Math.max(cm, c));
        ConvShape cs = new ConvShape(src, srcB, wp, c, k.h(), k.w(), s.h(), s.w(), d.h(), d.w(), f, mult, op,
                wts[1] != null, op.equals("Conv2D") && lanes > 0 && (f % lanes == 0 || f < lanes) ? lanes : 0);
        if (pool == null) {
            code.open("for (int oy = y0; oy < y1; oy++)");
            code.line("int ox = 0;");
            if (blocked && ow >= PIXELS) {
                code.open("for (; ox + " + PIXELS + " <= " + ow + "; ox += " + PIXELS + ")");
                pixels(code, cs, PIXELS);
                for (int p = 0; p < PIXELS; p++) {
                    code.line("int at" + p + " = (oy * " + ow + " + ox + " + p + ") * " + f + ";");
                    finish(code, ep, act, f, ACC[p], "at" + p);
                    code.line("System.arraycopy(" + ACC[p] + ", 0, o, oB + at" + p + ", " + f + ");");
                }
                code.close();
            }
            code.open("for (; ox < " + ow + "; ox++)");
            pixels(code, cs, 1);
            code.line("int at0 = (oy * " + ow + " + ox) * " + f + ";");
            finish(code, ep, act, f, ACC[0], "at0");
            code.line("System.arraycopy(a0, 0, o, oB + at0, " + f + ");");
            code.close();
            code.close();
            code.close();
            return new Kernel(m.addCode(dropUnusedAccumulators(code.toString())).build(), oh, padded ? (long) hp * wp * c : 0, accNeed);
        }
        Pooling2D.Kind kind = ((Pooling2D) pool.op()).kind();
        IntPair pk = pool.attrs().getPair("pool_size");
        IntPair ps = Pooling2D.strides(pool.attrs());
        Padding ppad = pool.attrs().get("padding", Padding.class);
        Windows.Axis py = axis(oh, pk.h(), ps.h(), 1, ppad, true);
        Windows.Axis px = axis(ow, pk.w(), ps.w(), 1, ppad, false);
        int pow = (int) px.out();
        code.open("for (int py = y0; py < y1; py++)");
        code.open("for (int px = 0; px < " + pow + "; px++)");
        if (blocked && ppad.kind() == Padding.Kind.VALID && pk.h() * pk.w() <= PIXELS) {
            // Every window lies inside the conv output: compute its pixels together, sharing weight rows.
            int cells = pk.h() * pk.w();
            long[] offsets = new long[cells];
            for (int pi = 0; pi < pk.h(); pi++) {
                for (int pj = 0; pj < pk.w(); pj++) {
                    offsets[pi * pk.w() + pj] = ((long) pi * s.h() * wp + (long) pj * s.w()) * c;
                }
            }
            code.line("int oy = " + Expr.lin("py", ps.h(), 0) + ";");
            code.line("int ox = " + Expr.lin("px", ps.w(), 0) + ";");
            pixels(code, cs, offsets);
            for (int p = 0; p < cells; p++) {
                code.line("int at" + p + " = ((oy + " + p / pk.w() + ") * " + ow + " + ox + " + p % pk.w() + ") * " + f
                        + ";");
                finish(code, ep, act, f, ACC[p], "at" + p);
            }
            code.open("for (int fo = 0; fo < " + f + "; fo++)");
            StringBuilder combine = new StringBuilder("float v = ");
            for (int p = 0; p < cells; p++) {
                String term = kind == Pooling2D.Kind.L2 ? ACC[p] + "[fo] * " + ACC[p] + "[fo]" : ACC[p] + "[fo]";
                combine.append(p == 0 ? term : kind == Pooling2D.Kind.MAX ? "" : " + " + term);
            }
            if (kind == Pooling2D.Kind.MAX) {
                combine = new StringBuilder("float v = " + ACC[0] + "[fo]");
                for (int p = 1; p < cells; p++) {
                    combine = new StringBuilder("float v = Math.max(" + combine.substring(10) + ", " + ACC[p]
                            + "[fo])");
                }
            }
            code.line(combine + ";");
            code.line(switch (kind) {
                case MAX -> "pa[fo] = v;";
                case AVERAGE -> "pa[fo] = v * " + Expr.f(1.0 / cells) + ";";
                case L2 -> "pa[fo] = (float) Math.sqrt(v);";
            });
            code.close();
            code.line("System.arraycopy(pa, 0, o, oB + (py * " + pow + " + px) * " + f + ", " + f + ");");
            code.close().close().close();
            return new Kernel(m.addCode(dropUnusedAccumulators(code.toString())).build(), (int) py.out(), padded ? (long) hp * wp * c : 0,
                    accNeed);
        }
        code.line("java.util.Arrays.fill(pa, 0, " + f + ", "
                + (kind == Pooling2D.Kind.MAX ? "Float.NEGATIVE_INFINITY" : "0f") + ");");
        code.line("int count = 0;");
        code.open("for (int pi = 0; pi < " + pk.h() + "; pi++)");
        code.line("int oy = " + Expr.plus(Expr.lin("py", ps.h(), -py.before()), "pi") + ";");
        code.open("if (oy < 0 || oy >= " + oh + ")").line("continue;").close();
        code.open("for (int pj = 0; pj < " + pk.w() + "; pj++)");
        code.line("int ox = " + Expr.plus(Expr.lin("px", ps.w(), -px.before()), "pj") + ";");
        code.open("if (ox < 0 || ox >= " + ow + ")").line("continue;").close();
        code.line("count++;");
        pixels(code, cs, 1);
        code.line("int at0 = (oy * " + ow + " + ox) * " + f + ";");
        finish(code, ep, act, f, "a0", "at0");
        code.open("for (int fo = 0; fo < " + f + "; fo++)");
        code.line(switch (kind) {
            case MAX -> "pa[fo] = Math.max(pa[fo], a0[fo]);";
            case AVERAGE -> "pa[fo] += a0[fo];";
            case L2 -> "pa[fo] += a0[fo] * a0[fo];";
        });
        code.close().close().close();
        switch (kind) {
            case AVERAGE -> code.line("float inv = 1f / count;").open("for (int fo = 0; fo < " + f + "; fo++)")
                    .line("pa[fo] *= inv;").close();
            case L2 -> code.open("for (int fo = 0; fo < " + f + "; fo++)")
                    .line("pa[fo] = (float) Math.sqrt(pa[fo]);").close();
            default -> { }
        }
        code.line("System.arraycopy(pa, 0, o, oB + (py * " + pow + " + px) * " + f + ", " + f + ");");
        code.close().close().close();
        return new Kernel(m.addCode(dropUnusedAccumulators(code.toString())).build(), (int) py.out(), padded ? (long) hp * wp * c : 0,
                accNeed);
    }

    /** Accumulators in the workspace: four pixels, the pool, an input row and a depthwise result. */
    static final int ACCUMULATORS = 7;
    private static final String[] ACC = {"a0", "a1", "a2", "a3", "pa", "xt", "dt"};

    private Map<String, String[]> paramsOf(Node node) {
        Map<String, String[]> params = new LinkedHashMap<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            params.put(node.inputs().get(i), new String[] {"i" + i, "i" + i + "B"});
        }
        return params;
    }

    /** Geometry for {@link #pixels}. */
    private record ConvShape(String src, String srcB, int wp, int c, int kh, int kw, int sh, int sw, int dh, int dw,
            int f, int mult, String op, boolean bias, int lanes) {}

    /**
     * Computes {@code count} adjacent output pixels (oy, ox..ox+count-1) of the anchor into a0..a3 (bias included,
     * activation not yet). Weight rows start at index 0 and so do the accumulators: the inner loops are the
     * same-index form that C2 vectorizes.
     */
    private static void pixels(Code code, ConvShape g, int count) {
        long[] offsets = new long[count];
        for (int p = 0; p < count; p++) {
            offsets[p] = (long) p * g.sw() * g.c();
        }
        pixels(code, g, offsets);
    }

    /** Like {@link #pixels(Code, ConvShape, int)} for pixels at the given input offsets from pixel (oy, ox). */
    private static void pixels(Code code, ConvShape g, long[] offsets) {
        if (g.lanes() > 0) {
            vectorPixels(code, g, offsets);
            return;
        }
        int count = offsets.length;
        int f = g.f();
        int c = g.c();
        boolean separable = g.op().equals("SeparableConv2D");
        for (int p = 0; p < count; p++) {
            code.line(g.bias() && !separable ? "System.arraycopy(bias, 0, " + ACC[p] + ", 0, " + f + ");"
                    : "java.util.Arrays.fill(" + ACC[p] + ", 0, " + f + ", 0f);");
        }
        String dst = separable ? "dt" : "a0";
        if (separable) {
            code.line("java.util.Arrays.fill(dt, 0, " + c * g.mult() + ", 0f);");
        }
        code.open("for (int i = 0; i < " + g.kh() + "; i++)");
        code.open("for (int j = 0; j < " + g.kw() + "; j++)");
        code.line("int x = " + Expr.plus(g.srcB(), Expr.times(Expr.plus(Expr.times(
                Expr.plus(Expr.lin("oy", g.sh(), 0), Expr.lin("i", g.dh(), 0)), g.wp()),
                Expr.plus(Expr.lin("ox", g.sw(), 0), Expr.lin("j", g.dw(), 0))), c)) + ";");
        if (g.op().equals("Conv2D")) {
            code.line("int r = (i * " + g.kw() + " + j) * " + c + ";");
            code.open("for (int ci = 0; ci < " + c + "; ci++)");
            for (int p = 0; p < count; p++) {
                code.line("float x" + p + " = " + g.src() + "[x + " + (offsets[p] == 0 ? "" : offsets[p] + " + ")
                        + "ci];");
            }
            code.line("final float[] row = k[r + ci];");
            code.open("for (int fo = 0; fo < " + f + "; fo++)");
            code.line("float wv = row[fo];");
            for (int p = 0; p < count; p++) {
                code.line(ACC[p] + "[fo] += x" + p + " * wv;");
            }
            code.close().close();
        } else {
            code.line("final float[] row = k[i * " + g.kw() + " + j];");
            code.line("System.arraycopy(" + g.src() + ", x, xt, 0, " + c + ");");
            if (g.mult() == 1) {
                code.open("for (int ci = 0; ci < " + c + "; ci++)");
                code.line(dst + "[ci] += xt[ci] * row[ci];");
                code.close();
            } else {
                code.open("for (int ci = 0; ci < " + c + "; ci++)");
                code.line("float xv = xt[ci];");
                code.open("for (int mo = 0; mo < " + g.mult() + "; mo++)");
                code.line(dst + "[ci * " + g.mult() + " + mo] += xv * row[ci * " + g.mult() + " + mo];");
                code.close().close();
            }
        }
        code.close().close();
        if (separable) {
            int cm = c * g.mult();
            if (g.bias()) {
                code.line("System.arraycopy(bias, 0, a0, 0, " + f + ");");
            }
            code.open("for (int ci = 0; ci < " + cm + "; ci++)");
            code.line("float xv = dt[ci];");
            code.line("final float[] prow = pk[ci];");
            code.open("for (int fo = 0; fo < " + f + "; fo++)");
            code.line("a0[fo] += xv * prow[fo];");
            code.close().close();
        }
    }

    /**
     * The Vector API form of a Conv2D's pixels: accumulators live in registers (pixels × vectors ≤ 16), output
     * channels in chunks that fit; results land in a0..a3 like the scalar form.
     */
    private static void vectorPixels(Code code, ConvShape g, long[] offsets) {
        int lanes = g.lanes();
        int count = offsets.length;
        if (g.f() < lanes) {
            maskedPixels(code, g, offsets);
            return;
        }
        int vectors = Math.max(1, Math.min(g.f() / lanes, 16 / count));
        while ((g.f() / lanes) % vectors != 0) {
            vectors--;
        }
        int chunk = vectors * lanes;
        boolean chunked = chunk < g.f();
        if (chunked) {
            code.open("for (int fc = 0; fc < " + g.f() + "; fc += " + chunk + ")");
        }
        String fc = chunked ? "fc + " : "";
        for (int p = 0; p < count; p++) {
            for (int q = 0; q < vectors; q++) {
                code.line("FloatVector v" + p + "_" + q + " = " + (g.bias() ? "FloatVector.fromArray(S, bias, " + fc
                        + q * lanes + ")" : "FloatVector.zero(S)") + ";");
            }
        }
        code.open("for (int i = 0; i < " + g.kh() + "; i++)");
        code.open("for (int j = 0; j < " + g.kw() + "; j++)");
        code.line("int x = " + Expr.plus(g.srcB(), Expr.times(Expr.plus(Expr.times(
                Expr.plus(Expr.lin("oy", g.sh(), 0), Expr.lin("i", g.dh(), 0)), g.wp()),
                Expr.plus(Expr.lin("ox", g.sw(), 0), Expr.lin("j", g.dw(), 0))), g.c())) + ";");
        code.line("int r = (i * " + g.kw() + " + j) * " + g.c() + ";");
        code.open("for (int ci = 0; ci < " + g.c() + "; ci++)");
        code.line("final float[] row = k[r + ci];");
        for (int q = 0; q < vectors; q++) {
            code.line("FloatVector w" + q + " = FloatVector.fromArray(S, row, " + fc + q * lanes + ");");
        }
        for (int p = 0; p < count; p++) {
            code.line("FloatVector x" + p + " = FloatVector.broadcast(S, " + g.src() + "[x + "
                    + (offsets[p] == 0 ? "" : offsets[p] + " + ") + "ci]);");
            for (int q = 0; q < vectors; q++) {
                code.line("v" + p + "_" + q + " = x" + p + ".fma(w" + q + ", v" + p + "_" + q + ");");
            }
        }
        code.close().close().close();
        for (int p = 0; p < count; p++) {
            for (int q = 0; q < vectors; q++) {
                code.line("v" + p + "_" + q + ".intoArray(" + ACC[p] + ", " + fc + q * lanes + ");");
            }
        }
        if (chunked) {
            code.close();
        }
    }

    /**
     * Fewer output channels than lanes (LeNet's 6): one masked vector per pixel holds all the channels, still in a
     * register across the taps.
     */
    private static void maskedPixels(Code code, ConvShape g, long[] offsets) {
        int count = offsets.length;
        code.line("final jdk.incubator.vector.VectorMask<Float> m = S.indexInRange(0, " + g.f() + ");");
        for (int p = 0; p < count; p++) {
            code.line("FloatVector v" + p + " = " + (g.bias() ? "FloatVector.fromArray(S, bias, 0, m)"
                    : "FloatVector.zero(S)") + ";");
        }
        code.open("for (int i = 0; i < " + g.kh() + "; i++)");
        code.open("for (int j = 0; j < " + g.kw() + "; j++)");
        code.line("int x = " + Expr.plus(g.srcB(), Expr.times(Expr.plus(Expr.times(
                Expr.plus(Expr.lin("oy", g.sh(), 0), Expr.lin("i", g.dh(), 0)), g.wp()),
                Expr.plus(Expr.lin("ox", g.sw(), 0), Expr.lin("j", g.dw(), 0))), g.c())) + ";");
        code.line("int r = (i * " + g.kw() + " + j) * " + g.c() + ";");
        code.open("for (int ci = 0; ci < " + g.c() + "; ci++)");
        code.line("FloatVector w = FloatVector.fromArray(S, k[r + ci], 0, m);");
        for (int p = 0; p < count; p++) {
            code.line("v" + p + " = FloatVector.broadcast(S, " + g.src() + "[x + " + (offsets[p] == 0 ? ""
                    : offsets[p] + " + ") + "ci]).fma(w, v" + p + ");");
        }
        code.close().close().close();
        for (int p = 0; p < count; p++) {
            code.line("v" + p + ".intoArray(" + ACC[p] + ", 0, m);");
        }
    }

    /**
     * Finishes a computed row in place: the anchor's activation (softmax over the row), then the epilogue; extras of
     * residual adds are read at {@code at + fo} of the example.
     */
    private void finish(Code code, Epilogue ep, Activation act, int f, String acc, String at) {
        if (act == Activation.SOFTMAX) {
            rowSoftmax(code, acc, "0", f);
        }
        if (lanes > 0 && (act == Activation.TANH || act == Activation.SIGMOID)) {
            // Transcendentals through the Vector API's (SVML) lanewise forms: many times faster than Math.exp.
            code.open("for (int t = 0; t < " + f + "; t += " + lanes + ")");
            code.line("final jdk.incubator.vector.VectorMask<Float> tm = S.indexInRange(t, " + f + ");");
            code.line("FloatVector tv = FloatVector.fromArray(S, " + acc + ", t, tm);");
            code.line(act == Activation.TANH ? "tv = tv.lanewise(jdk.incubator.vector.VectorOperators.TANH);"
                    : "tv = FloatVector.broadcast(S, 1f).div(tv.neg().lanewise(jdk.incubator.vector.VectorOperators.EXP)"
                            + ".add(1f));");
            code.line("tv.intoArray(" + acc + ", t, tm);");
            code.close();
            act = Activation.LINEAR;
        }
        String pointwise = Pointwise.activation(act == Activation.SOFTMAX ? Activation.LINEAR : act, "v");
        String tail = ep.emit("v", "fo", at + " + fo");
        if (pointwise.isEmpty() && tail.isBlank()) {
            return;
        }
        code.open("for (int fo = 0; fo < " + f + "; fo++)");
        code.line("float v = " + acc + "[fo];");
        code.line(pointwise);
        code.line(tail);
        code.line(acc + "[fo] = v;");
        code.close();
    }

    /** Numerically stable softmax of arr[base .. base+len) in place: exp(x - max) / sum. */
    private static void rowSoftmax(Code code, String arr, String base, int len) {
        String at = base.equals("0") ? "t" : base + " + t";
        code.open("");
        code.line("float max = Float.NEGATIVE_INFINITY;");
        code.open("for (int t = 0; t < " + len + "; t++)")
                .line("max = Math.max(max, " + arr + "[" + at + "]);").close();
        code.line("float sum = 0f;");
        code.open("for (int t = 0; t < " + len + "; t++)")
                .line("float e = (float) Math.exp(" + arr + "[" + at + "] - max);")
                .line(arr + "[" + at + "] = e;").line("sum += e;").close();
        code.line("float inv = 1f / sum;");
        code.open("for (int t = 0; t < " + len + "; t++)").line(arr + "[" + at + "] *= inv;").close();
        code.close();
    }

    /** Dense on the last axis: four rows at a time share each weight row. */
    private Kernel dense(MethodSpec.Builder m, Node node, Node anchor, Node bn, Epilogue ep) {
        Shape x = in(node, 0);
        int kk = (int) x.dim(-1);
        int u = (int) anchor.shape().dim(-1);
        long rowsPerExample = x.size() / kk;
        Activation act = anchor.attrs().get("activation", Activation.class);
        String[] wts = packing.anchor(anchor, "kernel", null, bn, u, u, 0);
        Code code = new Code();
        code.line("final float[][] k = this." + wts[0] + ";");
        if (wts[1] != null) {
            code.line("final float[] bias = this." + wts[1] + ";");
        }
        for (int p = 0; p < PIXELS; p++) {
            code.line("final float[] " + ACC[p] + " = ws.acc[" + p + "];");
        }
        code.line("int rows = n * " + rowsPerExample + ";");
        boolean vector = lanes > 0 && u >= lanes;
        // Plain loops reload the kernel for every four rows: over kernels larger than L2 they run in blocks of
        // kernel rows that stay in L2 (256 KiB), the partial sums parked in the output between blocks.
        int kBlock = Math.max(64, (1 << 16) / u);
        boolean blocked = !vector && kk > kBlock && !ep.readsExtras();
        if (blocked) {
            code.open("for (int kb = 0; kb < " + kk + "; kb += " + kBlock + ")");
            code.line("int ke = Math.min(" + kk + ", kb + " + kBlock + ");");
        }
        code.line("int r = 0;");
        for (int block : new int[] {PIXELS, 1}) {
            code.open(block == 1 ? "for (; r < rows; r++)" : "for (; r + " + block + " <= rows; r += " + block + ")");
            if (vector) {
                denseVector(code, block, kk, u, wts[1] != null);
            }
            if (blocked) {
                code.open("if (kb > 0)");
                for (int p = 0; p < block; p++) {
                    code.line("System.arraycopy(o, oOff + (r + " + p + ") * " + u + ", " + ACC[p] + ", 0, " + u
                            + ");");
                }
                code.close().open("else");
            }
            for (int p = 0; p < block && !vector; p++) {
                code.line(wts[1] != null ? "System.arraycopy(bias, 0, " + ACC[p] + ", 0, " + u + ");"
                        : "java.util.Arrays.fill(" + ACC[p] + ", 0, " + u + ", 0f);");
            }
            if (blocked) {
                code.close();
            }
            if (!vector) {
                code.line("int xi = i0Off + r * " + kk + ";");
                code.open(blocked ? "for (int ki = kb; ki < ke; ki++)" : "for (int ki = 0; ki < " + kk + "; ki++)");
                for (int p = 0; p < block; p++) {
                    code.line("float x" + p + " = i0[xi + " + (p == 0 ? "" : (long) p * kk + " + ") + "ki];");
                }
                code.line("final float[] row = k[ki];");
                code.open("for (int uo = 0; uo < " + u + "; uo++)");
                code.line("float wv = row[uo];");
                for (int p = 0; p < block; p++) {
                    code.line(ACC[p] + "[uo] += x" + p + " * wv;");
                }
                code.close().close();
            }
            for (int p = 0; p < block; p++) {
                code.line("int row" + p + " = r + " + p + ";");
                // Extras (residual adds) are indexed per example: row r is example r / rowsPerExample.
                if (ep.readsExtras()) {
                    code.open("");
                    code.line("int b = row" + p + " / " + rowsPerExample + ";");
                    code.line(perExampleExtras(node));
                    code.line("int at = (row" + p + " - b * " + rowsPerExample + ") * " + u + ";");
                    finish(code, ep, act, u, ACC[p], "at");
                    code.close();
                } else if (blocked) {
                    Code last = new Code();
                    finish(last, ep, act, u, ACC[p], "0");
                    if (!last.toString().isBlank()) {
                        code.open("if (ke == " + kk + ")").line(last.toString()).close();
                    }
                } else {
                    finish(code, ep, act, u, ACC[p], "0");
                }
                code.line("System.arraycopy(" + ACC[p] + ", 0, o, oOff + row" + p + " * " + u + ", " + u + ");");
            }
            code.close();
        }
        if (blocked) {
            code.close();
        }
        return new Kernel(m.addCode(code.toString()).build(), 0, 0, u);
    }

    /** Dense rows r..r+block-1 with Vector API accumulators, units in chunks of at most 16 registers. */
    private void denseVector(Code code, int block, int kk, int u, boolean bias) {
        int main = u / lanes * lanes;
        int vectors = Math.max(1, Math.min(main / lanes, 16 / block));
        while ((main / lanes) % vectors != 0) {
            vectors--;
        }
        int chunk = vectors * lanes;
        boolean chunked = chunk < main;
        String fc = chunked ? "fc + " : "";
        code.line("int xi = i0Off + r * " + kk + ";");
        if (chunked) {
            code.open("for (int fc = 0; fc < " + main + "; fc += " + chunk + ")");
        }
        for (int p = 0; p < block; p++) {
            for (int q = 0; q < vectors; q++) {
                code.line("FloatVector v" + p + "_" + q + " = " + (bias ? "FloatVector.fromArray(S, bias, " + fc
                        + q * lanes + ")" : "FloatVector.zero(S)") + ";");
            }
        }
        code.open("for (int ki = 0; ki < " + kk + "; ki++)");
        code.line("final float[] row = k[ki];");
        for (int q = 0; q < vectors; q++) {
            code.line("FloatVector w" + q + " = FloatVector.fromArray(S, row, " + fc + q * lanes + ");");
        }
        for (int p = 0; p < block; p++) {
            code.line("FloatVector x" + p + " = FloatVector.broadcast(S, i0[xi + " + (p == 0 ? "" : (long) p * kk
                    + " + ") + "ki]);");
            for (int q = 0; q < vectors; q++) {
                code.line("v" + p + "_" + q + " = x" + p + ".fma(w" + q + ", v" + p + "_" + q + ");");
            }
        }
        code.close();
        for (int p = 0; p < block; p++) {
            for (int q = 0; q < vectors; q++) {
                code.line("v" + p + "_" + q + ".intoArray(" + ACC[p] + ", " + fc + q * lanes + ");");
            }
        }
        if (chunked) {
            code.close();
        }
        if (main < u) {
            // The units past the last whole vector, with plain loops.
            for (int p = 0; p < block; p++) {
                code.line(bias ? "System.arraycopy(bias, " + main + ", " + ACC[p] + ", " + main + ", " + (u - main) + ");"
                        : "java.util.Arrays.fill(" + ACC[p] + ", " + main + ", " + u + ", 0f);");
            }
            code.open("for (int ki = 0; ki < " + kk + "; ki++)");
            code.line("final float[] row = k[ki];");
            for (int p = 0; p < block; p++) {
                code.line("float x" + p + " = i0[xi + " + (p == 0 ? "" : (long) p * kk + " + ") + "ki];");
            }
            code.open("for (int uo = " + main + "; uo < " + u + "; uo++)");
            code.line("float wv = row[uo];");
            for (int p = 0; p < block; p++) {
                code.line(ACC[p] + "[uo] += x" + p + " * wv;");
            }
            code.close().close();
        }
    }

    private String perExampleExtras(Node node) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < node.inputs().size(); i++) {
            s.append("int i").append(i).append("B = i").append(i).append("Off + b * ")
                    .append(shapes.get(node.inputs().get(i)).size()).append(";\n");
        }
        return s.toString();
    }

    /** A standalone pooling layer (overlapping windows allowed), padded cells excluded, then its epilogue. */
    private Kernel pool(MethodSpec.Builder m, Node node, Node anchor, Epilogue ep) {
        Shape x = in(node, 0);
        int h = (int) x.dim(0);
        int w = (int) x.dim(1);
        int c = (int) x.dim(2);
        Pooling2D.Kind kind = ((Pooling2D) anchor.op()).kind();
        IntPair k = anchor.attrs().getPair("pool_size");
        IntPair s = Pooling2D.strides(anchor.attrs());
        Padding pad = anchor.attrs().get("padding", Padding.class);
        Windows.Axis ay = axis(h, k.h(), s.h(), 1, pad, true);
        Windows.Axis ax = axis(w, k.w(), s.w(), 1, pad, false);
        int oh = (int) ay.out();
        int ow = (int) ax.out();
        Code code = new Code();
        code.line("final float[] acc = ws.acc[0];");
        code.open("for (int b = 0; b < n; b++)").line(perExample(node, paramsOf(node), shapes));
        code.open("for (int oy = y0; oy < y1; oy++)");
        code.open("for (int ox = 0; ox < " + ow + "; ox++)");
        code.line("java.util.Arrays.fill(acc, 0, " + c + ", " + (kind == Pooling2D.Kind.MAX
                ? "Float.NEGATIVE_INFINITY" : "0f") + ");");
        code.line("int count = 0;");
        code.open("for (int i = 0; i < " + k.h() + "; i++)");
        code.line("int y = " + Expr.plus(Expr.lin("oy", s.h(), -ay.before()), "i") + ";");
        code.open("if (y < 0 || y >= " + h + ")").line("continue;").close();
        code.open("for (int j = 0; j < " + k.w() + "; j++)");
        code.line("int x = " + Expr.plus(Expr.lin("ox", s.w(), -ax.before()), "j") + ";");
        code.open("if (x < 0 || x >= " + w + ")").line("continue;").close();
        code.line("count++;");
        code.line("int xi = i0B + (y * " + w + " + x) * " + c + ";");
        code.open("for (int ch = 0; ch < " + c + "; ch++)");
        code.line("float v = i0[xi + ch];");
        code.line(switch (kind) {
            case MAX -> "acc[ch] = Math.max(acc[ch], v);";
            case AVERAGE -> "acc[ch] += v;";
            case L2 -> "acc[ch] += v * v;";
        });
        code.close().close().close();
        code.line("int at = (oy * " + ow + " + ox) * " + c + ";");
        code.open("for (int ch = 0; ch < " + c + "; ch++)");
        code.line("float v = " + switch (kind) {
            case MAX -> "acc[ch];";
            case AVERAGE -> "acc[ch] / count;";
            case L2 -> "(float) Math.sqrt(acc[ch]);";
        });
        code.line(ep.emit("v", "ch", "at + ch"));
        code.line("o[oB + at + ch] = v;");
        code.close().close().close().close();
        return new Kernel(m.addCode(code.toString()).build(), oh, 0, c);
    }

    private Kernel globalPool(MethodSpec.Builder m, Node node, Node anchor, Epilogue ep) {
        Shape x = in(node, 0);
        long hw = x.dim(0) * x.dim(1);
        int c = (int) x.dim(2);
        boolean max = anchor.op().name().equals("GlobalMaxPooling2D");
        Code code = new Code();
        code.line("final float[] acc = ws.acc[0];");
        code.open("for (int b = 0; b < n; b++)").line(perExample(node, paramsOf(node), shapes));
        code.line("java.util.Arrays.fill(acc, 0, " + c + ", " + (max ? "Float.NEGATIVE_INFINITY" : "0f") + ");");
        code.open("for (int p = 0; p < " + hw + "; p++)");
        code.line("int xi = i0B + p * " + c + ";");
        code.open("for (int ch = 0; ch < " + c + "; ch++)");
        code.line(max ? "acc[ch] = Math.max(acc[ch], i0[xi + ch]);" : "acc[ch] += i0[xi + ch];");
        code.close().close();
        code.open("for (int ch = 0; ch < " + c + "; ch++)");
        code.line("float v = " + (max ? "acc[ch];" : "acc[ch] * " + Expr.f(1.0 / hw) + ";"));
        code.line(ep.emit("v", "ch", "ch"));
        code.line("o[oB + ch] = v;");
        code.close().close();
        return new Kernel(m.addCode(code.toString()).build(), 0, 0, c);
    }

    /** Softmax along a Keras axis (counting the batch axis as 0). */
    private Kernel softmaxLayer(MethodSpec.Builder m, Node node, int kerasAxis) {
        Shape x = in(node, 0);
        int axis = kerasAxis < 0 ? x.rank() + kerasAxis : kerasAxis - 1;
        long len = x.dim(axis);
        long inner = 1;
        for (int i = axis + 1; i < x.rank(); i++) {
            inner *= x.dim(i);
        }
        long outer = x.size() / len / inner;
        Code code = new Code();
        code.open("for (int b = 0; b < n; b++)").line(perExample(node, paramsOf(node), shapes));
        code.open("for (int a = 0; a < " + outer + "; a++)");
        code.open("for (int z = 0; z < " + inner + "; z++)");
        code.line("int base = a * " + len * inner + " + z;");
        code.line("float max = Float.NEGATIVE_INFINITY;");
        code.open("for (int t = 0; t < " + len + "; t++)")
                .line("max = Math.max(max, i0[i0B + base + t * " + inner + "]);").close();
        code.line("float sum = 0f;");
        code.open("for (int t = 0; t < " + len + "; t++)")
                .line("float e = (float) Math.exp(i0[i0B + base + t * " + inner + "] - max);")
                .line("o[oB + base + t * " + inner + "] = e;").line("sum += e;").close();
        code.line("float inv = 1f / sum;");
        code.open("for (int t = 0; t < " + len + "; t++)").line("o[oB + base + t * " + inner + "] *= inv;").close();
        code.close().close().close();
        return new Kernel(m.addCode(code.toString()).build(), 0, 0, 0);
    }

    private Kernel zeroPadding(MethodSpec.Builder m, Node node, Node anchor) {
        Shape x = in(node, 0);
        Padding p = anchor.attrs().get("padding", Padding.class);
        long w = x.dim(1);
        long c = x.dim(2);
        long ow = node.shape().dim(1);
        Code code = new Code();
        code.open("for (int b = 0; b < n; b++)").line(perExample(node, paramsOf(node), shapes));
        code.line("java.util.Arrays.fill(o, oB, oB + " + node.shape().size() + ", 0f);");
        code.open("for (int y = 0; y < " + x.dim(0) + "; y++)");
        code.line("System.arraycopy(i0, i0B + y * " + w * c + ", o, oB + "
                + Expr.plus(Expr.times(Expr.lin("y", 1, p.top()), ow * c), Long.toString(p.left() * c)) + ", "
                + w * c + ");");
        code.close().close();
        return new Kernel(m.addCode(code.toString()).build(), 0, 0, 0);
    }

    private Kernel concatenate(MethodSpec.Builder m, Node node, Node anchor) {
        Shape out = node.shape();
        int kerasAxis = anchor.attrs().getInt("axis");
        int axis = kerasAxis < 0 ? out.rank() + kerasAxis : kerasAxis - 1;
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= out.dim(i);
        }
        long outChunk = out.size() / outer;
        Code code = new Code();
        code.open("for (int b = 0; b < n; b++)").line(perExample(node, paramsOf(node), shapes));
        code.open("for (int a = 0; a < " + outer + "; a++)");
        long offset = 0;
        for (int i = 0; i < node.inputs().size(); i++) {
            long chunk = in(node, i).size() / outer;
            code.line("System.arraycopy(i" + i + ", i" + i + "B + a * " + chunk + ", o, oB + a * " + outChunk
                    + (offset == 0 ? "" : " + " + offset) + ", " + chunk + ");");
            offset += chunk;
        }
        code.close().close();
        return new Kernel(m.addCode(code.toString()).build(), 0, 0, 0);
    }

    /** Views that must materialise (a model output that is a Flatten, Reshape or Dropout): a copy. */
    private Kernel copy(MethodSpec.Builder m, Node node) {
        Code code = new Code();
        code.line("System.arraycopy(i0, i0Off, o, oOff, n * " + node.shape().size() + ");");
        return new Kernel(m.addCode(code.toString()).build(), 0, 0, 0);
    }

    private static Windows.Axis axis(long n, int k, int s, int d, Padding p, boolean height) {
        try {
            return Windows.axis(n, k, s, d, p, height, "kernel", null);
        } catch (ShapeException e) {
            throw new IllegalStateException("shapes were inferred, windows must fit: " + e.getMessage(), e);
        }
    }

}
