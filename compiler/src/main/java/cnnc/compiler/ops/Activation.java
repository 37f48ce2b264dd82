package cnnc.compiler.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Activation functions by their Keras names. Definitions follow Keras 2.12 (tf.keras) where Keras versions differ:
 * {@code hard_sigmoid(x) = clip(0.2·x + 0.5, 0, 1)} (Keras 3 uses relu6(x+3)/6), {@code leaky_relu} has slope 0.2
 * (tf.nn.leaky_relu), {@code elu} has alpha 1, {@code swish(x) = x·sigmoid(x)} (alias {@code silu}), and
 * {@code softmax} is taken over the last axis, computed stably as exp(x - max) / sum.
 */
public enum Activation {
    LINEAR("linear"),
    RELU("relu"),
    RELU6("relu6"),
    LEAKY_RELU("leaky_relu"),
    ELU("elu"),
    TANH("tanh"),
    SIGMOID("sigmoid"),
    HARD_SIGMOID("hard_sigmoid"),
    SWISH("swish", "silu"),
    SOFTMAX("softmax");

    private final String keras;
    private final List<String> aliases;

    Activation(String keras, String... aliases) {
        this.keras = keras;
        this.aliases = List.of(aliases);
    }

    /** The function at one point; softmax is not pointwise (see {@link Reference#softmax}). */
    public double apply(double x) {
        return switch (this) {
            case LINEAR -> x;
            case RELU -> Math.max(x, 0);
            case RELU6 -> Math.min(Math.max(x, 0), 6);
            case LEAKY_RELU -> x >= 0 ? x : 0.2 * x;
            case ELU -> x > 0 ? x : Math.expm1(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> 1 / (1 + Math.exp(-x));
            case HARD_SIGMOID -> Math.min(Math.max(0.2 * x + 0.5, 0), 1);
            case SWISH -> x / (1 + Math.exp(-x));
            case SOFTMAX -> throw new IllegalStateException("softmax is not pointwise");
        };
    }

    public String kerasName() {
        return keras;
    }

    /** The activation with this Keras name or alias (case-insensitive), or null. */
    public static Activation byName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Activation a : values()) {
            if (a.keras.equals(n) || a.aliases.contains(n)) {
                return a;
            }
        }
        return null;
    }

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Activation a : values()) {
            out.add(a.keras);
            out.addAll(a.aliases);
        }
        return out;
    }

    @Override
    public String toString() {
        return keras;
    }
}
