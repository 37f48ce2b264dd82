package cnnc.runtime.train;

import java.util.List;

/**
 * Stochastic gradient descent, optionally with momentum (Polyak 1964) or Nesterov momentum in the form of Sutskever et
 * al. 2013, as Keras 2.12's {@code tf.keras.optimizers.SGD} defines it:
 *
 * <pre>
 *   momentum = 0:   w = w - lr * g
 *   otherwise:      v = momentum * v - lr * g
 *                   w = w + v                          (nesterov: w = w + momentum * v - lr * g)
 * </pre>
 *
 * Defaults {@code learning_rate=0.01, momentum=0.0, nesterov=false}. The velocity {@code v} is the slot {@code m}
 * (Keras' name), kept only when momentum is above 0.
 */
public final class Sgd extends SlotOptimizer {
    private final double momentum;
    private final boolean nesterov;

    /**
     * @param momentum in [0, 1], as Keras requires
     * @throws IllegalArgumentException for a momentum outside [0, 1]
     */
    public Sgd(LearningRate learningRate, double momentum, boolean nesterov) {
        super(learningRate, momentum > 0 ? List.of("m") : List.of());
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("sgd: `momentum` must be in [0, 1], not " + PyRepr.number(momentum));
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /** Keras' defaults: {@code SGD(learning_rate=0.01)}. */
    public Sgd() {
        this(new ConstantLearningRate(0.01), 0.0, false);
    }

    /** In float32, as TensorFlow runs it. */
    @Override
    void update(float[] w, float[] g, float[][] slots, double lr, long t, int from, int to) {
        float rate = (float) lr;
        if (momentum == 0) {
            for (int i = from; i < to; i++) {
                w[i] -= rate * g[i];
            }
            return;
        }
        float mu = (float) momentum;
        float[] m = slots[0];
        for (int i = from; i < to; i++) {
            float v = mu * m[i] - rate * g[i];
            m[i] = v;
            w[i] = nesterov ? w[i] + mu * v - rate * g[i] : w[i] + v;
        }
    }

    @Override
    String deviceSource() {
        if (momentum == 0) {
            return "__kernel void sgd(__global float* w, __global const float* g, const float rate, const int size) {\n"
                    + "  const int i = get_global_id(0);\n  if (i >= size) return;\n"
                    + "  w[i] -= rate * g[i];\n}\n";
        }
        return "__kernel void sgd(__global float* w, __global const float* g, __global float* m, const float rate,"
                + " const float mu, const int size) {\n"
                + "  const int i = get_global_id(0);\n  if (i >= size) return;\n"
                + "  const float v = mu * m[i] - rate * g[i];\n  m[i] = v;\n"
                + (nesterov ? "  w[i] = w[i] + mu * v - rate * g[i];\n" : "  w[i] = w[i] + v;\n") + "}\n";
    }

    @Override
    DeviceStep deviceStep(double lr, long t) {
        return new DeviceStep("sgd", momentum == 0 ? new float[] {(float) lr}
                : new float[] {(float) lr, (float) momentum});
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String describe() {
        return "sgd(learning_rate=" + schedule().describe() + ", momentum=" + PyRepr.number(momentum)
                + ", nesterov=" + nesterov + ")";
    }
}
