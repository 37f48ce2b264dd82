package cnnc.cli;

import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.readSafetensors;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.cli.BackendFixtures.Result;
import cnnc.cli.TrainFixtures.Data;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Grad;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One training step of {@code cnnc train} is exactly the optimizer's formula applied to the gradient of the mean loss,
 * with the gradient computed independently by the reference interpreter on the autodiff pass's training graph.
 */
class TrainStepTest {
    /** Conv, pooling and two dense layers: every weight has a gradient. */
    static final String NET = """
            model StepNet {
              input [8, 8, 1]
              Conv2D(3, 3, padding=same, activation=relu)
              MaxPooling2D(2)
              Flatten()
              Dense(6, activation=tanh)
              Dense(4, activation=softmax)
            }
            """;

    /** With batch normalization in training mode (batch moments; moving statistics updated after the step). */
    static final String BN_NET = """
            model StepBn {
              input [8, 8, 1]
              Conv2D(3, 3, padding=same, use_bias=false)
              BatchNormalization(momentum=0.9)
              ReLU()
              GlobalAveragePooling2D()
              Dense(4, activation=softmax)
            }
            """;

    @TempDir
    Path dir;

    /** The training graph's outputs for the first {@code n} examples of {@code data}, from {@code from}. */
    private static Map<String, Tensor> reference(Graph g, Map<String, Tensor> weights, Data data, int from, int n) {
        Graph train = new Grad(null).run(g, new Diagnostics());
        assertNotNull(train, "the autodiff pass failed");
        long[] shape = data.x().shape().clone();
        int length = (int) (shape[1] * shape[2] * shape[3]);
        shape[0] = n;
        Tensor x = new Tensor(shape, Arrays.copyOfRange(data.x().data(), from * length, (from + n) * length));
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = data.label(from + i);
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("input", x);
        inputs.put("target", new Tensor(new long[] {n}, labels));
        return Interpreter.run(train, weights, inputs);
    }

    /** {@code |actual - expected| <= tol * max(|expected|, 0.1)}, element by element (relative, floored near 0). */
    private static void assertRelative(double[] expected, float[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double allowed = tol * Math.max(Math.abs(expected[i]), 0.1);
            if (!(Math.abs(actual[i] - expected[i]) <= allowed)) {
                fail(what + "[" + i + "] is " + actual[i] + ", expected " + expected[i] + " (tolerance " + allowed
                        + ")");
            }
        }
    }

