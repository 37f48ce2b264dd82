package cnnc.codegen.java;

import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ops.Activation;

/**
 * Java statements for pointwise functions on a float local, matching the ops' reference definitions (Keras 2.12):
 * activations, ReLU's (max_value, negative_slope, threshold), LeakyReLU, Rescaling.
 */
final class Pointwise {
    private Pointwise() {}

    /** Statements applying {@code a} to float variable {@code v}; empty for linear. Not for softmax. */
    static String activation(Activation a, String v) {
        return switch (a) {
            case LINEAR -> "";
            case RELU -> v + " = Math.max(" + v + ", 0f);";
            case RELU6 -> v + " = Math.min(Math.max(" + v + ", 0f), 6f);";
            case LEAKY_RELU -> v + " = Math.max(" + v + ", 0.2f * " + v + ");";
            case ELU -> v + " = " + v + " > 0f ? " + v + " : (float) Math.expm1(" + v + ");";
            // 1 - 2/(e^2x + 1) in double: Math.exp is an intrinsic, Math.tanh is not (several times slower).
            case TANH -> v + " = (float) (1.0 - 2.0 / (Math.exp(2.0 * " + v + ") + 1.0));";
            case SIGMOID -> v + " = 1f / (1f + (float) Math.exp(-" + v + "));";
            case HARD_SIGMOID -> v + " = Math.min(Math.max(0.2f * " + v + " + 0.5f, 0f), 1f);";
            case SWISH -> v + " = " + v + " / (1f + (float) Math.exp(-" + v + "));";
            case SOFTMAX -> throw new IllegalArgumentException("softmax is not pointwise");
        };
    }

    /** Statements for a pointwise layer node (Activation, ReLU, LeakyReLU, Rescaling); null if not pointwise. */
    static String layer(Node n, String v) {
        Attrs a = n.attrs();
        return switch (n.op().name()) {
            case "Activation" -> activation(a.get("activation", Activation.class), v);
            case "ReLU" -> {
                Double max = (Double) a.get("max_value");
                double slope = a.getDouble("negative_slope");
                double thr = a.getDouble("threshold");
                if (slope == 0 && thr == 0) {
                    // Branch-free, so that C2 can vectorize it (relu and relu6-style clipping).
                    yield max == null ? v + " = Math.max(" + v + ", 0f);"
                            : v + " = Math.min(Math.max(" + v + ", 0f), " + Expr.f(max) + ");";
                }
                String pos = max == null ? v : v + " < 0f ? 0f : (" + v + " > " + Expr.f(max) + " ? " + Expr.f(max)
                        + " : " + v + ")";
                String neg = slope == 0 ? "0f" : Expr.f(slope) + " * (" + v + (thr == 0 ? "" : " - " + Expr.f(thr))
                        + ")";
                yield v + " = " + v + " > " + Expr.f(thr) + " ? " + pos + " : " + neg + ";";
            }
            case "LeakyReLU" -> {
                // max(x, s·x) for s ≤ 1 and min(x, s·x) for s > 1 both equal x ≥ 0 ? x : s·x, without a branch.
                double slope = a.getDouble("negative_slope");
                yield v + " = Math." + (slope <= 1 ? "max" : "min") + "(" + v + ", " + Expr.f(slope) + " * " + v + ");";
            }
            case "Rescaling" -> v + " = " + v + " * " + Expr.f(a.getDouble("scale"))
                    + (a.getDouble("offset") == 0 ? "" : " + " + Expr.f(a.getDouble("offset"))) + ";";
            case "Dropout" -> "";
            default -> null;
        };
    }
}
