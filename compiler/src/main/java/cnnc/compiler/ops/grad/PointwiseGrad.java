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
 * (negative_slope) or {@code scale} (scale, Rescaling).
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
        for (int i = 0; i < dx.size(); i++) {
            dx.data()[i] = dy.data()[i] * derivative(fn, a, x.data()[i]);
        }
        return dx;
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
