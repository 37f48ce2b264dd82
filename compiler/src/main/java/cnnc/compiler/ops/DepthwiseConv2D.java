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
 * Keras {@code DepthwiseConv2D}: each input channel convolved with its own {@code depth_multiplier} kernels
 * (MobileNet, Howard et al. 2017). Output channel c·mult + m. Params kh·kw·C·mult (+C·mult); MACs
 * Hout·Wout·C·mult·kh·kw.
 */
public final class DepthwiseConv2D extends BaseOp {
    DepthwiseConv2D() {
        super("DepthwiseConv2D", List.of(), FusionKind.OUT_ELEMWISE_FUSABLE, List.of(
                ArgSpec.required("kernel_size", ArgTypes.positivePair(), "kernel"),
                ArgSpec.optional("strides", ArgTypes.positivePair(), IntPair.square(1), "stride"),
                ArgSpec.optional("padding", ArgTypes.convPadding(), Padding.VALID),
                ArgSpec.optional("depth_multiplier", ArgTypes.positiveInt(), 1),
                dataFormat(),
                ArgSpec.optional("dilation_rate", ArgTypes.positivePair(), IntPair.square(1), "dilation"),
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
        return Shape.of(hw[0], hw[1], Math.multiplyExact(in.dim(2), (long) a.getInt("depth_multiplier")));
    }

    @Override
    public List<WeightSpec> weights(Attrs a, List<Shape> inputs) {
        IntPair k = a.getPair("kernel_size");
        long c = inputs.get(0).dim(-1);
        int mult = a.getInt("depth_multiplier");
        boolean t = a.getBool("trainable");
        List<WeightSpec> w = new ArrayList<>();
        w.add(new WeightSpec("depthwise_kernel", Shape.of(k.h(), k.w(), c, mult), t));
        if (a.getBool("use_bias")) {
            w.add(new WeightSpec("bias", Shape.of(c * mult), t));
        }
        return w;
    }

    @Override
    public long macs(Attrs a, List<Shape> inputs, Shape out) {
        IntPair k = a.getPair("kernel_size");
        return Math.multiplyExact(out.size(), (long) k.h() * k.w());
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray y = Reference.depthwise(in.get(0), w.get("depthwise_kernel"), a.getPair("kernel_size"),
                a.getPair("strides"), a.getPair("dilation_rate"), a.get("padding", Padding.class));
        return Reference.epilogue(y, w, a);
    }

    @Override
    public boolean vjp(Vjp ctx) {
        return Rules.conv(ctx, true);
    }
}
