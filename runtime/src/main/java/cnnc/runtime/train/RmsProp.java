package cnnc.runtime.train;

import java.util.ArrayList;
import java.util.List;

/**
 * RMSprop (Hinton 2012, Coursera "Neural Networks for Machine Learning", lecture 6e), centered as in Graves 2013,
 * "Generating Sequences With Recurrent Neural Networks", exactly as Keras 2.12's
 * {@code tf.keras.optimizers.RMSprop.update_step}:
 *
 * <pre>
 *   velocity         = rho * velocity + (1 - rho) * g^2
 *   centered:        average_gradient = rho * average_gradient + (1 - rho) * g
 *                    denominator      = velocity - average_gradient^2 + epsilon
 *   otherwise:       denominator      = velocity + epsilon
 *   increment        = lr * g / sqrt(denominator)
 *   momentum > 0:    momentum_slot = momentum * momentum_slot + increment;  w = w - momentum_slot
 *   otherwise:       w = w - increment
 * </pre>
 *
 * Unlike Adam's, this epsilon sits inside the square root. Defaults {@code learning_rate=0.001, rho=0.9,
 * momentum=0.0, epsilon=1e-07, centered=false}; slots {@code velocity}, plus {@code momentum} when momentum is above
 * 0 and {@code average_gradient} when centered (Keras' names).
 */
public final class RmsProp extends SlotOptimizer {
    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;

    /**
     * @param rho      in [0, 1)
     * @param momentum in [0, 1]
     * @param epsilon  above 0
     * @throws IllegalArgumentException for a value outside those ranges
     */
    public RmsProp(LearningRate learningRate, double rho, double momentum, double epsilon, boolean centered) {
        super(learningRate, slots(momentum, centered));
        Optimizers.checkUnit("rmsprop", "rho", rho);
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("rmsprop: `momentum` must be in [0, 1], not "
                    + PyRepr.number(momentum));
        }
        Optimizers.checkEpsilon("rmsprop", epsilon);
        this.rho = rho;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.centered = centered;
    }

    /** Keras' defaults: {@code RMSprop(learning_rate=0.001)}. */
    public RmsProp() {
        this(new ConstantLearningRate(0.001), 0.9, 0.0, 1e-7, false);
    }

    private static List<String> slots(double momentum, boolean centered) {
        List<String> slots = new ArrayList<>(List.of("velocity"));
        if (momentum > 0) {
            slots.add("momentum");
        }
        if (centered) {
            slots.add("average_gradient");
        }
        return slots;
    }

    @Override
    void update(float[] w, float[] g, float[][] slots, double lr, long t, int from, int to) {
        float[] velocity = slots[0];
        float[] mom = momentum > 0 ? slots[1] : null;
        float[] average = centered ? slots[slots.length - 1] : null;
        for (int i = from; i < to; i++) {
            double gi = g[i];
            double vi = rho * velocity[i] + (1 - rho) * gi * gi;
            velocity[i] = (float) vi;
            double denominator;
            if (average != null) {
                double ai = rho * average[i] + (1 - rho) * gi;
                average[i] = (float) ai;
                denominator = vi - ai * ai + epsilon;
            } else {
                denominator = vi + epsilon;
            }
            double increment = lr * gi / Math.sqrt(denominator);
            if (mom != null) {
                double mi = momentum * mom[i] + increment;
                mom[i] = (float) mi;
                w[i] = (float) (w[i] - mi);
            } else {
                w[i] = (float) (w[i] - increment);
            }
        }
    }

    /** In float32 (the host computes in double and rounds each slot, so the two agree to float rounding). */
    @Override
    String deviceSource() {
        return "__kernel void rmsprop(__global float* w, __global const float* g, __global float* vel"
                + (momentum > 0 ? ", __global float* mom" : "") + (centered ? ", __global float* avg" : "")
                + ", const float lr, const float rho, const float momentum, const float eps, const int size) {\n"
                + "  const int i = get_global_id(0);\n  if (i >= size) return;\n"
                + "  const float gi = g[i];\n"
                + "  const float vi = rho * vel[i] + (1.0f - rho) * gi * gi;\n  vel[i] = vi;\n"
                + (centered ? "  const float ai = rho * avg[i] + (1.0f - rho) * gi;\n  avg[i] = ai;\n"
                        + "  const float den = vi - ai * ai + eps;\n" : "  const float den = vi + eps;\n")
                + "  const float inc = lr * gi / sqrt(den);\n"
                + (momentum > 0 ? "  const float mi = momentum * mom[i] + inc;\n  mom[i] = mi;\n  w[i] -= mi;\n"
                        : "  w[i] -= inc;\n")
                + "}\n";
    }

    @Override
    DeviceStep deviceStep(double lr, long t) {
        return new DeviceStep("rmsprop", new float[] {(float) lr, (float) rho, (float) momentum, (float) epsilon});
    }

    @Override
    public String name() {
        return "rmsprop";
    }

    @Override
    public String describe() {
        return "rmsprop(learning_rate=" + schedule().describe() + ", rho=" + PyRepr.number(rho) + ", momentum="
                + PyRepr.number(momentum) + ", epsilon=" + PyRepr.number(epsilon) + ", centered=" + centered + ")";
    }
}
