package cnnc.runtime.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.Compiler;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The generated class's three ways of spreading work — examples split across workers, examples run in
 * micro-batches, and, for a single large example, the rows of a heavy group split across workers — must not change
 * a single bit of the result: every thread count gives the outputs of one thread, which match the interpreter. The
 * models here are sized so that each path is taken (checked against the generated source), which the small random
 * models of {@link JavaBackendProperties} do not reach. Also: concurrent callers of one instance each get their own
 * results, and {@code predict} is {@code run} on one example.
 */
class JavaBackendThreadingTest {
    /** The first group has 32·32·16·9·16 ≈ 2.4M MACs an example: above the row-splitting threshold. */
    private static final String WIDE = """
            model Wide {
              input [32, 32, 16]
              Conv2D(16, 3, padding=same, activation=relu)
              MaxPooling2D(2)
              Conv2D(8, 3, strides=2, padding=same)
              BatchNormalization()
              GlobalAveragePooling2D()
              Dense(5, activation=softmax)
            }
            """;

    @Test
    void rowSplittingGivesTheSameBitsAsOneThread() throws Throwable {
        Graph g = Compiler.compileText("wide.cnn", WIDE);
        Map<String, Tensor> weights = Numerics.weights(g, 7);
        for (int lanes : new int[] {0, 8}) {
            List<GeneratedInstances.Instance> models = GeneratedInstances.compile(g, weights, lanes, 1, 2, 3);
            assertTrue(models.get(0).model().model().source().contains("if (split)"),
                    "the first group should split its rows across workers");
            assertEquals(lanes > 0, models.get(0).model().model().source().contains("FloatVector"),
                    "Vector API kernels with " + lanes + " lanes");
            for (int batch : new int[] {1, 2}) {
                Map<String, Tensor> inputs = Numerics.inputs(g, batch, batch);
                assertAllThreadCountsAgree(models, inputs);
                assertMatchesInterpreter(g, weights, inputs, models.get(2).model().run(inputs));
            }
        }
    }

    /**
     * Bit for bit with arithmetic activations only: the Vector API's lanewise tanh and sigmoid (SVML) may differ by an
     * ulp between the JDK's Java fallback and its intrinsic, that is between JIT tiers (spec/backend.md §8).
     */
    @Test
    void microBatchesGiveTheSameBitsAsOneThread() throws Throwable {
        String text = """
                model Heavy {
                  input x: [24, 24, 8]
                  c = Conv2D(32, 3, padding=same, activation=relu)(x)
                  d = Conv2D(8, 1)(c)
                  e = Conv2D(8, 1, activation=relu6)(c)
                  Add()(d, e)
                }
                """;
        Graph g = Compiler.compileText("heavy.cnn", text);
        Map<String, Tensor> weights = Numerics.weights(g, 11);
        List<GeneratedInstances.Instance> models = GeneratedInstances.compile(g, weights, 8, 1, 2, 3);
        int micro = micro(models.get(0).model().model().source());
        assertTrue(micro <= 3, "a micro-batch should hold few examples of this model, holds " + micro);
        Map<String, Tensor> inputs = Numerics.inputs(g, 9, 3);
        assertAllThreadCountsAgree(models, inputs);
        assertMatchesInterpreter(g, weights, inputs, models.get(0).model().run(inputs));
        // A smaller batch after a larger one reuses the workspaces; a larger one after that grows them.
        for (int batch : new int[] {2, 11}) {
            Map<String, Tensor> more = Numerics.inputs(g, batch, batch);
            assertAllThreadCountsAgree(models, more);
            assertMatchesInterpreter(g, weights, more, models.get(1).model().run(more));
        }
    }

    @Test
    void concurrentCallersOfOneInstanceGetTheirOwnResults() throws Exception {
        Graph g = Compiler.compileText("wide.cnn", WIDE.replace("[32, 32, 16]", "[12, 12, 16]"));
        Map<String, Tensor> weights = Numerics.weights(g, 5);
        CompiledModel shared = GeneratedInstances.compile(g, weights, 0, 2).get(0).model();
        List<Map<String, Tensor>> inputs = new ArrayList<>();
        List<Map<String, Tensor>> expected = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inputs.add(Numerics.inputs(g, 1 + i % 4, 100 + i));
            expected.add(shared.run(inputs.get(i)));
        }
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int k = i;
                results.add(callers.submit(() -> {
                    for (int r = 0; r < 20; r++) {
                        String diff = Numerics.identical(shared.run(inputs.get(k)), expected.get(k));
                        if (diff != null) {
                            return "caller " + k + ", call " + r + ": " + diff;
                        }
                    }
                    return null;
                }));
            }
            for (Future<String> f : results) {
                assertNull(f.get());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void predictIsRunOnEachExample() throws Throwable {
        Graph g = Compiler.compileText("wide.cnn", WIDE.replace("[32, 32, 16]", "[9, 7, 3]"));
        Map<String, Tensor> weights = Numerics.weights(g, 3);
        for (GeneratedInstances.Instance m : GeneratedInstances.compile(g, weights, 0, 1, 3)) {
            Map<String, Tensor> inputs = Numerics.inputs(g, 4, 9);
            assertPredictIsRun(m, inputs.get("input"), m.model().run(inputs).get("dense"));
        }
    }

    /** {@code predict(float[])} on each example, and {@code predict(float[][])} on all, equal {@code run}, bitwise. */
    static void assertPredictIsRun(GeneratedInstances.Instance m, Tensor input, Tensor output) throws Throwable {
        int batch = (int) input.dim(0);
        int in = input.size() / batch;
        int out = output.size() / batch;
        float[][] examples = new float[batch][];
        for (int b = 0; b < batch; b++) {
            examples[b] = Arrays.copyOfRange(input.data(), b * in, (b + 1) * in);
            float[] one = (float[]) m.call("predict", new Class<?>[] {float[].class}, (Object) examples[b]);
            assertArrayEquals(Arrays.copyOfRange(output.data(), b * out, (b + 1) * out), one,
                    "predict(example " + b + ") with " + m.threads() + " thread(s)");
        }
        float[][] all = (float[][]) m.call("predict", new Class<?>[] {float[][].class}, (Object) examples);
        assertEquals(batch, all.length);
        for (int b = 0; b < batch; b++) {
            assertArrayEquals(Arrays.copyOfRange(output.data(), b * out, (b + 1) * out), all[b],
                    "predict(examples)[" + b + "] with " + m.threads() + " thread(s)");
        }
    }

    /** Every instance gives the first one's outputs bit for bit, and so does a second call of each. */
    static void assertAllThreadCountsAgree(List<GeneratedInstances.Instance> models, Map<String, Tensor> inputs) {
        Map<String, Tensor> first = models.get(0).model().run(inputs);
        for (GeneratedInstances.Instance m : models) {
            for (int call = 1; call <= 2; call++) {
                String diff = Numerics.identical(m.model().run(inputs), first);
                assertNull(diff, () -> m.threads() + " thread(s) differ from " + models.get(0).threads() + ": " + diff);
            }
        }
    }

    private static void assertMatchesInterpreter(Graph g, Map<String, Tensor> weights, Map<String, Tensor> inputs,
            Map<String, Tensor> actual) {
        Map<String, Tensor> expected = Interpreter.run(g, weights, inputs);
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            assertNull(Numerics.compare(actual.get(e.getKey()), e.getValue()), e.getKey());
        }
    }

    private static int micro(String source) {
        Matcher m = Pattern.compile("int MICRO = (\\d+);").matcher(source);
        assertTrue(m.find(), "the generated class declares MICRO");
        return Integer.parseInt(m.group(1));
    }
}
