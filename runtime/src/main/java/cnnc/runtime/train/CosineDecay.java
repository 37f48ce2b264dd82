package cnnc.runtime.train;

/**
 * Keras' {@code CosineDecay} (without warm-up), after Loshchilov and Hutter 2017, "SGDR: Stochastic Gradient Descent
 * with Warm Restarts", with no restart:
 *
 * <pre>
 *   step    = min(iteration, decay_steps)
 *   decayed = (1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha
 *   rate    = initial * decayed
 * </pre>
 *
 * so the rate falls from {@code initial} to {@code alpha * initial} over {@code decay_steps} optimizer steps and stays
 * there. Computed in double (Keras computes in the dtype of the initial rate, float32).
 *
 * @param initial    the rate at step 0
 * @param decaySteps steps to decay over, at least 1
 * @param alpha      the final rate as a fraction of {@code initial}, in [0, 1]
 */
public record CosineDecay(double initial, long decaySteps, double alpha) implements LearningRate {
    public CosineDecay {
        LearningRates.checkRate(initial);
        if (decaySteps < 1) {
            throw new IllegalArgumentException("cosine: `decay_steps` must be at least 1, not " + decaySteps);
        }
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new IllegalArgumentException("cosine: `alpha` must be in [0, 1], not " + PyRepr.number(alpha));
        }
    }

    @Override
    public double at(long iteration, int epoch) {
        double step = Math.min(Math.max(iteration, 0), decaySteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * step / decaySteps));
        return initial * ((1 - alpha) * cosine + alpha);
    }

    @Override
    public String describe() {
        return "cosine(initial_learning_rate=" + PyRepr.number(initial) + ", decay_steps=" + decaySteps + ", alpha="
                + PyRepr.number(alpha) + ")";
    }
}
