package cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;

/** The small problem every optimizer test runs: one weight of three values, three steps of fixed gradients. */
final class TrainFixtures {
    static final double[] W0 = {0.5, -1.25, 2.0};
    static final double[][] GRADS = {{0.1, -0.2, 0.3}, {-0.4, 0.5, 0.05}, {0.2, 0.0, -0.6}};

    private TrainFixtures() {
    }

    /** Runs {@code optimizer} over {@link #GRADS} on {@link #W0} as weight {@code dense.kernel}; weights per step. */
    static float[][] run(Optimizer optimizer) {
        Map<String, float[]> weights = new LinkedHashMap<>();
        weights.put("dense.kernel", floats(W0));
        float[][] out = new float[GRADS.length][];
        for (int k = 0; k < GRADS.length; k++) {
            optimizer.step(weights, Map.of("dense.kernel", floats(GRADS[k])));
            out[k] = weights.get("dense.kernel").clone();
        }
        return out;
    }

    static float[] floats(double... values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /**
     * Asserts that float32 results follow a double reference: each value within a few float32 roundings of it (state
     * is stored in float32, so the error grows a little per step).
     */
    static void assertClose(double[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length);
        for (int k = 0; k < expected.length; k++) {
            for (int i = 0; i < expected[k].length; i++) {
                double tolerance = 1e-6 * Math.max(1, Math.abs(expected[k][i]));
                assertEquals(expected[k][i], actual[k][i], tolerance, "step " + (k + 1) + ", value " + i);
            }
        }
    }

    /** Asserts float32 results against literal numbers (computed in float64 by NumPy). */
    static void assertClose(double[] expected, float[] actual) {
        assertClose(new double[][] {expected}, new float[][] {actual});
    }
}
