package cnnc.cli;

import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static cnnc.cli.TrainFixtures.CLASSES;
import static cnnc.cli.TrainFixtures.QUAD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.cli.TrainFixtures.Data;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnnc evaluate}: the JSON contract (loss, accuracy, confusion matrix with rows of true classes, example
 * count), the same numbers computed independently with the reference interpreter, the text report, and the test
 * split of a data set that has one.
 */
class EvaluateCommandTest {
    @TempDir
    Path dir;

    /** What the reference interpreter says evaluate should report. */
    private record Expected(double loss, double accuracy, long[][] confusion) {}

    private static Expected expected(Graph g, Map<String, Tensor> w, Data data) {
        Tensor p = Interpreter.run(g, w, Map.of("input", data.x())).get(g.outputs().get(0));
        int n = (int) data.x().shape()[0];
        int k = (int) p.shape()[1];
        long[][] confusion = new long[k][k];
        double loss = 0;
        long correct = 0;
        for (int i = 0; i < n; i++) {
            int label = data.label(i);
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (p.data()[i * k + c] > p.data()[i * k + best]) {
                    best = c;
                }
            }
            confusion[label][best]++;
            correct += best == label ? 1 : 0;
            // Keras clips probabilities to [1e-7, 1 - 1e-7]; the softmax rows already sum to 1.
            loss -= Math.log(Math.min(Math.max(p.data()[i * k + label], 1e-7), 1 - 1e-7));
        }
        return new Expected(loss / n, (double) correct / n, confusion);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Result r) {
        assertEquals(0, r.code(), r::toString);
        return (Map<String, Object>) MiniJson.parse(r.out().strip());
    }

    private static long[][] matrix(Object json) {
        List<?> rows = (List<?>) json;
        long[][] out = new long[rows.size()][];
        for (int t = 0; t < out.length; t++) {
            List<?> row = (List<?>) rows.get(t);
            out[t] = row.stream().mapToLong(v -> (Long) v).toArray();
        }
        return out;
    }

    private static void assertMatrix(long[][] expected, long[][] actual) {
        assertEquals(expected.length, actual.length, "rows");
        for (int t = 0; t < expected.length; t++) {
            assertEquals(List.of(box(expected[t])), List.of(box(actual[t])), "row " + t + " (true class " + t + ")");
        }
    }

    private static Long[] box(long[] a) {
        Long[] out = new Long[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    @Test
    void jsonHasTheContractKeysAndTheInterpretersNumbers() {
        Path m = writeText(dir, "quad.cnn", QUAD);
        Graph g = graph(QUAD);
        Map<String, Tensor> w = randomWeights(g, 61);
        Path weights = safetensors(dir.resolve("w.safetensors"), w);
        Data data = TrainFixtures.quadrants(dir, 100, 62);
        Map<String, Object> o = json(cnnc("evaluate", m, "--weights", weights, "--data", data.spec(), "--json"));
        assertEquals(List.of("loss", "accuracy", "confusion_matrix", "examples"), new ArrayList<>(o.keySet()));
        assertEquals(100L, o.get("examples"));
        long[][] confusion = matrix(o.get("confusion_matrix"));
        assertEquals(CLASSES, confusion.length, "K rows");
        long total = 0;
        long diagonal = 0;
        for (int t = 0; t < CLASSES; t++) {
            assertEquals(CLASSES, confusion[t].length, "K columns in row " + t);
            long sum = 0;
            for (long v : confusion[t]) {
                assertTrue(v >= 0);
                sum += v;
            }
            assertEquals(25, sum, "row " + t + " sums to the examples of true class " + t);
            total += sum;
            diagonal += confusion[t][t];
        }
        assertEquals(100, total);
        double accuracy = ((Number) o.get("accuracy")).doubleValue();
        assertEquals(diagonal / 100.0, accuracy, 1e-12, "accuracy is the confusion matrix's trace over the count");

        Expected e = expected(g, w, data);
        assertMatrix(e.confusion(), confusion);
        assertEquals(e.accuracy(), accuracy, 1e-12);
        assertEquals(e.loss(), ((Number) o.get("loss")).doubleValue(), 1e-5 * e.loss());
        // Random weights: neither a perfect nor an empty score, so the comparison says something.
        assertTrue(accuracy > 0 && accuracy < 1, o::toString);
    }

    @Test
    void batchSizeDoesNotChangeTheResult() {
        Path m = writeText(dir, "quad.cnn", QUAD);
        Graph g = graph(QUAD);
        Path weights = safetensors(dir.resolve("w.safetensors"), randomWeights(g, 71));
        Data data = TrainFixtures.quadrants(dir, 50, 72);
        Map<String, Object> whole = json(cnnc("evaluate", m, "--weights", weights, "--data", data.spec(), "--json"));
        Map<String, Object> sevens = json(cnnc("evaluate", m, "--weights", weights, "--data", data.spec(), "--json",
                "--batch-size", 7));
        assertEquals(whole.get("confusion_matrix"), sevens.get("confusion_matrix"));
        assertEquals(whole.get("examples"), sevens.get("examples"));
        assertEquals(((Number) whole.get("loss")).doubleValue(), ((Number) sevens.get("loss")).doubleValue(), 1e-6);
    }

    @Test
    void textOutputHasTheConfusionMatrix() {
        Path m = writeText(dir, "quad.cnn", QUAD);
        Graph g = graph(QUAD);
        Map<String, Tensor> w = randomWeights(g, 81);
        Path weights = safetensors(dir.resolve("w.safetensors"), w);
        Data data = TrainFixtures.quadrants(dir, 40, 82);
        Result r = cnnc("evaluate", m, "--weights", weights, "--data", data.spec());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        List<String> lines = List.of(r.out().split("\n"));
        assertTrue(lines.get(0).startsWith("Quad on 40 examples: loss "), r::toString);
        assertTrue(lines.get(0).contains(", accuracy "), r::toString);
        int header = lines.indexOf("confusion matrix (rows: true class, columns: predicted):");
        assertTrue(header >= 0, r::toString);
        assertEquals(header + 1 + CLASSES, lines.size(), () -> "one line per class\n" + r);
        long[][] printed = new long[CLASSES][];
        for (int t = 0; t < CLASSES; t++) {
            String[] cells = lines.get(header + 1 + t).strip().split("\\s+");
            assertEquals(Integer.toString(t), cells[0], "class name of row " + t);
            assertEquals(CLASSES + 1, cells.length, lines.get(header + 1 + t));
            printed[t] = new long[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                printed[t][c] = Long.parseLong(cells[c + 1]);
            }
        }
        assertMatrix(expected(g, w, data).confusion(), printed);
    }

    @Test
    void categoricalLossOnOneHotLabels() {
        Path m = writeText(dir, "quad.cnn", QUAD);
        Graph g = graph(QUAD);
        Map<String, Tensor> w = randomWeights(g, 91);
        Path weights = safetensors(dir.resolve("w.safetensors"), w);
        Data hot = TrainFixtures.quadrantsOneHot(dir, 60, 92);
        Data sparse = TrainFixtures.quadrants(dir, 60, 92);
        Map<String, Object> a = json(cnnc("evaluate", m, "--weights", weights, "--data", hot.spec(), "--loss",
                "categorical_crossentropy", "--json"));
        Map<String, Object> b = json(cnnc("evaluate", m, "--weights", weights, "--data", sparse.spec(), "--json"));
        assertEquals(b.get("confusion_matrix"), a.get("confusion_matrix"));
        assertEquals(((Number) b.get("loss")).doubleValue(), ((Number) a.get("loss")).doubleValue(), 1e-6,
                "one-hot categorical and sparse cross-entropy agree on the same labels");
        assertEquals(expected(g, w, sparse).loss(), ((Number) a.get("loss")).doubleValue(), 1e-5);
    }

    @Test
    void theTrainBlocksLossIsReportedByDefault() {
        String withBlock = QUAD.replace("Dense(4, activation=softmax)\n",
                "Dense(4, activation=softmax)\n  train { loss = mean_squared_error }\n");
        Path m = writeText(dir, "quad_mse.cnn", withBlock);
        Graph g = graph(QUAD);
        Map<String, Tensor> w = randomWeights(g, 93);
        Path weights = safetensors(dir.resolve("w.safetensors"), w);
        Data data = TrainFixtures.quadrants(dir, 40, 94);
        Map<String, Object> o = json(cnnc("evaluate", m, "--weights", weights, "--data", data.spec(), "--json"));
        Tensor p = Interpreter.run(g, w, Map.of("input", data.x())).get(g.outputs().get(0));
        double mse = 0;
        for (int i = 0; i < 40; i++) {
            for (int c = 0; c < 4; c++) {
                double d = p.data()[i * 4 + c] - (c == data.label(i) ? 1 : 0);
                mse += d * d / 4;
            }
        }
        assertEquals(mse / 40, ((Number) o.get("loss")).doubleValue(), 1e-5, "mean squared error, the block's loss");
        Map<String, Object> flag = json(cnnc("evaluate", m, "--weights", weights, "--data", data.spec(), "--loss",
                "sparse_categorical_crossentropy", "--json"));
        assertEquals(expected(g, w, data).loss(), ((Number) flag.get("loss")).doubleValue(), 1e-5,
                "--loss overrides the block");
    }

    @Test
    void idxFolderIsEvaluatedOnItsTestSplit() {
        Path m = writeText(dir, "quad.cnn", QUAD);
        Path weights = safetensors(dir.resolve("w.safetensors"), randomWeights(graph(QUAD), 101));
        Path idx = dir.resolve("idx");
        TrainFixtures.writeQuadrantIdx(idx, "train", 40, 102);
        TrainFixtures.writeQuadrantIdx(idx, "t10k", 12, 103);
        Map<String, Object> o = json(cnnc("evaluate", m, "--weights", weights, "--data", idx.toAbsolutePath(),
                "--json"));
        assertEquals(12L, o.get("examples"), "the t10k split, not the training one");
        for (long[] row : matrix(o.get("confusion_matrix"))) {
            long sum = 0;
            for (long v : row) {
                sum += v;
            }
            assertEquals(3, sum);
        }
        // train reads the training split of the same folder.
        Result t = cnnc("train", m, "--data", idx.toAbsolutePath(), "--steps", 1, "--batch-size", 8);
        assertEquals(0, t.code(), t::toString);
        assertTrue(t.out().contains("on 40 examples"), t::toString);
    }

    @Test
    void idxTestSplitOfAnotherImageSizeIsAUserError() {
        // Only the training split's shape is checked against the model; evaluate reads the test split.
        Path m = writeText(dir, "quad.cnn", QUAD);
        Path weights = safetensors(dir.resolve("w.safetensors"), randomWeights(graph(QUAD), 111));
        Path idx = dir.resolve("idx");
        TrainFixtures.writeQuadrantIdx(idx, "train", 8, 112);
        TrainFixtures.writeIdx(idx, "t10k", new byte[4 * 10 * 10], 4, 10, 10, new byte[] {0, 1, 2, 3});
        Result r = cnnc("evaluate", m, "--weights", weights, "--data", idx.toAbsolutePath(), "--json");
        assertUserError(r, Main.EXIT_INVALID);
        assertTrue(r.err().contains("10x10"), r::toString);
    }

    @Test
    void idxTestSplitWithNoExamplesIsAUserError() {
        Path m = writeText(dir, "quad.cnn", QUAD);
        Path weights = safetensors(dir.resolve("w.safetensors"), randomWeights(graph(QUAD), 121));
        Path idx = dir.resolve("idx");
        TrainFixtures.writeQuadrantIdx(idx, "train", 8, 122);
        TrainFixtures.writeIdx(idx, "t10k", new byte[0], 0, 8, 8, new byte[0]);
        Result r = cnnc("evaluate", m, "--weights", weights, "--data", idx.toAbsolutePath(), "--json");
        assertUserError(r, Main.EXIT_INVALID);
        assertFalse(r.out().contains("\"examples\""), r::toString);
    }
}
