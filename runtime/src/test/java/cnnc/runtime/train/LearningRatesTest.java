package cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Schedules: constant, step by epoch, Keras' CosineDecay by step; their specs and limits. */
class LearningRatesTest {
    @Test
    void constantIgnoresStepAndEpoch() {
        LearningRate lr = LearningRates.parse("constant", 0.01);
        assertEquals(0.01, lr.at(0, 0));
        assertEquals(0.01, lr.at(1_000_000, 99));
        assertEquals("0.01", lr.describe());
        assertEquals(0.5, LearningRates.parse("constant(0.5)", 0.01).at(3, 3));
    }

    @ParameterizedTest(name = "epoch {0}")
    @CsvSource({"0, 0.1", "1, 0.1", "2, 0.05", "3, 0.05", "4, 0.025", "7, 0.0125"})
    void stepHalvesEveryTwoEpochs(int epoch, double expected) {
        // By hand: 0.1 * 0.5^floor(epoch / 2)
        LearningRate lr = LearningRates.parse("step(every=2, factor=0.5)", 0.1);
        assertEquals(expected, lr.at(12345, epoch), 1e-15);
        assertEquals(lr.at(0, epoch), lr.at(999, epoch), "the step count does not enter");
    }

    @ParameterizedTest(name = "step {0}")
    @CsvSource({
        // step, alpha 0, alpha 0.1: lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, 1000) / 1000)) + alpha),
        // float64 values from Python's math module
        "0,    0.1,                  0.1",
        "250,  0.08535533905932738,  0.08681980515339464",
        "500,  0.05,                 0.05500000000000001",
        "750,  0.014644660940672627, 0.023180194846605367",
        "1000, 0.0,                  0.010000000000000002",
        "5000, 0.0,                  0.010000000000000002",
    })
    void cosineFollowsKerasCosineDecay(long step, double alpha0, double alpha01) {
        assertEquals(alpha0, LearningRates.parse("cosine(decay_steps=1000)", 0.1).at(step, 0), 1e-15);
        assertEquals(alpha01, LearningRates.parse("cosine(decay_steps=1000, alpha=0.1)", 0.1).at(step, 7), 1e-15);
    }

    @Test
    void cosineByHand() {
        LearningRate lr = new CosineDecay(2.0, 4, 0.0);
        // cos(pi / 4) = sqrt(2) / 2, so step 1 gives 2 * 0.5 * (1 + sqrt(2) / 2) = 1 + sqrt(2) / 2
        assertEquals(1 + Math.sqrt(2) / 2, lr.at(1, 0), 1e-15);
        assertEquals(1.0, lr.at(2, 0), 1e-15);
        assertEquals(0.0, lr.at(4, 0), 1e-15);
    }

    @Test
    void specsAndDescriptions() {
        assertEquals("cosine(initial_learning_rate=0.001, decay_steps=1000, alpha=0.0)",
                LearningRates.parse("cosine(decay_steps=1000, alpha=0.0)", 0.001).describe());
        assertEquals("cosine(initial_learning_rate=0.5, decay_steps=10, alpha=0.25)",
                LearningRates.parse("CosineDecay(0.5, 10, 0.25)", 0.001).describe());
        assertEquals("step(initial_learning_rate=0.1, every=2, factor=0.5)",
                LearningRates.parse("step(every=2, factor=0.5)", 0.1).describe());
        assertEquals("step(initial_learning_rate=0.3, every=1, factor=0.1)",
                LearningRates.parse("step(lr=0.3, every=1, factor=0.1)", 0.1).describe());
        LearningRate lr = LearningRates.parse("cosine(learning_rate=0.2, decay_steps=7, alpha=0.5)", 0.1);
        assertEquals(lr, LearningRates.parse(lr.describe(), 99));
    }

    @Test
    void constructorsCheckTheirArguments() {
        assertEquals("a learning rate must be a number > 0, not 0.0",
                assertThrows(IllegalArgumentException.class, () -> new ConstantLearningRate(0)).getMessage());
        assertEquals("a learning rate must be a number > 0, not nan",
                assertThrows(IllegalArgumentException.class, () -> new ConstantLearningRate(Double.NaN)).getMessage());
        assertEquals("step: `every` must be at least 1 epoch, not 0",
                assertThrows(IllegalArgumentException.class, () -> new StepDecay(0.1, 0, 0.5)).getMessage());
        assertEquals("step: `factor` must be in (0, 1], not 0.0",
                assertThrows(IllegalArgumentException.class, () -> new StepDecay(0.1, 1, 0)).getMessage());
        assertEquals("cosine: `decay_steps` must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> new CosineDecay(0.1, 0, 0)).getMessage());
        assertEquals("cosine: `alpha` must be in [0, 1], not -0.5",
                assertThrows(IllegalArgumentException.class, () -> new CosineDecay(0.1, 10, -0.5)).getMessage());
    }

    @Test
    void pythonStyleNumbers() {
        assertEquals("1e-07", PyRepr.number(1e-7));
        assertEquals("0.0001", PyRepr.number(1e-4));
        assertEquals("1e-05", PyRepr.number(1e-5));
        assertEquals("0.001", PyRepr.number(0.001));
        assertEquals("1.0", PyRepr.number(1));
        assertEquals("1e+16", PyRepr.number(1e16));
        assertEquals("123456.0", PyRepr.number(123456));
        assertEquals("-2.5e-08", PyRepr.number(-2.5e-8));
        assertEquals("0.1", PyRepr.number(0.1));
    }
}
