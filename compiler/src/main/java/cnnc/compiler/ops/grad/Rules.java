package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Op;
import cnnc.compiler.ir.Padding;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.Vjp;
import cnnc.compiler.ops.Activation;
import cnnc.compiler.ops.OpRegistry;
import cnnc.compiler.ops.Pooling2D;
import java.util.ArrayList;
import java.util.List;

/**
 * The vector-Jacobian rules of the forward ops, written as backward IR. Each forward op's {@code vjp} calls the rule
 * here that fits it; a rule emits backward nodes only for the gradients {@link Vjp} says are needed. Rules assume
 * the autodiff pass has split fused activations off their layers (a conv or dense reaching here is linear).
 */
public final class Rules {
    private Rules() {}

    private static Attrs.Builder window(Node n) {
        Attrs a = n.attrs();
        return Attrs.builder().put("kernel_size", a.get("kernel_size")).put("strides", a.get("strides"))
                .put("dilation_rate", a.get("dilation_rate")).put("padding", a.get("padding"))
                .put("layer", n.op().weightLayer(a, n.name()));
    }

    private static boolean linear(Node n) {
        return n.attrs().get("activation", Activation.class) == Activation.LINEAR;
    }

    /** Conv2D and DepthwiseConv2D: kernel, bias and input gradients. */
    public static boolean conv(Vjp ctx, boolean depthwise) {
        Node n = ctx.node();
        if (!linear(n)) {
            return false;
        }
        Shape x = ctx.inputShape(0);
        IntPair k = n.attrs().getPair("kernel_size");
        long last = depthwise ? n.attrs().getInt("depth_multiplier") : n.shape().dim(-1);
        Shape kernel = Shape.of(k.h(), k.w(), x.dim(-1), last);
        Attrs.Builder base = window(n).put("kernel_shape", GradAttrs.list(kernel));
        if (ctx.needsWeights()) {
            Op filter = depthwise ? Grads.DEPTHWISE_BACKPROP_FILTER : Grads.CONV2D_BACKPROP_FILTER;
            ctx.weightGrad(depthwise ? "depthwise_kernel" : "kernel", ctx.emit("dkernel", filter,
                    base.put("shape", GradAttrs.list(kernel)).build(), List.of(n.inputs().get(0), ctx.grad()), kernel));
            bias(ctx, n);
        }
        if (ctx.needsInput(0)) {
            Op input = depthwise ? Grads.DEPTHWISE_BACKPROP_INPUT : Grads.CONV2D_BACKPROP_INPUT;
            ctx.inputGrad(0, ctx.emit("dx", input, base.put("shape", GradAttrs.list(x)).build(),
                    List.of(ctx.grad()), x));
        }
        return true;
    }

    private static void bias(Vjp ctx, Node n) {
        if (n.attrs().getBool("use_bias")) {
            Shape c = Shape.of(n.shape().dim(-1));
            ctx.weightGrad("bias", ctx.emit("dbias", Grads.BIAS_GRAD, Attrs.builder()
                    .put("shape", GradAttrs.list(c)).build(), List.of(ctx.grad()), c));
        }
    }

