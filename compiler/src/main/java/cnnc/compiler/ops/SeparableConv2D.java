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
 * Keras {@code SeparableConv2D}: a depthwise convolution (no bias) followed by a 1×1 pointwise convolution to
 * {@code filters} channels (Chollet 2017, Xception). Params kh·kw·C·mult + C·mult·filters (+filters); MACs the
 * depthwise part plus Hout·Wout·C·mult·filters.
 */
public final class SeparableConv2D extends BaseOp {
    SeparableConv2D() {
        super("SeparableConv2D", List.of("SeparableConvolution2D"), FusionKind.OUT_ELEMWISE_FUSABLE, List.of(
                ArgSpec.required("filters", ArgTypes.positiveInt()),
                ArgSpec.required("kernel_size", ArgTypes.positivePair(), "kernel"),
                ArgSpec.optional("strides", ArgTypes.positivePair(), IntPair.square(1), "stride"),
                ArgSpec.optional("padding", ArgTypes.convPadding(), Padding.VALID),
                dataFormat(),
                ArgSpec.optional("dilation_rate", ArgTypes.positivePair(), IntPair.square(1), "dilation"),
                ArgSpec.optional("depth_multiplier", ArgTypes.positiveInt(), 1),
                ArgSpec.optional("activation", ArgTypes.activation(), Activation.LINEAR),
                ArgSpec.optional("use_bias", ArgTypes.bool(), true),
                trainable()));
    }

    @Override
    public void validate(Attrs a) throws ShapeException {
        Conv2D.checkStridesWithDilation(a);
    }

    @Override
    public Shape inferShape(Attrs a, List<Shape> inputs) throws ShapeException {
        Shape in = image(inputs);
        long[] hw = Conv2D.spatial(in, a.getPair("kernel_size"), a.getPair("strides"), a.getPair("dilation_rate"),
                a.get("padding", Padding.class), "kernel", "kernel_size");
        return Shape.of(hw[0], hw[1], a.getInt("filters"));
    }

    @Override
    public List<WeightSpec> weights(Attrs a, List<Shape> inputs) {
        IntPair k = a.getPair("kernel_size");
        long c = inputs.get(0).dim(-1);
        int mult = a.getInt("depth_multiplier");
        int filters = a.getInt("filters");
        boolean t = a.getBool("trainable");
        List<WeightSpec> w = new ArrayList<>();
        w.add(new WeightSpec("depthwise_kernel", Shape.of(k.h(), k.w(), c, mult), t));
        w.add(new WeightSpec("pointwise_kernel", Shape.of(1, 1, c * mult, filters), t));
        if (a.getBool("use_bias")) {
            w.add(new WeightSpec("bias", Shape.of(filters), t));
        }
        return w;
    }

    @Override
    public long macs(Attrs a, List<Shape> inputs, Shape out) {
        IntPair k = a.getPair("kernel_size");
        long c = inputs.get(0).dim(-1);
        long mult = a.getInt("depth_multiplier");
        long spatial = out.dim(0) * out.dim(1);
        long depthwise = Math.multiplyExact(Math.multiplyExact(spatial, c * mult), (long) k.h() * k.w());
        return Math.addExact(depthwise, Math.multiplyExact(Math.multiplyExact(spatial, c * mult), out.dim(2)));
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray d = Reference.depthwise(in.get(0), w.get("depthwise_kernel"), a.getPair("kernel_size"),
                a.getPair("strides"), a.getPair("dilation_rate"), a.get("padding", Padding.class));
        NDArray y = Reference.conv(d, w.get("pointwise_kernel"), IntPair.square(1), IntPair.square(1),
                IntPair.square(1), Padding.VALID);
        return Reference.epilogue(y, w, a);
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.separable(ctx);
    }
}
