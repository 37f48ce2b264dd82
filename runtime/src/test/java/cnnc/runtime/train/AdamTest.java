package cnnc.runtime.train;

import static cnnc.runtime.train.TrainFixtures.GRADS;
import static cnnc.runtime.train.TrainFixtures.W0;
import static cnnc.runtime.train.TrainFixtures.assertClose;
import static cnnc.runtime.train.TrainFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Adam against Keras 2.12's update rule, NumPy and hand-computed numbers, including where epsilon goes. */
class AdamTest {
    @Test
    void followsTheKerasRule() {
        float[][] w = run(new Adam(new ConstantLearningRate(0.1), 0.9, 0.999, 1e-7, false));
        assertClose(KerasReference.adam(W0, GRADS, KerasReference.constant(0.1, 3), 0.9, 0.999, 1e-7, false), w);
        // NumPy, float64, same rule
        assertClose(new double[] {0.4669703727889277, -1.2284060150115015, 1.8513041364885268}, w[2]);
    }

    @Test
    void kerasDefaults() {
        Adam adam = new Adam();
        assertEquals("adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false)",
                adam.describe());
        float[][] w = run(adam);
        assertClose(KerasReference.adam(W0, GRADS, KerasReference.constant(0.001, 3), 0.9, 0.999, 1e-7, false), w);
        // NumPy, float64
        assertClose(new double[] {0.4996697037278893, -1.249784060150115, 1.9985130413648853}, w[2]);
    }

    @Test
    void amsgradKeepsTheLargestSecondMoment() {
        float[][] w = run(new Adam(new ConstantLearningRate(0.1), 0.9, 0.999, 1e-7, true));
        assertClose(KerasReference.adam(W0, GRADS, KerasReference.constant(0.1, 3), 0.9, 0.999, 1e-7, true), w);
        // NumPy, float64: only the second value's v shrinks (its gradient is 0 in step 3), so only it differs
        assertClose(new double[] {0.4669703727889277, -1.2283889192532578, 1.8513041364885268}, w[2]);
        float[][] plain = run(new Adam(new ConstantLearningRate(0.1), 0.9, 0.999, 1e-7, false));
        assertNotEquals(plain[2][1], w[2][1]);
        assertEquals(plain[2][0], w[2][0]);
    }

    @Test
    void firstStepMovesEachWeightByAboutTheLearningRate() {
        // By hand: at t = 1, m = (1 - b1) g, v = (1 - b2) g^2, alpha = lr sqrt(1 - b2) / (1 - b1), so the step is
        // -lr g / (|g| + eps / sqrt(1 - b2)): lr against the sign of g, a little less for tiny gradients.
        Adam adam = new Adam(new ConstantLearningRate(0.01), 0.9, 0.999, 1e-7, false);
        Map<String, float[]> weights = new LinkedHashMap<>(Map.of("w", new float[] {0, 0, 0}));
        float[] g = {3f, -0.002f, 40f};
        adam.step(weights, Map.of("w", g));
        for (int i = 0; i < g.length; i++) {
            double byHand = -0.01 * g[i] / (Math.abs(g[i]) + 1e-7 / Math.sqrt(0.001));
            assertEquals(byHand, weights.get("w")[i], 1e-9);
            assertEquals(-0.01 * Math.signum(g[i]), weights.get("w")[i], 2e-5);
        }
    }

    @Test
    void epsilonIsAddedToTheUncorrectedRootAsInKeras() {
        // w = 0, g = 1, lr = 1, eps = 1, one step. Keras: alpha = sqrt(0.001) / 0.1, m = 0.1, v = 0.001,
        // w = -alpha * m / (sqrt(v) + 1) = -sqrt(0.001) / (sqrt(0.001) + 1) = -0.030653430031715504.
        // PyTorch's Algorithm 1 form would give -mhat / (sqrt(vhat) + 1) = -1 / 2 = -0.5.
        Adam adam = new Adam(new ConstantLearningRate(1.0), 0.9, 0.999, 1.0, false);
        Map<String, float[]> weights = new LinkedHashMap<>(Map.of("w", new float[] {0}));
        adam.step(weights, Map.of("w", new float[] {1}));
        assertEquals(-0.030653430031715504, weights.get("w")[0], 1e-8);
    }

    @Test
    void slotsAreKerasNamed() {
        Adam adam = new Adam(new ConstantLearningRate(0.1), 0.9, 0.999, 1e-7, true);
        run(adam);
        assertEquals(java.util.List.of("iterations", "dense.kernel/m", "dense.kernel/v", "dense.kernel/vhat"),
                java.util.List.copyOf(adam.state().keySet()));
        assertEquals(3f, adam.state().get("iterations").data()[0]);
    }

    @Test
    void largeWeightsUpdatedInSlicesFollowTheRuleAtEveryElement() {
        // 200,003 elements: several slices of 2^15 on the worker threads and a short last one.
        int n = 200_003;
        float[] w = new float[n];
        float[] g = new float[n];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            w[i] = (float) random.nextGaussian();
            g[i] = (float) random.nextGaussian();
        }
        float[] w0 = w.clone();
        Adam adam = new Adam(new ConstantLearningRate(0.01), 0.9, 0.999, 1e-7, false);
        Map<String, float[]> weights = new LinkedHashMap<>(Map.of("w", w));
        adam.step(weights, Map.of("w", g));
        adam.step(weights, Map.of("w", g));
        double alpha = 0.01 * Math.sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
        for (int i = 0; i < n; i++) {
            double m1 = 0.1 * g[i];
            double v1 = 0.001 * g[i] * g[i];
            double w1 = w0[i] - 0.01 * Math.sqrt(0.001) / 0.1 * m1 / (Math.sqrt(v1) + 1e-7);
            double m2 = 0.9 * m1 + 0.1 * g[i];
            double v2 = 0.999 * v1 + 0.001 * g[i] * g[i];
            double w2 = w1 - alpha * m2 / (Math.sqrt(v2) + 1e-7);
            if (Math.abs(w2 - w[i]) > 1e-6 * Math.max(1, Math.abs(w2))) {
                assertEquals(w2, w[i], 1e-6, "element " + i);
            }
        }
    }
}
