package cnnc.codegen.opencl;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ops.Activation;
import java.util.Locale;

/**
 * OpenCL C statements for the pointwise layers on a float variable, matching the ops' reference definitions (Keras
 * 2.12) as the Java backend's do: activations, ReLU's (max_value, negative_slope, threshold), LeakyReLU, Rescaling.
 */
final class ClPointwise {
    private ClPointwise() {}

    /** A float literal in C syntax ({@code 0.2f}; never Java's {@code 0f}). */
    static String f(double v) {
        float x = (float) v;
        if (Float.isInfinite(x)) {
            return x > 0 ? "INFINITY" : "-INFINITY";
        }
        String s = Float.toString(x);
        return (s.contains("E") ? s.toLowerCase(Locale.ROOT) : s) + "f";
    }

    /** Statements applying {@code a} to {@code v}; empty for linear. */
    static String activation(Activation a, String v) {
        return switch (a) {
            case LINEAR -> "";
            case RELU -> "  " + v + " = fmax(" + v + ", 0.0f);\n";
            case RELU6 -> "  " + v + " = fmin(fmax(" + v + ", 0.0f), 6.0f);\n";
            case LEAKY_RELU -> "  " + v + " = " + v + " >= 0.0f ? " + v + " : 0.2f * " + v + ";\n";
            case ELU -> "  " + v + " = " + v + " > 0.0f ? " + v + " : expm1(" + v + ");\n";
            case TANH -> "  " + v + " = tanh(" + v + ");\n";
            case SIGMOID -> "  " + v + " = 1.0f / (1.0f + exp(-" + v + "));\n";
            case HARD_SIGMOID -> "  " + v + " = fmin(fmax(0.2f * " + v + " + 0.5f, 0.0f), 1.0f);\n";
            case SWISH -> "  " + v + " = " + v + " / (1.0f + exp(-" + v + "));\n";
            case SOFTMAX -> throw new IllegalArgumentException("softmax is not pointwise");
        };
    }

    /** Statements for a pointwise layer node (Activation, ReLU, LeakyReLU, Rescaling). */
    static String layer(Node n, String v) {
        Attrs a = n.attrs();
        return switch (n.op().name()) {
            case "Activation" -> activation(a.get("activation", Activation.class), v);
            case "ReLU" -> {
                Double max = (Double) a.get("max_value");
                double slope = a.getDouble("negative_slope");
                double thr = a.getDouble("threshold");
                String pos = max == null ? v : "fmin(" + v + ", " + f(max) + ")";
                String neg = slope == 0 ? "0.0f" : f(slope) + " * (" + v + " - " + f(thr) + ")";
                yield "  " + v + " = " + v + " > " + f(thr) + " ? " + pos + " : " + neg + ";\n";
            }
            case "LeakyReLU" -> "  " + v + " = " + v + " >= 0.0f ? " + v + " : " + f(a.getDouble("negative_slope"))
                    + " * " + v + ";\n";
            case "Rescaling" -> "  " + v + " = " + v + " * " + f(a.getDouble("scale")) + " + "
                    + f(a.getDouble("offset")) + ";\n";
            default -> throw new IllegalArgumentException("not a pointwise op: " + n.op().name());
        };
    }
}
