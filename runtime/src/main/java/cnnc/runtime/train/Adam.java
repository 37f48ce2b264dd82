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

    @Override
    void update(float[] w, float[] g, float[][] slots, double lr, long t) {
        float[] m = slots[0];
        float[] v = slots[1];
        float[] vhat = amsgrad ? slots[2] : null;
        double alpha = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        if (vhat == null) {
            // The common case, without the branch, so that C2 can vectorize it.
            double b1 = beta1;
            double b2 = beta2;
            double eps = epsilon;
            for (int i = 0; i < w.length; i++) {
                double gi = g[i];
                double mi = b1 * m[i] + (1 - b1) * gi;
                double vi = b2 * v[i] + (1 - b2) * gi * gi;
                m[i] = (float) mi;
                v[i] = (float) vi;
                w[i] = (float) (w[i] - alpha * mi / (Math.sqrt(vi) + eps));
            }
            return;
        }
        for (int i = 0; i < w.length; i++) {
            double gi = g[i];
            double mi = beta1 * m[i] + (1 - beta1) * gi;
            double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = (float) mi;
            v[i] = (float) vi;
            if (vhat != null) {
                vi = Math.max(vhat[i], vi);
                vhat[i] = (float) vi;
            }
            w[i] = (float) (w[i] - alpha * mi / (Math.sqrt(vi) + epsilon));
        }
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
