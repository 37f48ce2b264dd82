package cnnc.cli;

import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.cli.TrainFixtures.Data;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.Safetensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model with one sigmoid output is a binary classifier, as Keras' {@code Dense(1, activation="sigmoid")} with
 * {@code binary_crossentropy}: class numbers 0 and 1 are its targets, it trains, and evaluate reports binary accuracy
 * and a 2x2 confusion matrix; the numbers are checked against the reference interpreter on the trained weights.
 */
class BinaryClassifierTest {
    static final String BINARY = """
            model Top {
              input [8, 8, 1]
              Conv2D(4, 3, padding=same, activation=relu)
              MaxPooling2D(2)
              Flatten()
              Dense(1, activation=sigmoid)
            }
            """;

    @TempDir
    Path dir;

    /** Quadrant images; label 1 when the bright quadrant is in the top half. */
    private Data topHalf(String prefix, int n, long seed, int labelOfTop) {
        Tensor x = TrainFixtures.quadrantImages(n, seed);
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = TrainFixtures.quadrantLabel(i) < 2 ? labelOfTop : 0;
        }
        return TrainFixtures.write(dir, prefix, x, new Tensor(new long[] {n}, y));
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainsOnZeroOneLabelsAndEvaluatesAsBinary() throws Exception {
        Path m = writeText(dir, "top.cnn", BINARY);
        Data data = topHalf("top", 64, 5, 1);
        Path w = dir.resolve("w.safetensors");
        Result train = cnnc("train", m, "--data", data.spec(), "--loss", "binary_crossentropy", "--optimizer",
                "adam(learning_rate=0.01)", "--epochs", "15", "--batch-size", "16", "--seed", "3", "--save", w);
        assertEquals(0, train.code(), train::toString);
        Result r = cnnc("evaluate", m, "--weights", w, "--data", data.spec(), "--loss", "binary_crossentropy",
                "--json");
        assertEquals(0, r.code(), r::toString);
        Map<String, Object> o = (Map<String, Object>) MiniJson.parse(r.out().strip());

        Graph g = graph(BINARY);
        Map<String, Tensor> weights = Safetensors.read(w).tensors();
        Tensor p = Interpreter.run(g, weights, Map.of("input", data.x())).get(g.outputs().get(0));
        double loss = 0;
        long[][] confusion = new long[2][2];
        for (int i = 0; i < 64; i++) {
            double t = data.y().data()[i];
            double q = Math.min(Math.max(p.data()[i], 1e-7), 1 - 1e-7);
            loss -= t * Math.log(q) + (1 - t) * Math.log(1 - q);
            confusion[(int) t][p.data()[i] > 0.5 ? 1 : 0]++;
        }
        assertEquals(loss / 64, ((Number) o.get("loss")).doubleValue(), 1e-4);
        List<List<Long>> printed = (List<List<Long>>) o.get("confusion_matrix");
        assertEquals(List.of(List.of(confusion[0][0], confusion[0][1]), List.of(confusion[1][0], confusion[1][1])),
                printed);
        double accuracy = (double) (confusion[0][0] + confusion[1][1]) / 64;
        assertEquals(accuracy, ((Number) o.get("accuracy")).doubleValue(), 1e-9);
        assertTrue(accuracy >= 0.9, "a bright quadrant in the top half is easy to learn: " + accuracy);
    }

    @Test
    void labelsAboveOneAreRejectedNamingTheBinaryOutput() {
        Path m = writeText(dir, "top.cnn", BINARY);
        Data data = topHalf("two", 8, 6, 2);
        Result r = cnnc("train", m, "--data", data.spec(), "--loss", "binary_crossentropy", "--steps", "1");
        assertUserError(r, 1);
        assertTrue(r.err().contains(": label 2 at example 0 is outside 0..1, the model has one output, a binary "
                + "classifier's (labels 0 or 1)"), r::toString);
    }
}