    private static double[] sgd(float[] w, float[] g, double lr) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] - lr * g[i];
        }
        return out;
    }

    private static boolean anyNonZero(float[] a) {
        for (float v : a) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }

    @Test
    void oneSgdStepIsWeightMinusLearningRateTimesTheMeanLossGradient() {
        Path m = writeText(dir, "step.cnn", NET);
        Graph g = graph(NET);
        Map<String, Tensor> w0 = randomWeights(g, 31);
        Path init = safetensors(dir.resolve("init.safetensors"), w0);
        Data data = TrainFixtures.quadrants(dir, 40, 32);
        int n = 12;
        Path out = dir.resolve("out.safetensors");
        Result r = cnnc("train", m, "--data", data.spec(), "--weights", init, "--no-shuffle", "--steps", 1,
                "--batch-size", n, "--optimizer", "sgd(learning_rate=0.1)", "--save", out);
        assertEquals(0, r.code(), r::toString);

        Map<String, Tensor> ref = reference(g, w0, data, 0, n);
        Map<String, Tensor> saved = readSafetensors(out);
        assertEquals(w0.keySet(), saved.keySet(), "the saved weights' names");
        for (String k : w0.keySet()) {
            Tensor grad = ref.get("grad/" + k);
            assertNotNull(grad, "no gradient for " + k + " among " + ref.keySet());
            assertTrue(anyNonZero(grad.data()), "the gradient of " + k + " is all zeros: the check would be vacuous");
            assertRelative(sgd(w0.get(k).data(), grad.data(), 0.1), saved.get(k).data(), 1e-5, k);
        }
    }

    @Test
    void twoSgdMomentumStepsFollowKerasFormula() {
        Path m = writeText(dir, "step.cnn", NET);
        Graph g = graph(NET);
        Map<String, Tensor> w0 = randomWeights(g, 41);
        Path init = safetensors(dir.resolve("init.safetensors"), w0);
        Data data = TrainFixtures.quadrants(dir, 20, 42);
        int n = 8;
        double lr = 0.05;
        double momentum = 0.9;
        Path out = dir.resolve("out.safetensors");
        Result r = cnnc("train", m, "--data", data.spec(), "--weights", init, "--no-shuffle", "--steps", 2,
                "--batch-size", n, "--optimizer", "sgd(learning_rate=0.05, momentum=0.9)", "--save", out);
        assertEquals(0, r.code(), r::toString);

        // Step 1 (v = 0): v1 = -lr g1, w1 = w0 + v1. Step 2 on the next batch: v2 = momentum v1 - lr g2, w2 = w1 + v2.
        Map<String, Tensor> g1 = reference(g, w0, data, 0, n);
        Map<String, Tensor> w1 = new LinkedHashMap<>();
        Map<String, float[]> v1 = new LinkedHashMap<>();
        for (String k : w0.keySet()) {
            float[] grad = g1.get("grad/" + k).data();
            float[] w = w0.get(k).data();
            float[] next = new float[w.length];
            float[] v = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                v[i] = (float) (-lr * grad[i]);
                next[i] = (float) (w[i] + v[i]);
            }
            w1.put(k, new Tensor(w0.get(k).shape(), next));
            v1.put(k, v);
        }
        Map<String, Tensor> g2 = reference(g, w1, data, n, n);
        Map<String, Tensor> saved = readSafetensors(out);
        for (String k : w0.keySet()) {
            float[] grad = g2.get("grad/" + k).data();
            float[] w = w1.get(k).data();
            double[] expected = new double[w.length];
            for (int i = 0; i < w.length; i++) {
                expected[i] = w[i] + (momentum * v1.get(k)[i] - lr * grad[i]);
            }
            assertRelative(expected, saved.get(k).data(), 1e-5, k);
        }
    }

    @Test
    void batchNormStepUpdatesWeightsAndMovingStatistics() {
        Path m = writeText(dir, "bn.cnn", BN_NET);
        Graph g = graph(BN_NET);
        Map<String, Tensor> w0 = randomWeights(g, 51);
        Path init = safetensors(dir.resolve("init.safetensors"), w0);
        Data data = TrainFixtures.quadrants(dir, 16, 52);
        int n = 16;
        Path out = dir.resolve("out.safetensors");
        Result r = cnnc("train", m, "--data", data.spec(), "--weights", init, "--no-shuffle", "--steps", 1,
                "--batch-size", n, "--optimizer", "sgd(learning_rate=0.1)", "--save", out);
        assertEquals(0, r.code(), r::toString);

        Map<String, Tensor> ref = reference(g, w0, data, 0, n);
        Map<String, Tensor> saved = readSafetensors(out);
        assertEquals(w0.keySet(), saved.keySet(), "the saved weights' names");
        String bn = "batch_normalization";
        Tensor moments = ref.get(bn + "/moments");
        assertNotNull(moments, "no batch moments among " + ref.keySet());
        float[] mean0 = w0.get(bn + ".moving_mean").data();
        float[] var0 = w0.get(bn + ".moving_variance").data();
        int c = mean0.length;
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int i = 0; i < c; i++) {
            mean[i] = 0.9 * mean0[i] + 0.1 * moments.data()[i];
            var[i] = 0.9 * var0[i] + 0.1 * moments.data()[c + i];
        }
        assertRelative(mean, saved.get(bn + ".moving_mean").data(), 1e-5, bn + ".moving_mean");
        assertRelative(var, saved.get(bn + ".moving_variance").data(), 1e-5, bn + ".moving_variance");
        for (String k : w0.keySet()) {
            if (k.contains(".moving_")) {
                continue;
            }
            Tensor grad = ref.get("grad/" + k);
            assertNotNull(grad, "no gradient for " + k + " among " + ref.keySet());
            assertRelative(sgd(w0.get(k).data(), grad.data(), 0.1), saved.get(k).data(), 1e-5, k);
        }
    }
}
