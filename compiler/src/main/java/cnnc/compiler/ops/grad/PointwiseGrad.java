package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ops.Activation;
import java.util.List;
import java.util.Map;

/**
 * dx = f'(x)·dy for the pointwise layers, inputs (x, dy), from the pre-activation x. Attribute {@code fn}:
 * an {@link Activation} name, {@code relu_layer} (with max_value, negative_slope, threshold), {@code leaky}
 * (negative_slope) or {@code scale} (scale, Rescaling). With {@code of=output} (set by
 * {@link cnnc.compiler.passes.FuseTraining}) the first input is the activation's output y = f(x) instead, and the
 * derivative is written in y: relu 1 for y > 0, relu6 1 on (0, 6), leaky_relu 1 for y ≥ 0 else 0.2, elu 1 for
 * y > 0 else y + 1, sigmoid y(1 − y), tanh 1 − y².
 */
final class PointwiseGrad extends GradOp {
    PointwiseGrad() {
        super("PointwiseGrad", FusionKind.ELEMWISE, true);
    }

    @Override
    public NDArray reference(Attrs a, List<NDArray> in, Map<String, NDArray> w) {
        NDArray x = in.get(0);
        NDArray dy = in.get(1);
        NDArray dx = NDArray.zeros(x.shape());
        String fn = a.getString("fn");
        boolean ofOutput = a.has("of") && a.getString("of").equals("output");
        for (int i = 0; i < dx.size(); i++) {
            dx.data()[i] = dy.data()[i] * (ofOutput ? derivativeOfOutput(fn, x.data()[i])
                    : derivative(fn, a, x.data()[i]));
        }
        return dx;
    }

    /** The derivative f'(x) written in y = f(x), for the activations {@code FuseTraining} fuses. */
    static double derivativeOfOutput(String fn, double y) {
        return switch (Activation.byName(fn)) {
            case RELU -> y > 0 ? 1 : 0;
            case RELU6 -> y > 0 && y < 6 ? 1 : 0;
            case LEAKY_RELU -> y >= 0 ? 1 : 0.2;
            case ELU -> y > 0 ? 1 : y + 1;
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            default -> throw new IllegalArgumentException(fn + "'s derivative is not written in its output");
        };
    }

    /** The derivative at x; at kinks, the value Keras/TensorFlow uses (relu'(0) = 0). */
    static double derivative(String fn, Attrs a, double x) {
        switch (fn) {
            case "relu_layer" -> {
                Double max = (Double) a.get("max_value");
                if (x > a.getDouble("threshold")) {
                    return max == null || (x > 0 && x < max) ? 1 : 0;
                }
                return a.getDouble("negative_slope");
            }
            case "leaky" -> {
                return x >= 0 ? 1 : a.getDouble("negative_slope");
            }
            case "scale" -> {
                return a.getDouble("scale");
            }
            default -> {
                Activation act = Activation.byName(fn);
                return switch (act) {
                    case LINEAR -> 1;
                    case RELU -> x > 0 ? 1 : 0;
                    case RELU6 -> x > 0 && x < 6 ? 1 : 0;
                    case LEAKY_RELU -> x >= 0 ? 1 : 0.2;
                    case ELU -> x > 0 ? 1 : Math.exp(x);
                    case TANH -> 1 - Math.tanh(x) * Math.tanh(x);
                    case SIGMOID -> {
                        double s = 1 / (1 + Math.exp(-x));
                        yield s * (1 - s);
                    }
                    case HARD_SIGMOID -> x > -2.5 && x < 2.5 ? 0.2 : 0;
                    case SWISH -> {
                        double s = 1 / (1 + Math.exp(-x));
                        yield s + x * s * (1 - s);
                    }
                    case SOFTMAX -> throw new IllegalArgumentException("softmax has SoftmaxGrad");
                };
            }
        }
    }
}