    /**
     * SeparableConv2D: the depthwise output d is recomputed (a forward DepthwiseConv2D reading this layer's
     * depthwise_kernel), then the pointwise part is a 1×1 convolution of d.
     */
    public static boolean separable(Vjp ctx) {
        Node n = ctx.node();
        if (!linear(n)) {
            return false;
        }
        Attrs a = n.attrs();
        Shape x = ctx.inputShape(0);
        int mult = a.getInt("depth_multiplier");
        Shape d = Shape.of(n.shape().dim(0), n.shape().dim(1), x.dim(2) * mult);
        String layer = n.op().weightLayer(a, n.name());
        Attrs dwAttrs = Attrs.builder().put("kernel_size", a.get("kernel_size")).put("strides", a.get("strides"))
                .put("padding", a.get("padding")).put("depth_multiplier", mult)
                .put("data_format", a.get("data_format")).put("dilation_rate", a.get("dilation_rate"))
                .put("activation", Activation.LINEAR).put("use_bias", false).put("trainable", a.get("trainable"))
                .put("layer", layer).build();
        String depth = ctx.emit("depthwise", OpRegistry.lookup("DepthwiseConv2D"), dwAttrs,
                List.of(n.inputs().get(0)), d);
        Shape pointwise = Shape.of(1, 1, d.dim(2), n.shape().dim(-1));
        Attrs.Builder pw = Attrs.builder().put("kernel_size", IntPair.square(1)).put("strides", IntPair.square(1))
                .put("dilation_rate", IntPair.square(1)).put("padding", Padding.VALID).put("layer", layer)
                .put("kernel_name", "pointwise_kernel").put("kernel_shape", GradAttrs.list(pointwise));
        boolean needDepth = ctx.needsWeights() || ctx.needsInput(0);
        String dd = null;
        if (needDepth) {
            dd = ctx.emit("ddepthwise", Grads.CONV2D_BACKPROP_INPUT, pw.put("shape", GradAttrs.list(d)).build(),
                    List.of(ctx.grad()), d);
        }
        IntPair k = a.getPair("kernel_size");
        Shape dk = Shape.of(k.h(), k.w(), x.dim(2), mult);
        Attrs.Builder dwBase = window(n).put("kernel_shape", GradAttrs.list(dk));
        if (ctx.needsWeights()) {
            ctx.weightGrad("pointwise_kernel", ctx.emit("dpointwise", Grads.CONV2D_BACKPROP_FILTER,
                    pw.put("shape", GradAttrs.list(pointwise)).build(), List.of(depth, ctx.grad()), pointwise));
            bias(ctx, n);
            ctx.weightGrad("depthwise_kernel", ctx.emit("ddepthwise_kernel", Grads.DEPTHWISE_BACKPROP_FILTER,
                    dwBase.put("shape", GradAttrs.list(dk)).build(), List.of(n.inputs().get(0), dd), dk));
        }
        if (ctx.needsInput(0)) {
            ctx.inputGrad(0, ctx.emit("dx", Grads.DEPTHWISE_BACKPROP_INPUT, dwBase.put("shape", GradAttrs.list(x))
                    .build(), List.of(dd), x));
        }
        return true;
    }

    /** Dense: kernel, bias and input gradients. */
    public static boolean dense(Vjp ctx) {
        Node n = ctx.node();
        if (!linear(n)) {
            return false;
        }
        Shape x = ctx.inputShape(0);
        Shape kernel = Shape.of(x.dim(-1), n.shape().dim(-1));
        Attrs.Builder base = Attrs.builder().put("layer", n.op().weightLayer(n.attrs(), n.name()))
                .put("kernel_shape", GradAttrs.list(kernel));
        if (ctx.needsWeights()) {
            ctx.weightGrad("kernel", ctx.emit("dkernel", Grads.DENSE_BACKPROP_KERNEL,
                    base.put("shape", GradAttrs.list(kernel)).build(), List.of(n.inputs().get(0), ctx.grad()), kernel));
            bias(ctx, n);
        }
        if (ctx.needsInput(0)) {
            ctx.inputGrad(0, ctx.emit("dx", Grads.DENSE_BACKPROP_INPUT, base.put("shape", GradAttrs.list(x)).build(),
                    List.of(ctx.grad()), x));
        }
        return true;
    }

    /** Window and global pooling. */
    public static boolean pool(Vjp ctx, Pooling2D.Kind kind, boolean global) {
        if (!ctx.needsInput(0)) {
            return true;
        }
        Node n = ctx.node();
        Shape x = ctx.inputShape(0);
        Attrs.Builder a = Attrs.builder().put("kind", kind.name()).put("global", global)
                .put("shape", GradAttrs.list(x));
        if (!global) {
            a.put("pool_size", n.attrs().get("pool_size")).put("strides", Pooling2D.strides(n.attrs()))
                    .put("padding", n.attrs().get("padding"));
        }
        String dy = ctx.grad();
        if (global && !n.attrs().getBool("keepdims")) {
            dy = reshape(ctx, dy, Shape.of(1, 1, x.dim(2)));
        }
        ctx.inputGrad(0, ctx.emit("dx", Grads.POOLING_GRAD, a.build(), List.of(n.inputs().get(0), dy), x));
        return true;
    }

