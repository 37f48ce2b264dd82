package cnnc.runtime.train;

import static cnnc.runtime.train.TrainFixtures.GRADS;
import static cnnc.runtime.train.TrainFixtures.W0;
import static cnnc.runtime.train.TrainFixtures.assertClose;
import static cnnc.runtime.train.TrainFixtures.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SGD against Keras 2.12's update rule, its docstring examples and hand-computed numbers. */
class SgdTest {
    private static final double[] LR = KerasReference.constant(0.1, 3);

    @Test
    void plainFollowsTheKerasRule() {
        float[][] w = run(new Sgd(new ConstantLearningRate(0.1), 0.0, false));
        assertClose(KerasReference.sgd(W0, GRADS, LR, 0.0, false), w);
        // By hand: w - 0.1 * (g1 + g2 + g3) = [0.5 - 0.1 * -0.1, -1.25 - 0.1 * 0.3, 2.0 - 0.1 * -0.25]
        assertClose(new double[] {0.51, -1.28, 2.025}, w[2]);
    }

    @Test
    void momentumFollowsTheKerasRule() {
        float[][] w = run(new Sgd(new ConstantLearningRate(0.1), 0.9, false));
        assertClose(KerasReference.sgd(W0, GRADS, LR, 0.9, false), w);
        // NumPy, float64: the velocity form v = 0.9 v - 0.1 g; w += v
        assertClose(new double[] {0.5289, -1.2908, 1.9692}, w[2]);
    }

    @Test
    void nesterovFollowsTheKerasRule() {
        float[][] w = run(new Sgd(new ConstantLearningRate(0.1), 0.9, true));
        assertClose(KerasReference.sgd(W0, GRADS, LR, 0.9, true), w);
        // NumPy, float64: v = 0.9 v - 0.1 g; w += 0.9 v - 0.1 g
        assertClose(new double[] {0.53601, -1.31672, 1.99728}, w[2]);
    }

    @Test
    void kerasDocstringExamples() {
        // tf.keras.optimizers.SGD docstring: var = 1.0, loss = var^2 / 2 (so grad = var), one step of lr 0.1 -> 0.9
        Map<String, float[]> weights = new LinkedHashMap<>(Map.of("v", new float[] {1.0f}));
        Sgd plain = new Sgd(new ConstantLearningRate(0.1), 0, false);
        plain.step(weights, Map.of("v", weights.get("v").clone()));
        assertEquals(0.9f, weights.get("v")[0], 1e-7);

        // With momentum 0.9: the first step moves 0.1, the second 0.18
        weights.put("v", new float[] {1.0f});
        Sgd momentum = new Sgd(new ConstantLearningRate(0.1), 0.9, false);
        float val0 = weights.get("v")[0];
        momentum.step(weights, Map.of("v", weights.get("v").clone()));
        float val1 = weights.get("v")[0];
        momentum.step(weights, Map.of("v", weights.get("v").clone()));
        float val2 = weights.get("v")[0];
        assertEquals(0.1, val0 - val1, 1e-6);
        assertEquals(0.18, val1 - val2, 1e-6);
    }

    @Test
    void kerasDefaults() {
        assertEquals("sgd(learning_rate=0.01, momentum=0.0, nesterov=false)", new Sgd().describe());
        assertEquals(new Sgd().describe(), Optimizers.parse("sgd").describe());
    }

    @Test
    void frozenWeightsAreLeftAlone() {
        Map<String, float[]> weights = new LinkedHashMap<>();
        weights.put("conv2d.kernel", new float[] {1, 2});
        weights.put("conv2d.bias", new float[] {3});
        Sgd sgd = new Sgd(new ConstantLearningRate(0.5), 0.9, false);
        sgd.step(weights, Map.of("conv2d.kernel", new float[] {1, 1}));
        assertArrayEquals(new float[] {0.5f, 1.5f}, weights.get("conv2d.kernel"));
        assertArrayEquals(new float[] {3}, weights.get("conv2d.bias"));
        assertEquals(java.util.Set.of("iterations", "conv2d.kernel/m"), sgd.state().keySet());
    }

    @Test
    void badGradientsChangeNothing() {
        Map<String, float[]> weights = new LinkedHashMap<>();
        weights.put("dense.kernel", new float[] {1, 2});
        weights.put("dense.bias", new float[] {3});
        Sgd sgd = new Sgd();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.step(weights,
                new LinkedHashMap<>(Map.of("dense.bias", new float[] {1}, "dense.kernal", new float[] {1, 1}))));
        assertEquals("there is a gradient for `dense.kernal` but no weight of that name; did you mean "
                + "`dense.kernel`?", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sgd.step(weights,
                Map.of("dense.kernel", new float[] {1, 1, 1})));
        assertEquals("the gradient for `dense.kernel` has 3 values but the weight has 2", e.getMessage());
        assertArrayEquals(new float[] {3}, weights.get("dense.bias"));
        assertEquals(0, sgd.iterations());
    }

    @Test
    void readsTheScheduleBeforeCountingTheStep() {
        // cosine over 2 steps from 0.1: steps use 0.1 (iteration 0), 0.05 (1), then 0 (2 and after)
        Sgd sgd = new Sgd(new CosineDecay(0.1, 2, 0.0), 0, false);
        assertEquals(0.1, sgd.learningRate(), 1e-15);
        float[][] w = run(sgd);
        double[] lrs = {0.1, 0.05, 0.0};
        assertClose(KerasReference.sgd(W0, GRADS, lrs, 0.0, false), w);
        assertEquals(3, sgd.iterations());
    }

    @Test
    void stepScheduleFollowsTheEpoch() {
        Sgd sgd = new Sgd(new StepDecay(0.1, 2, 0.5), 0, false);
        assertEquals(0.1, sgd.learningRate());
        sgd.startEpoch(1);
        assertEquals(0.1, sgd.learningRate());
        sgd.startEpoch(2);
        assertEquals(0.05, sgd.learningRate());
        sgd.startEpoch(5);
        assertEquals(0.025, sgd.learningRate());
    }
}
