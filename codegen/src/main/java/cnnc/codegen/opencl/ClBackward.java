package cnnc.codegen.opencl;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import cnnc.compiler.ops.Activation;
import cnnc.compiler.ops.Windows;
import java.util.List;

/**
 * OpenCL C bodies for the ops the autodiff pass emits (backward ops, training-mode Dropout and BatchNormalization,
 * losses), each computing its reference definition in {@code cnnc.compiler.ops.grad} in float: one work-item per
 * output element, or, for outputs without a batch axis (weight gradients, batch moments), one per element of the
 * output summing over the whole batch; batch normalisation's gradient takes one work-item per channel. Parameters
 * as {@link OpenClGenerator}'s kernels: inputs {@code in<i>}, {@code out}, weights, then {@code n}.
 */
final class ClBackward {
    /** A body and the launch it needs: {@code perExample} work-items per example, or {@code fixed} in all. */
    record Body(String code, long perExample, long fixed) {}

    /** The weight buffers a body reads, named as the generator passes them. */
    interface Weights {
        String raw(String layer, String weight, long size);
    }

    private ClBackward() {}

    static Body body(Node n, List<Shape> ins, Weights w) {
        return switch (n.op().name()) {
            case "Conv2DBackpropInput", "DepthwiseConv2DBackpropInput" -> convInput(n, w);
            case "Conv2DBackpropFilter", "DepthwiseConv2DBackpropFilter" -> convFilter(n, ins);
            case "BiasAddGrad" -> biasGrad(n, ins);
            case "DenseBackpropInput" -> denseInput(n, ins, w);
            case "DenseBackpropKernel" -> denseKernel(n, ins);
            case "Pooling2DGrad" -> poolingGrad(n, ins);
            case "PointwiseGrad" -> pointwiseGrad(n);
            case "SoftmaxGrad" -> softmaxGrad(n);
            case "Crop2D" -> crop(n, ins);
            case "Slice" -> slice(n, ins);
            case "DropoutTrain", "DropoutGrad" -> dropout(n);
            case "BatchMoments" -> moments(n, ins);
            case "BatchNormalizationTrain", "BatchNormalizationBackprop" -> batchNorm(n, w);
            case "BatchNormalizationParamGrad" -> batchNormParam(n, ins);
            case "BatchNormalizationInferenceGrad" -> batchNormInference(n, w);
            case "SoftmaxCrossEntropy", "SoftmaxCrossEntropyGrad" -> softmaxCrossEntropy(n, ins);
            case "Loss", "LossGrad" -> loss(n, ins);
            default -> null;
        };
    }

    private static String head(long items) {
        return "  const int gid = get_global_id(0);\n"
                + "  if (gid >= n * " + items + ") return;\n"
                + "  const int b = gid / " + items + ";\n"
                + "  const int r = gid - b * " + items + ";\n";
    }

    private static String fixedHead(long items) {
        return "  const int r = get_global_id(0);\n  if (r >= " + items + ") return;\n";
    }

    private static Body perExample(Node n, String code) {
        return new Body(head(n.shape().size()) + code, n.shape().size(), 0);
    }

    private static Shape shape(Attrs a, String key) {
        @SuppressWarnings("unchecked")
        List<Long> dims = (List<Long>) a.get(key);
        return Shape.of(dims.stream().mapToLong(Long::longValue).toArray());
    }

    private record Win(long h, long w, long c, long oh, long ow, int kh, int kw, int sh, int sw, int dh, int dw,
            long top, long left) {}

