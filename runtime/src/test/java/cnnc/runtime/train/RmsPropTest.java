package cnnc.runtime.train;

import static cnnc.runtime.train.TrainFixtures.GRADS;
import static cnnc.runtime.train.TrainFixtures.W0;
import static cnnc.runtime.train.TrainFixtures.assertClose;
import static cnnc.runtime.train.TrainFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RMSprop against Keras 2.12's update rule, its docstring example and NumPy, in all four variants. */
class RmsPropTest {
    private static final double[] LR = KerasReference.constant(0.01, 3);

    @ParameterizedTest(name = "momentum={0}, centered={1}")
    @CsvSource({
        // momentum, centered, last weights from NumPy (float64, same rule)
        "0.0, false, 0.4847179823068272, -1.2479431867870556, 1.9916684816490482",
        "0.5, false, 0.4763866554889591, -1.2390091848494862, 1.965215669064791",
        "0.0, true,  0.4838981901775059, -1.2467766322567746, 1.989915269615413",
        "0.5, true,  0.4747411444737827, -1.236831730790158,  1.9619946120476612",
    })
    void followsTheKerasRule(double momentum, boolean centered, double w0, double w1, double w2) {
        float[][] w = run(new RmsProp(new ConstantLearningRate(0.01), 0.9, momentum, 1e-7, centered));
        assertClose(KerasReference.rmsprop(W0, GRADS, LR, 0.9, momentum, 1e-7, centered), w);
        assertClose(new double[] {w0, w1, w2}, w[2]);
    }

    @Test
    void kerasDocstringExample() {
        // tf.keras.optimizers.RMSprop docstring: learning_rate=0.1, var1 = 10.0, loss = var1^2 / 2 (grad = var1),
        // one step -> 9.683772
        // (by hand: velocity = 0.1 * 100 = 10; 10 - 0.1 * 10 / sqrt(10 + 1e-7) = 9.683772235564302)
        RmsProp rms = new RmsProp(new ConstantLearningRate(0.1), 0.9, 0.0, 1e-7, false);
        Map<String, float[]> weights = new LinkedHashMap<>(Map.of("var1", new float[] {10f}));
        rms.step(weights, Map.of("var1", new float[] {10f}));
        assertEquals(9.683772f, weights.get("var1")[0], 1e-6);
    }

    @Test
    void kerasDefaultsAndSlots() {
        assertEquals("rmsprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=false)",
                new RmsProp().describe());
        RmsProp all = new RmsProp(new ConstantLearningRate(0.01), 0.9, 0.5, 1e-7, true);
        run(all);
        assertEquals(List.of("iterations", "dense.kernel/velocity", "dense.kernel/momentum",
                "dense.kernel/average_gradient"), List.copyOf(all.state().keySet()));
    }
}
