package cnnc.runtime.train;

/**
 * The update rules of Keras 2.12's optimizers written out again, plainly, all in double and apart from the code under
 * test: each method returns the weights after every step ({@code result[k]} after step k + 1). Written from the
 * {@code update_step} methods of keras/optimizers/{sgd,adam,rmsprop}.py, not from the classes they check.
 */
final class KerasReference {
    private KerasReference() {
    }

    static double[][] sgd(double[] w0, double[][] grads, double[] lrs, double momentum, boolean nesterov) {
        int n = w0.length;
        double[] w = w0.clone();
        double[] m = new double[n];
        double[][] out = new double[grads.length][];
        for (int k = 0; k < grads.length; k++) {
            double lr = lrs[k];
            for (int i = 0; i < n; i++) {
                double g = grads[k][i];
                // Keras: m.assign(-gradient * lr + m * momentum); variable.assign_add(...)
                m[i] = -g * lr + m[i] * momentum;
                if (nesterov) {
                    w[i] += -g * lr + m[i] * momentum;
                } else {
                    w[i] += m[i];
                }
            }
            out[k] = w.clone();
        }
        return out;
    }

    static double[][] adam(double[] w0, double[][] grads, double[] lrs, double beta1, double beta2, double epsilon,
                           boolean amsgrad) {
        int n = w0.length;
        double[] w = w0.clone();
        double[] m = new double[n];
        double[] v = new double[n];
        double[] vhat = new double[n];
        double[][] out = new double[grads.length][];
        for (int k = 0; k < grads.length; k++) {
            double localStep = k + 1;
            double alpha = lrs[k] * Math.sqrt(1 - Math.pow(beta2, localStep)) / (1 - Math.pow(beta1, localStep));
            for (int i = 0; i < n; i++) {
                double g = grads[k][i];
                // Keras: m.assign_add((gradient - m) * (1 - beta_1)), the same as beta_1 m + (1 - beta_1) g
                m[i] += (g - m[i]) * (1 - beta1);
                v[i] += (g * g - v[i]) * (1 - beta2);
                double denominatorV = v[i];
                if (amsgrad) {
                    vhat[i] = Math.max(vhat[i], v[i]);
                    denominatorV = vhat[i];
                }
                w[i] -= (m[i] * alpha) / (Math.sqrt(denominatorV) + epsilon);
            }
            out[k] = w.clone();
        }
        return out;
    }

    static double[][] rmsprop(double[] w0, double[][] grads, double[] lrs, double rho, double momentum,
                              double epsilon, boolean centered) {
        int n = w0.length;
        double[] w = w0.clone();
        double[] velocity = new double[n];
        double[] mom = new double[n];
        double[] average = new double[n];
        double[][] out = new double[grads.length][];
        for (int k = 0; k < grads.length; k++) {
            for (int i = 0; i < n; i++) {
                double g = grads[k][i];
                velocity[i] = rho * velocity[i] + (1 - rho) * g * g;
                double denominator;
                if (centered) {
                    average[i] = rho * average[i] + (1 - rho) * g;
                    denominator = velocity[i] - average[i] * average[i] + epsilon;
                } else {
                    denominator = velocity[i] + epsilon;
                }
                // Keras: increment = lr * gradient * tf.math.rsqrt(denominator)
                double increment = lrs[k] * g * (1 / Math.sqrt(denominator));
                if (momentum > 0) {
                    mom[i] = momentum * mom[i] + increment;
                    w[i] -= mom[i];
                } else {
                    w[i] -= increment;
                }
            }
            out[k] = w.clone();
        }
        return out;
    }

    static double[] constant(double lr, int steps) {
        double[] lrs = new double[steps];
        java.util.Arrays.fill(lrs, lr);
        return lrs;
    }
}