    private static Win window(Shape x, IntPair k, IntPair s, IntPair d, Padding p) {
        try {
            Windows.Axis ay = Windows.axis(x.dim(0), k.h(), s.h(), d.h(), p, true, "kernel", null);
            Windows.Axis ax = Windows.axis(x.dim(1), k.w(), s.w(), d.w(), p, false, "kernel", null);
            return new Win(x.dim(0), x.dim(1), x.dim(2), ay.out(), ax.out(), k.h(), k.w(), s.h(), s.w(), d.h(), d.w(),
                    ay.before(), ax.before());
        } catch (ShapeException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static String kernelName(Node n) {
        if (n.attrs().has("kernel_name")) {
            return n.attrs().getString("kernel_name");
        }
        return n.op().name().startsWith("Depthwise") ? "depthwise_kernel" : "kernel";
    }

    /** dx[iy, ix, c] = Σ over taps whose output pixel exists of dy·k (depthwise: channel c·m + mo). */
    private static Body convInput(Node n, Weights ws) {
        Attrs a = n.attrs();
        Shape x = shape(a, "shape");
        Shape ks = shape(a, "kernel_shape");
        boolean depthwise = n.op().name().startsWith("Depthwise");
        Win g = window(x, a.getPair("kernel_size"), a.getPair("strides"), a.getPair("dilation_rate"),
                a.get("padding", Padding.class));
        long last = ks.dim(3);
        long outC = depthwise ? g.c() * last : last;
        String k = ws.raw(a.getString("layer"), kernelName(n), ks.size());
        StringBuilder b = new StringBuilder();
        b.append("  const int c = r % ").append(g.c()).append(";\n");
        b.append("  const int p = r / ").append(g.c()).append(";\n");
        b.append("  const int iy = p / ").append(g.w()).append(";\n");
        b.append("  const int ix = p - iy * ").append(g.w()).append(";\n");
        b.append("  float acc = 0.0f;\n");
        b.append("  for (int i = 0; i < ").append(g.kh()).append("; i++) {\n");
        b.append("    const int ty = iy + ").append(g.top()).append(" - i * ").append(g.dh()).append(";\n");
        b.append("    if (ty < 0 || ty % ").append(g.sh()).append(" != 0 || ty / ").append(g.sh()).append(" >= ")
                .append(g.oh()).append(") continue;\n");
        b.append("    for (int j = 0; j < ").append(g.kw()).append("; j++) {\n");
        b.append("      const int tx = ix + ").append(g.left()).append(" - j * ").append(g.dw()).append(";\n");
        b.append("      if (tx < 0 || tx % ").append(g.sw()).append(" != 0 || tx / ").append(g.sw()).append(" >= ")
                .append(g.ow()).append(") continue;\n");
        b.append("      const int d = b * ").append(g.oh() * g.ow() * outC).append(" + (ty / ").append(g.sh())
                .append(" * ").append(g.ow()).append(" + tx / ").append(g.sw()).append(") * ").append(outC).append(";\n");
        b.append("      const int kb = ((i * ").append(g.kw()).append(" + j) * ").append(g.c()).append(" + c) * ")
                .append(last).append(";\n");
        b.append("      for (int f = 0; f < ").append(last).append("; f++) acc += in0[d + ")
                .append(depthwise ? "c * " + last + " + f" : "f").append("] * ").append(k).append("[kb + f];\n");
        b.append("    }\n  }\n");
        b.append("  out[gid] = acc;\n");
        return perExample(n, b.toString());
    }

    /** dk[i, j, c, f] = Σ over batch and output pixels of x·dy. */
    private static Body convFilter(Node n, List<Shape> ins) {
        Attrs a = n.attrs();
        Shape x = ins.get(0);
        Shape ks = shape(a, "kernel_shape");
        boolean depthwise = n.op().name().startsWith("Depthwise");
        Win g = window(x, a.getPair("kernel_size"), a.getPair("strides"), a.getPair("dilation_rate"),
                a.get("padding", Padding.class));
        long last = ks.dim(3);
        long outC = depthwise ? g.c() * last : last;
        StringBuilder b = new StringBuilder(fixedHead(ks.size()));
        b.append("  const int f = r % ").append(last).append(";\n");
        b.append("  const int c = r / ").append(last).append(" % ").append(g.c()).append(";\n");
        b.append("  const int j = r / ").append(last * g.c()).append(" % ").append(g.kw()).append(";\n");
        b.append("  const int i = r / ").append(last * g.c() * g.kw()).append(";\n");
        b.append("  const int dc = ").append(depthwise ? "c * " + last + " + f" : "f").append(";\n");
        b.append("  float acc = 0.0f;\n");
        b.append("  for (int b = 0; b < n; b++) {\n");
        b.append("    for (int oy = 0; oy < ").append(g.oh()).append("; oy++) {\n");
        b.append("      const int iy = oy * ").append(g.sh()).append(" - ").append(g.top()).append(" + i * ")
                .append(g.dh()).append(";\n");
        b.append("      if (iy < 0 || iy >= ").append(g.h()).append(") continue;\n");
        b.append("      for (int ox = 0; ox < ").append(g.ow()).append("; ox++) {\n");
        b.append("        const int ix = ox * ").append(g.sw()).append(" - ").append(g.left()).append(" + j * ")
                .append(g.dw()).append(";\n");
        b.append("        if (ix < 0 || ix >= ").append(g.w()).append(") continue;\n");
        b.append("        acc += in0[b * ").append(x.size()).append(" + (iy * ").append(g.w()).append(" + ix) * ")
                .append(g.c()).append(" + c] * in1[b * ").append(g.oh() * g.ow() * outC).append(" + (oy * ")
                .append(g.ow()).append(" + ox) * ").append(outC).append(" + dc];\n");
        b.append("      }\n    }\n  }\n");
        b.append("  out[r] = acc;\n");
        return new Body(b.toString(), 0, ks.size());
    }

    private static Body biasGrad(Node n, List<Shape> ins) {
        long ch = n.shape().dim(0);
        long rows = ins.get(0).size() / ch;
        return new Body(fixedHead(ch) + "  float acc = 0.0f;\n  for (int q = 0; q < n * " + rows + "; q++) acc += in0[q * "
                + ch + " + r];\n  out[r] = acc;\n", 0, ch);
    }

    /** dx[row, i] = Σ_u dy[row, u]·K[i, u]. */
    private static Body denseInput(Node n, List<Shape> ins, Weights ws) {
        Shape ks = shape(n.attrs(), "kernel_shape");
        long inner = ks.dim(0);
        long units = ks.dim(1);
        String k = ws.raw(n.attrs().getString("layer"), "kernel", ks.size());
        return perExample(n, "  const int i = r % " + inner + ";\n"
                + "  const int d = b * " + ins.get(0).size() + " + r / " + inner + " * " + units + ";\n"
                + "  float acc = 0.0f;\n"
                + "  for (int u = 0; u < " + units + "; u++) acc += in0[d + u] * " + k + "[i * " + units + " + u];\n"
                + "  out[gid] = acc;\n");
    }

    /** dK[i, u] = Σ over rows of x[row, i]·dy[row, u]. */
    private static Body denseKernel(Node n, List<Shape> ins) {
        Shape ks = shape(n.attrs(), "kernel_shape");
        long inner = ks.dim(0);
        long units = ks.dim(1);
        long rows = ins.get(0).size() / inner;
        return new Body(fixedHead(ks.size()) + "  const int i = r / " + units + ";\n"
                + "  const int u = r - i * " + units + ";\n"
                + "  float acc = 0.0f;\n"
                + "  for (int q = 0; q < n * " + rows + "; q++) acc += in0[q * " + inner + " + i] * in1[q * " + units
                + " + u];\n"
                + "  out[r] = acc;\n", 0, ks.size());
    }

    /** Max to the first arg-max of each window holding the cell, average dy/count, L2 dy·x/‖x‖. */
    private static Body poolingGrad(Node n, List<Shape> ins) {
        Attrs a = n.attrs();
        Shape x = ins.get(0);
        boolean global = a.getBool("global");
        IntPair k = global ? new IntPair((int) x.dim(0), (int) x.dim(1)) : a.getPair("pool_size");
        IntPair s = global ? k : a.getPair("strides");
        Padding p = global ? Padding.VALID : a.get("padding", Padding.class);
        Win g = window(x, k, s, IntPair.square(1), p);
        String kind = a.getString("kind");
        StringBuilder b = new StringBuilder();
        b.append("  const int c = r % ").append(g.c()).append(";\n");
        b.append("  const int q = r / ").append(g.c()).append(";\n");
        b.append("  const int y = q / ").append(g.w()).append(";\n");
        b.append("  const int x = q - y * ").append(g.w()).append(";\n");
        b.append("  const int xb = b * ").append(x.size()).append(";\n");
        b.append("  float acc = 0.0f;\n");
        b.append("  for (int oy = 0; oy < ").append(g.oh()).append("; oy++) {\n");
        b.append("    const int y0 = oy * ").append(g.sh()).append(" - ").append(g.top()).append(";\n");
        b.append("    if (y < y0 || y >= y0 + ").append(g.kh()).append(") continue;\n");
        b.append("    for (int ox = 0; ox < ").append(g.ow()).append("; ox++) {\n");
        b.append("      const int x0 = ox * ").append(g.sw()).append(" - ").append(g.left()).append(";\n");
        b.append("      if (x < x0 || x >= x0 + ").append(g.kw()).append(") continue;\n");
        b.append("      const float grad = in1[b * ").append(g.oh() * g.ow() * g.c()).append(" + (oy * ").append(g.ow())
                .append(" + ox) * ").append(g.c()).append(" + c];\n");
        b.append("      int best = -1;\n      float top = 0.0f;\n      int count = 0;\n      float sumsq = 0.0f;\n");
        b.append("      for (int i = max(0, -y0); i < min(").append(g.kh()).append(", ").append(g.h())
                .append(" - y0); i++) {\n");
        b.append("        for (int j = max(0, -x0); j < min(").append(g.kw()).append(", ").append(g.w())
                .append(" - x0); j++) {\n");
        b.append("          const int at = ((y0 + i) * ").append(g.w()).append(" + x0 + j) * ").append(g.c())
                .append(" + c;\n");
        b.append("          const float v = in0[xb + at];\n");
        b.append("          count++;\n          sumsq += v * v;\n");
        b.append("          if (best < 0 || v > top) { best = at; top = v; }\n");
        b.append("        }\n      }\n");
        b.append(switch (kind) {
            case "MAX" -> "      if (best == (y * " + g.w() + " + x) * " + g.c() + " + c) acc += grad;\n";
            case "AVERAGE" -> "      acc += grad / (float) count;\n";
            default -> "      const float norm = sqrt(sumsq);\n      if (norm != 0.0f) acc += grad * in0[xb + (y * "
                    + g.w() + " + x) * " + g.c() + " + c] / norm;\n";
        });
        b.append("    }\n  }\n");
        b.append("  out[gid] = acc;\n");
        return perExample(n, b.toString());
    }

    /** dx = f'(x)·dy, or f' written in the output y with {@code of=output}. */
    private static Body pointwiseGrad(Node n) {
        Attrs a = n.attrs();
        boolean ofOutput = a.has("of") && a.getString("of").equals("output");
        String fn = a.getString("fn");
        String d;
        if (ofOutput) {
            d = switch (Activation.byName(fn)) {
                case RELU -> "v > 0.0f ? 1.0f : 0.0f";
                case RELU6 -> "v > 0.0f && v < 6.0f ? 1.0f : 0.0f";
                case LEAKY_RELU -> "v >= 0.0f ? 1.0f : 0.2f";
                case ELU -> "v > 0.0f ? 1.0f : v + 1.0f";
                case SIGMOID -> "v * (1.0f - v)";
                case TANH -> "1.0f - v * v";
                default -> throw new IllegalArgumentException(fn + " has no derivative in its output");
            };
        } else {
            d = switch (fn) {
                case "relu_layer" -> {
                    Double max = (Double) a.get("max_value");
                    String pos = max == null ? "1.0f" : "(v > 0.0f && v < " + ClPointwise.f(max) + " ? 1.0f : 0.0f)";
                    yield "v > " + ClPointwise.f(a.getDouble("threshold")) + " ? " + pos + " : "
                            + ClPointwise.f(a.getDouble("negative_slope"));
                }
                case "leaky" -> "v >= 0.0f ? 1.0f : " + ClPointwise.f(a.getDouble("negative_slope"));
                case "scale" -> ClPointwise.f(a.getDouble("scale"));
                default -> switch (Activation.byName(fn)) {
                    case LINEAR -> "1.0f";
                    case RELU -> "v > 0.0f ? 1.0f : 0.0f";
                    case RELU6 -> "v > 0.0f && v < 6.0f ? 1.0f : 0.0f";
                    case LEAKY_RELU -> "v >= 0.0f ? 1.0f : 0.2f";
                    case ELU -> "v > 0.0f ? 1.0f : exp(v)";
                    case TANH -> "1.0f - tanh(v) * tanh(v)";
                    case SIGMOID -> "(1.0f / (1.0f + exp(-v))) * (1.0f - 1.0f / (1.0f + exp(-v)))";
                    case HARD_SIGMOID -> "v > -2.5f && v < 2.5f ? 0.2f : 0.0f";
                    case SWISH -> "(1.0f / (1.0f + exp(-v))) * (1.0f + v * (1.0f - 1.0f / (1.0f + exp(-v))))";
                    case SOFTMAX -> throw new IllegalArgumentException("softmax has SoftmaxGrad");
                };
            };
        }
        return perExample(n, "  const float v = in0[gid];\n  out[gid] = in1[gid] * (" + d + ");\n");
    }

    /** dx = y·(dy − Σ dy·y) along the axis: one work-item per softmax row. */
    private static Body softmaxGrad(Node n) {
        Shape y = n.shape();
        int axis = n.attrs().getInt("axis");
        int index = axis < 0 ? y.rank() + axis : axis - 1;
        long len = y.dim(index);
        long inner = 1;
        for (int i = index + 1; i < y.rank(); i++) {
            inner *= y.dim(i);
        }
        long rows = y.size() / len;
        String code = head(rows)
                + "  const int a = r / " + inner + ";\n"
                + "  const int z = r - a * " + inner + ";\n"
                + "  const int base = b * " + y.size() + " + a * " + len * inner + " + z;\n"
                + "  float dot = 0.0f;\n"
                + "  for (int t = 0; t < " + len + "; t++) dot += in0[base + t * " + inner + "] * in1[base + t * "
                + inner + "];\n"
                + "  for (int t = 0; t < " + len + "; t++) {\n"
                + "    const int at = base + t * " + inner + ";\n"
                + "    out[at] = in0[at] * (in1[at] - dot);\n  }\n";
        return new Body(code, rows, 0);
    }

    /** The gradient of ZeroPadding2D: dy without its padding. */
    private static Body crop(Node n, List<Shape> ins) {
        Padding p = n.attrs().get("padding", Padding.class);
        Shape dy = ins.get(0);
        Shape x = n.shape();
        return perExample(n, "  const int c = r % " + x.dim(2) + ";\n"
                + "  const int q = r / " + x.dim(2) + ";\n"
                + "  const int y = q / " + x.dim(1) + ";\n"
                + "  const int x = q - y * " + x.dim(1) + ";\n"
                + "  out[gid] = in0[b * " + dy.size() + " + ((y + " + p.top() + ") * " + dy.dim(1) + " + x + " + p.left()
                + ") * " + dy.dim(2) + " + c];\n");
    }

    /** The gradient of Concatenate for one input: its slice of dy along the axis. */
    private static Body slice(Node n, List<Shape> ins) {
        Shape dy = ins.get(0);
        int index = n.attrs().getInt("axis") - 1;
        int begin = n.attrs().getInt("begin");
        int size = n.attrs().getInt("size");
        long inner = 1;
        for (int i = index + 1; i < dy.rank(); i++) {
            inner *= dy.dim(i);
        }
        return perExample(n, "  const int z = r % " + inner + ";\n"
                + "  const int s = r / " + inner + " % " + size + ";\n"
                + "  const int o2 = r / " + inner * size + ";\n"
                + "  out[gid] = in0[b * " + dy.size() + " + (o2 * " + dy.dim(index) + " + " + begin + " + s) * " + inner
                + " + z];\n");
    }

    /** Inverted dropout with the reference's SplitMix64 mask (kept where the 53-bit draw is at least rate·2⁵³). */
    private static Body dropout(Node n) {
        double rate = n.attrs().getDouble("rate");
        long seed = ((Number) n.attrs().get("seed")).longValue();
        long threshold = (long) Math.ceil(rate * 0x1p53);
        float scale = (float) (1 / (1 - rate));
        return perExample(n, "  const ulong key = (ulong) (long) in1[b];\n"
                + "  ulong z = 0x" + Long.toHexString(seed) + "UL * 0x9E3779B97F4A7C15UL + key * 0xBF58476D1CE4E5B9UL"
                + " + (ulong) r * 0x94D049BB133111EBUL;\n"
                + "  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;\n"
                + "  z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;\n"
                + "  z ^= z >> 31;\n"
                + "  out[gid] = (z >> 11) >= " + threshold + "UL ? in0[gid] * " + ClPointwise.f(scale) + " : 0.0f;\n");
    }

    /** Per channel: the batch mean, then the biased variance (two passes). */
    private static Body moments(Node n, List<Shape> ins) {
        long ch = n.shape().dim(1);
        long rows = ins.get(0).size() / ch;
        return new Body(fixedHead(ch) + "  const int count = n * " + rows + ";\n"
                + "  float mean = 0.0f;\n"
                + "  for (int q = 0; q < count; q++) mean += in0[q * " + ch + " + r];\n"
                + "  mean /= (float) count;\n"
                + "  float var = 0.0f;\n"
                + "  for (int q = 0; q < count; q++) { const float d = in0[q * " + ch + " + r] - mean; var += d * d; }\n"
                + "  out[r] = mean;\n  out[" + ch + " + r] = var / (float) count;\n", 0, ch);
    }

    /** Training normalisation with batch moments, per element; its input gradient, per channel. */
    private static Body batchNorm(Node n, Weights ws) {
        Attrs a = n.attrs();
        boolean backprop = n.op().name().endsWith("Backprop");
        long ch = n.shape().dim(-1);
        long rows = n.shape().size() / ch;
        String eps = ClPointwise.f(a.getDouble("epsilon"));
        String layer = a.getString("layer");
        String gamma = a.getBool("scale") ? ws.raw(layer, "gamma", ch) + "[f]" : "1.0f";
        if (!backprop) {
            String beta = a.getBool("center") ? ws.raw(layer, "beta", ch) + "[f]" : "0.0f";
            return perExample(n, "  const int f = r % " + ch + ";\n"
                    + "  const float inv = rsqrt(in1[" + ch + " + f] + " + eps + ");\n"
                    + "  out[gid] = " + gamma + " * (in0[gid] - in1[f]) * inv + " + beta + ";\n");
        }
        String code = fixedHead(ch) + "  const int f = r;\n"
                + "  const int count = n * " + rows + ";\n"
                + "  const float inv = rsqrt(in1[" + ch + " + f] + " + eps + ");\n"
                + "  float meanDy = 0.0f;\n  float meanDyXhat = 0.0f;\n"
                + "  for (int q = 0; q < count; q++) {\n"
                + "    const int at = q * " + ch + " + f;\n"
                + "    meanDy += in2[at];\n"
                + "    meanDyXhat += in2[at] * (in0[at] - in1[f]) * inv;\n  }\n"
                + "  meanDy /= (float) count;\n  meanDyXhat /= (float) count;\n"
                + "  for (int q = 0; q < count; q++) {\n"
                + "    const int at = q * " + ch + " + f;\n"
                + "    const float xhat = (in0[at] - in1[f]) * inv;\n"
                + "    out[at] = " + gamma + " * inv * (in2[at] - meanDy - xhat * meanDyXhat);\n  }\n";
        return new Body(code, 0, ch);
    }

    private static Body batchNormParam(Node n, List<Shape> ins) {
        long ch = n.shape().dim(0);
        long rows = ins.get(0).size() / ch;
        boolean gamma = n.attrs().getString("which").equals("gamma");
        String eps = ClPointwise.f(n.attrs().getDouble("epsilon"));
        return new Body(fixedHead(ch) + "  float acc = 0.0f;\n"
                + "  const float inv = rsqrt(in1[" + ch + " + r] + " + eps + ");\n"
                + "  for (int q = 0; q < n * " + rows + "; q++) {\n"
                + "    const int at = q * " + ch + " + r;\n"
                + (gamma ? "    acc += in2[at] * (in0[at] - in1[r]) * inv;\n" : "    acc += in2[at];\n")
                + "  }\n  out[r] = acc;\n", 0, ch);
    }

    private static Body batchNormInference(Node n, Weights ws) {
        Attrs a = n.attrs();
        long ch = n.shape().dim(-1);
        String layer = a.getString("layer");
        String gamma = a.getBool("scale") ? ws.raw(layer, "gamma", ch) + "[f]" : "1.0f";
        String var = ws.raw(layer, "moving_variance", ch);
        return perExample(n, "  const int f = r % " + ch + ";\n"
                + "  out[gid] = in0[gid] * " + gamma + " * rsqrt(" + var + "[f] + " + ClPointwise.f(a.getDouble("epsilon"))
                + ");\n");
    }

    /** Per-example loss logsumexp(z) − Σ t·z, or its gradient (softmax(z)·Σt − t)/n: a work-item per example. */
    private static Body softmaxCrossEntropy(Node n, List<Shape> ins) {
        boolean grad = n.op().name().endsWith("Grad");
        boolean sparse = n.attrs().getBool("sparse");
        long k = ins.get(0).size();
        String t = sparse ? "((int) in1[b] == q ? 1.0f : 0.0f)" : "in1[b * " + k + " + q]";
        StringBuilder c = new StringBuilder();
        c.append("  const int b = get_global_id(0);\n  if (b >= n) return;\n");
        c.append("  const int z = b * ").append(k).append(";\n");
        c.append("  float m = -INFINITY;\n");
        c.append("  for (int q = 0; q < ").append(k).append("; q++) m = fmax(m, in0[z + q]);\n");
        c.append("  float sum = 0.0f;\n");
        c.append("  for (int q = 0; q < ").append(k).append("; q++) sum += exp(in0[z + q] - m);\n");
        c.append("  const float lse = m + log(sum);\n");
        c.append("  float tsum = 0.0f;\n  float loss = 0.0f;\n");
        c.append("  for (int q = 0; q < ").append(k).append("; q++) { const float tq = ").append(t)
                .append("; tsum += tq; loss += tq * (lse - in0[z + q]); }\n");
        if (grad) {
            c.append("  for (int q = 0; q < ").append(k).append("; q++) out[z + q] = (exp(in0[z + q] - lse) * tsum - ")
                    .append(t).append(") / (float) n;\n");
        } else {
            c.append("  out[b] = loss;\n");
        }
        return new Body(c.toString(), 1, 0);
    }

    /** Losses on probabilities with Keras 2's clipping: a work-item per example. */
    private static Body loss(Node n, List<Shape> ins) {
        boolean grad = n.op().name().endsWith("Grad");
        String kind = n.attrs().getString("kind");
        boolean sparse = kind.equals("sparse_categorical_crossentropy");
        long k = ins.get(0).size();
        String t = sparse ? "((int) in1[b] == q ? 1.0f : 0.0f)" : "in1[b * " + k + " + q]";
        String eps = "1e-7f";
        StringBuilder c = new StringBuilder();
        c.append("  const int b = get_global_id(0);\n  if (b >= n) return;\n");
        c.append("  const int p = b * ").append(k).append(";\n");
        c.append("  float psum = 0.0f;\n  float tsum = 0.0f;\n");
        c.append("  for (int q = 0; q < ").append(k).append("; q++) { psum += clamp(in0[p + q], ").append(eps)
                .append(", 1.0f - ").append(eps).append("); tsum += ").append(t).append("; }\n");
        c.append("  float loss = 0.0f;\n");
        c.append("  for (int q = 0; q < ").append(k).append("; q++) {\n");
        c.append("    const float pv = in0[p + q];\n");
        c.append("    const float cp = clamp(pv, ").append(eps).append(", 1.0f - ").append(eps).append(");\n");
        c.append("    const float tv = ").append(t).append(";\n");
        c.append("    const int inside = pv > ").append(eps).append(" && pv < 1.0f - ").append(eps).append(";\n");
        switch (kind) {
            case "mean_squared_error" -> {
                c.append("    loss += (pv - tv) * (pv - tv) / ").append(k).append(".0f;\n");
                if (grad) {
                    c.append("    out[p + q] = 2.0f * (pv - tv) / ").append(k).append(".0f / (float) n;\n");
                }
            }
            case "binary_crossentropy" -> {
                c.append("    loss -= (tv * log(cp) + (1.0f - tv) * log(1.0f - cp)) / ").append(k).append(".0f;\n");
                if (grad) {
                    c.append("    out[p + q] = inside ? (cp - tv) / (cp * (1.0f - cp)) / ").append(k)
                            .append(".0f / (float) n : 0.0f;\n");
                }
            }
            default -> {
                c.append("    loss -= tv * log(cp / psum);\n");
                if (grad) {
                    c.append("    out[p + q] = inside ? (tsum / psum - tv / cp) / (float) n : 0.0f;\n");
                }
            }
        }
        c.append("  }\n");
        if (!grad) {
            c.append("  out[b] = loss;\n");
        }
        return new Body(c.toString(), 1, 0);
    }
}
