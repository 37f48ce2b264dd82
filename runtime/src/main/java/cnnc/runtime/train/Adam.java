package cnnc.runtime.train;

import java.util.List;

/**
 * Adam (Kingma and Ba 2015, "Adam: A Method for Stochastic Optimization"), optionally AMSGrad (Reddi et al. 2018, "On
 * the Convergence of Adam and Beyond"), exactly as Keras 2.12's {@code tf.keras.optimizers.Adam.update_step}:
 *
 * <pre>
 *   t     = iterations + 1
 *   m     = beta_1 * m + (1 - beta_1) * g
 *   v     = beta_2 * v + (1 - beta_2) * g^2
 *   alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
 *   w     = w - alpha * m / (sqrt(v) + epsilon)          (amsgrad: vhat = max(vhat, v), and vhat in place of v)
 * </pre>
 *
 * This is the paper's formulation "just before Section 2.1" with epsilon-hat: epsilon is added to {@code sqrt(v)}
 * before the bias correction folded into {@code alpha}, not to {@code sqrt(v / (1 - beta_2^t))} as in Algorithm 1
 * and PyTorch, so the same epsilon weighs differently in the first steps. Defaults {@code learning_rate=0.001,
 * beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false}; slots {@code m}, {@code v} and, with AMSGrad, {@code vhat}.
 */
public final class Adam extends SlotOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final boolean amsgrad;

    /**
     * @param beta1   in [0, 1)
     * @param beta2   in [0, 1)
     * @param epsilon above 0
     * @throws IllegalArgumentException for a value outside those ranges
     */
    public Adam(LearningRate learningRate, double beta1, double beta2, double epsilon, boolean amsgrad) {
        super(learningRate, amsgrad ? List.of("m", "v", "vhat") : List.of("m", "v"));
        Optimizers.checkUnit("adam", "beta_1", beta1);
        Optimizers.checkUnit("adam", "beta_2", beta2);
        Optimizers.checkEpsilon("adam", epsilon);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.amsgrad = amsgrad;
    }

    /** Keras' defaults: {@code Adam(learning_rate=0.001)}. */
    public Adam() {
        this(new ConstantLearningRate(0.001), 0.9, 0.999, 1e-7, false);
    }

    /**
     * In float32 and in Keras' operation order ({@code m += (g - m) * (1 - beta_1)}, ...), as TensorFlow runs it;
     * the common case has no branch, so that C2 vectorizes it.
     */
    @Override
    void update(float[] w, float[] g, float[][] slots, double lr, long t, int from, int to) {
        float[] m = slots[0];
        float[] v = slots[1];
        float alpha = (float) (lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t)));
        float c1 = (float) (1 - beta1);
        float c2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        if (!amsgrad) {
            for (int i = from; i < to; i++) {
                float gi = g[i];
                float mi = m[i] + (gi - m[i]) * c1;
                float vi = v[i] + (gi * gi - v[i]) * c2;
                m[i] = mi;
                v[i] = vi;
                w[i] -= mi * alpha / ((float) Math.sqrt(vi) + eps);
            }
            return;
        }
        float[] vhat = slots[2];
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = m[i] + (gi - m[i]) * c1;
            float vi = v[i] + (gi * gi - v[i]) * c2;
            m[i] = mi;
            v[i] = vi;
            float vh = Math.max(vhat[i], vi);
            vhat[i] = vh;
            w[i] -= mi * alpha / ((float) Math.sqrt(vh) + eps);
        }
    }

    @Override
    String deviceSource() {
        return "__kernel void adam(__global float* w, __global const float* g, __global float* m, __global float* v,"
                + (amsgrad ? " __global float* vh," : "")
                + " const float alpha, const float c1, const float c2, const float eps, const int size) {\n"
                + "  const int i = get_global_id(0);\n  if (i >= size) return;\n"
                + "  const float gi = g[i];\n"
                + "  const float mi = m[i] + (gi - m[i]) * c1;\n"
                + "  const float vi = v[i] + (gi * gi - v[i]) * c2;\n"
                + "  m[i] = mi;\n  v[i] = vi;\n"
                + (amsgrad ? "  const float vx = fmax(vh[i], vi);\n  vh[i] = vx;\n" : "  const float vx = vi;\n")
                + "  w[i] -= mi * alpha / (sqrt(vx) + eps);\n}\n";
    }

    @Override
    DeviceStep deviceStep(double lr, long t) {
        return new DeviceStep("adam", new float[] {(float) (lr * Math.sqrt(1 - Math.pow(beta2, t))
                / (1 - Math.pow(beta1, t))), (float) (1 - beta1), (float) (1 - beta2), (float) epsilon});
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public String describe() {
        return "adam(learning_rate=" + schedule().describe() + ", beta_1=" + PyRepr.number(beta1) + ", beta_2="
                + PyRepr.number(beta2) + ", epsilon=" + PyRepr.number(epsilon) + ", amsgrad=" + amsgrad + ")";
    }
}