    private static String reshape(Vjp ctx, String value, Shape to) {
        List<Integer> target = new ArrayList<>();
        for (long d : to.dims()) {
            target.add((int) d);
        }
        return ctx.emit("reshape", OpRegistry.lookup("Reshape"), Attrs.builder().put("target_shape",
                List.copyOf(target)).build(), List.of(value), to);
    }

    /** Flatten and Reshape: the gradient reshaped back. */
    public static boolean reshapeBack(Vjp ctx) {
        if (ctx.needsInput(0)) {
            ctx.inputGrad(0, reshape(ctx, ctx.grad(), ctx.inputShape(0)));
        }
        return true;
    }

    /** A pointwise layer: dx = f'(x)·dy ({@code fn} and extra attributes as {@link PointwiseGrad} reads them). */
    public static boolean pointwise(Vjp ctx, String fn, Attrs extra) {
        if (ctx.needsInput(0)) {
            Node n = ctx.node();
            Attrs.Builder a = extra.toBuilder().put("fn", fn).put("shape", GradAttrs.list(ctx.inputShape(0)));
            ctx.inputGrad(0, ctx.emit("dx", Grads.POINTWISE_GRAD, a.build(), List.of(n.inputs().get(0), ctx.grad()),
                    ctx.inputShape(0)));
        }
        return true;
    }

    /** Softmax: dx = y·(dy - Σ dy·y) along the Keras axis. */
    public static boolean softmax(Vjp ctx, int axis) {
        if (ctx.needsInput(0)) {
            Node n = ctx.node();
            ctx.inputGrad(0, ctx.emit("dx", Grads.SOFTMAX_GRAD, Attrs.builder().put("axis", axis)
                    .put("shape", GradAttrs.list(ctx.inputShape(0))).build(), List.of(n.name(), ctx.grad()),
                    ctx.inputShape(0)));
        }
        return true;
    }

    /** Add: the gradient flows unchanged to every input. */
    public static boolean add(Vjp ctx) {
        for (int i = 0; i < ctx.node().inputs().size(); i++) {
            if (ctx.needsInput(i)) {
                ctx.inputGrad(i, ctx.grad());
            }
        }
        return true;
    }

    /** Concatenate: each input gets its slice of the gradient. */
    public static boolean concatenate(Vjp ctx) {
        Node n = ctx.node();
        int axis = n.attrs().getInt("axis");
        int index = axis < 0 ? n.shape().rank() + axis : axis - 1;
        long begin = 0;
        for (int i = 0; i < n.inputs().size(); i++) {
            Shape s = ctx.inputShape(i);
            if (ctx.needsInput(i)) {
                ctx.inputGrad(i, ctx.emit("dx" + i, Grads.SLICE, Attrs.builder().put("axis", index + 1)
                        .put("begin", (int) begin).put("size", (int) s.dim(index)).put("shape", GradAttrs.list(s))
                        .build(), List.of(ctx.grad()), s));
            }
            begin += s.dim(index);
        }
        return true;
    }

    /** A frozen BatchNormalization (inference mode): dy scaled per channel by gamma/sqrt(moving_variance + ε). */
    public static boolean frozenBatchNorm(Vjp ctx) {
        if (ctx.needsInput(0)) {
            Node n = ctx.node();
            ctx.inputGrad(0, ctx.emit("dx", Grads.BATCH_NORM_INFERENCE_GRAD, Attrs.builder()
                    .put("layer", n.op().weightLayer(n.attrs(), n.name())).put("epsilon", n.attrs().get("epsilon"))
                    .put("scale", n.attrs().get("scale"))
                    .put("channels", GradAttrs.list(Shape.of(n.shape().dim(-1))))
                    .put("shape", GradAttrs.list(n.shape())).build(), List.of(ctx.grad()), n.shape()));
        }
        return true;
    }

    /** ZeroPadding2D: the gradient cropped. */
    public static boolean zeroPadding(Vjp ctx) {
        if (ctx.needsInput(0)) {
            ctx.inputGrad(0, ctx.emit("dx", Grads.CROP2D, Attrs.builder().put("padding", ctx.node().attrs()
                    .get("padding")).put("shape", GradAttrs.list(ctx.inputShape(0))).build(), List.of(ctx.grad()),
                    ctx.inputShape(0)));
        }
        return true;
    }
}
