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
import cnnc.compiler.ir.WeightSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras {@code Conv2D}: 2-D cross-correlation of an [H, W, C] image with {@code filters} kernels of
 * [kh, kw, C], plus a bias and an activation. Params kh·kw·C·filters (+filters); MACs Hout·Wout·filters·kh·kw·C.
 */
public final class Conv2D extends BaseOp {
    Conv2D() {
        super("Conv2D", List.of("Convolution2D"), FusionKind.OUT_ELEMWISE_FUSABLE, List.of(
                ArgSpec.required("filters", ArgTypes.positiveInt()),
                ArgSpec.required("kernel_size", ArgTypes.positivePair(), "kernel"),
                ArgSpec.optional("strides", ArgTypes.positivePair(), IntPair.square(1), "stride"),
                ArgSpec.optional("padding", ArgTypes.convPadding(), Padding.VALID),
                dataFormat(),
                ArgSpec.optional("dilation_rate", ArgTypes.positivePair(), IntPair.square(1), "dilation"),
                ArgSpec.optional("activation", ArgTypes.activation(), Activation.LINEAR),
                ArgSpec.optional("use_bias", ArgTypes.bool(), true),
                trainable()));
    }

    @Override
    public void validate(Attrs a) throws ShapeException {
        checkStridesWithDilation(a);
    }

    static void checkStridesWithDilation(Attrs a) throws ShapeException {
        IntPair s = a.getPair("strides");
        IntPair d = a.getPair("dilation_rate");
        if ((s.h() > 1 || s.w() > 1) && (d.h() > 1 || d.w() > 1)) {
            throw new ShapeException("strides > 1 cannot be combined with dilation_rate > 1 (as in Keras)",
                    "dilation_rate");
        }
    }

    /** Output [Hout, Wout] of a conv-like window op over {@code in}. */
    static long[] spatial(Shape in, IntPair k, IntPair s, IntPair d, Padding p, String what, String kernelArg)
            throws ShapeException {
        Windows.Axis h = Windows.axis(in.dim(0), k.h(), s.h(), d.h(), p, true, what, kernelArg);
        Windows.Axis w = Windows.axis(in.dim(1), k.w(), s.w(), d.w(), p, false, what, kernelArg);
        return new long[] {h.out(), w.out()};
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape in = image(inputs);
        long[] hw = spatial(in, a.getPair("kernel_size"), a.getPair("strides"), a.getPair("dilation_rate"),
                a.get("padding", Padding.class), "kernel", "kernel_size");
        return Shape.of(hw[0], hw[1], a.getInt("filters"));
    }

    @Override
    public List<WeightSpec> weights(Attrs a, List<Shape> inputs) {
        IntPair k = a.getPair("kernel_size");
        int filters = a.getInt("filters");
        boolean t = a.getBool("trainable");
        List<WeightSpec> w = new ArrayList<>();
        w.add(new WeightSpec("kernel", Shape.of(k.h(), k.w(), inputs.get(0).dim(-1), filters), t));
        if (a.getBool("use_bias")) {
            w.add(new WeightSpec("bias", Shape.of(filters), t));
        }
        return w;
    }

    @Override
    public long macs(Attrs a, List<Shape> inputs, Shape out) {
        IntPair k = a.getPair("kernel_size");
        return Math.multiplyExact(Math.multiplyExact(out.size(), (long) k.h() * k.w()), inputs.get(0).dim(-1));
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray y = Reference.conv(in.get(0), w.get("kernel"), a.getPair("kernel_size"), a.getPair("strides"),
                a.getPair("dilation_rate"), a.get("padding", Padding.class));
        return Reference.epilogue(y, w, a);
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.conv(ctx, false);
    }
}
