package cnnc.cli;

import static cnnc.cli.BackendFixtures.bytes;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.readSafetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static cnnc.cli.TrainFixtures.QUAD;
import static cnnc.cli.TrainFixtures.QUAD_BN_DROPOUT;
import static cnnc.cli.TrainFixtures.number;
import static cnnc.cli.TrainFixtures.quadrants;
import static cnnc.cli.TrainFixtures.quadrantsOneHot;
import static cnnc.cli.TrainFixtures.readLog;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.cli.TrainFixtures.Data;
import cnnc.compiler.ir.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code cnnc train} on a learnable synthetic data set (which quadrant of an 8x8 image is bright): the loss falls,
 * the accuracy rises, the saved weights score as well under {@code cnnc evaluate}, and the options (validation
 * split, steps, seeds, optimizers, losses) do what they say.
 */
class TrainCommandTest {
    @TempDir
    Path dir;

    private Path model(String text) {
        return writeText(dir, "model.cnn", text);
    }

    private static void assertOk(Result r) {
        assertEquals(0, r.code(), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    /** Asserts that the loss fell well below the first epoch's and returns the rows. */
    private static List<Map<String, String>> assertLearned(Path log, int epochs, double accuracy) {
        return assertLearned(log, epochs, accuracy, 0.5);
    }

    /** Asserts that the last epoch's loss is below {@code ratio} times the first's and returns the rows. */
    private static List<Map<String, String>> assertLearned(Path log, int epochs, double accuracy, double ratio) {
        List<Map<String, String>> rows = readLog(log);
        assertEquals(epochs, rows.size(), () -> "rows of " + rows);
        for (int e = 0; e < epochs; e++) {
            assertEquals(Integer.toString(e + 1), rows.get(e).get("epoch"), () -> "epoch column of " + rows);
            assertEquals("", rows.get(e).get("val_loss"), "no validation data, no val_loss");
            assertEquals("", rows.get(e).get("val_accuracy"), "no validation data, no val_accuracy");
            assertTrue(number(rows.get(e), "seconds") >= 0, () -> "seconds of " + rows);
            assertTrue(number(rows.get(e), "images_per_s") > 0, () -> "images_per_s of " + rows);
        }
        double first = number(rows.get(0), "loss");
        double last = number(rows.get(epochs - 1), "loss");
        assertTrue(last < ratio * first, () -> "loss " + first + " -> " + last + " in " + rows);
        assertTrue(number(rows.get(epochs - 1), "accuracy") > accuracy, () -> "accuracy in " + rows);
        return rows;
    }

    @Test
    void learnsQuadrantsAndEvaluateScoresTheSavedWeights() {
        Path m = model(QUAD);
        Data data = quadrants(dir, 256, 1);
        Path w = dir.resolve("trained.safetensors");
        Path log = dir.resolve("log.csv");
        Result r = cnnc("train", m, "--data", data.spec(), "--epochs", 3, "--batch-size", 16,
                "--optimizer", "adam(learning_rate=0.02)", "--save", w, "--log", log);
        assertOk(r);
        assertTrue(r.out().contains("training Quad on 256 examples"), r::toString);
        for (int e = 1; e <= 3; e++) {
            assertTrue(r.out().contains("Epoch " + e + ": 16 steps"), r::toString);
        }
        assertTrue(r.out().contains("wrote " + w), r::toString);
        assertLearned(log, 3, 0.9);
        assertEquals("48", TrainFixtures.metadata(w).get("steps"), "steps in the saved metadata");

        Result eval = cnnc("evaluate", m, "--weights", w, "--data", data.spec(), "--json");
        assertOk(eval);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(eval.out().strip());
        assertTrue(((Number) json.get("accuracy")).doubleValue() > 0.9, eval::toString);
        assertEquals(256L, ((Number) json.get("examples")).longValue(), eval::toString);
    }

    @Test
    void validationSplitFillsTheValidationColumns() {
        Path m = model(QUAD);
        Data data = quadrants(dir, 256, 2);
        Path log = dir.resolve("log.csv");
        Result r = cnnc("train", m, "--data", data.spec(), "--epochs", 2, "--batch-size", 16,
                "--optimizer", "adam(learning_rate=0.02)", "--validation-split", 0.25, "--log", log);
        assertOk(r);
        assertTrue(r.out().contains("on 192 examples"), () -> "a quarter of 256 is held out\n" + r);
        assertTrue(r.out().contains("Epoch 1: 12 steps"), r::toString);
        assertTrue(r.out().contains("val_loss"), r::toString);
        List<Map<String, String>> rows = readLog(log);
        assertEquals(2, rows.size(), rows::toString);
        for (Map<String, String> row : rows) {
            double valLoss = number(row, "val_loss");
            double valAccuracy = number(row, "val_accuracy");
            assertTrue(valLoss > 0 && Double.isFinite(valLoss), row::toString);
            assertTrue(valAccuracy >= 0 && valAccuracy <= 1, row::toString);
            // 64 validation examples: the accuracy is a multiple of 1/64.
            assertEquals(Math.rint(valAccuracy * 64), valAccuracy * 64, 1e-3, row::toString);
        }
        assertTrue(number(rows.get(1), "val_accuracy") > 0.8, rows::toString);
    }

    @Test
    void stepsStopsAfterThatManyBatches() {
        Path m = model(QUAD);
        Data data = quadrants(dir, 256, 3);
        Path log = dir.resolve("log.csv");
        Path w = dir.resolve("w.safetensors");
        Result r = cnnc("train", m, "--data", data.spec(), "--steps", 5, "--batch-size", 16, "--log", log,
                "--save", w);
        assertOk(r);
        assertTrue(r.out().contains("Epoch 1: 5 steps"), r::toString);
        assertFalse(r.out().contains("Epoch 2"), r::toString);
        assertEquals(1, readLog(log).size(), () -> readLog(log).toString());
        assertEquals("5", TrainFixtures.metadata(w).get("steps"));
    }

    @Test
    void stepsBeyondOneEpochGoOnIntoTheNext() {
        Path m = model(QUAD);
        Data data = quadrants(dir, 64, 3);
        Path log = dir.resolve("log.csv");
        Result r = cnnc("train", m, "--data", data.spec(), "--steps", 5, "--batch-size", 16, "--log", log);
        assertOk(r);
        assertTrue(r.out().contains("Epoch 1: 4 steps"), r::toString);
        assertTrue(r.out().contains("Epoch 2: 1 step,"), r::toString);
        assertEquals(2, readLog(log).size());
    }

    @Test
    void sameSeedWithoutShuffleGivesByteIdenticalWeights() {
        Path m = model(QUAD);
        Data data = quadrants(dir, 64, 4);
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        for (Path out : List.of(a, b)) {
            assertOk(cnnc("train", m, "--data", data.spec(), "--no-shuffle", "--seed", 1, "--steps", 1,
                    "--batch-size", 16, "--save", out));
        }
        assertArrayEquals(bytes(a), bytes(b));
    }

    @Test
    void sameSeedWithShuffleIsAlsoReproducible() {
        Path m = model(QUAD_BN_DROPOUT);
        Data data = quadrants(dir, 64, 4);
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        for (Path out : List.of(a, b)) {
            assertOk(cnnc("train", m, "--data", data.spec(), "--seed", 7, "--epochs", 2, "--batch-size", 16,
                    "--save", out));
        }
        assertArrayEquals(bytes(a), bytes(b));
    }

    @Test
    void initialWeightsAreThoseOfInitWithTheSameSeedAndDifferBySeed() {
        Path m = model(QUAD);
        Data data = quadrants(dir, 64, 5);
        // A learning rate too small to move a weight: the saved weights are the initial ones.
        Path t1 = dir.resolve("t1.safetensors");
        Path t2 = dir.resolve("t2.safetensors");
        Path i1 = dir.resolve("i1.safetensors");
        Path log1 = dir.resolve("log1.csv");
        Path log2 = dir.resolve("log2.csv");
        assertOk(cnnc("train", m, "--data", data.spec(), "--seed", 1, "--steps", 1, "--no-shuffle",
                "--optimizer", "sgd(learning_rate=1e-30)", "--save", t1, "--log", log1));
        assertOk(cnnc("train", m, "--data", data.spec(), "--seed", 2, "--steps", 1, "--no-shuffle",
                "--optimizer", "sgd(learning_rate=1e-30)", "--save", t2, "--log", log2));
        assertOk(cnnc("init", m, "-o", i1, "--seed", 1));
        Map<String, Tensor> w1 = readSafetensors(t1);
        Map<String, Tensor> w2 = readSafetensors(t2);
        Map<String, Tensor> init = readSafetensors(i1);
        assertEquals(init.keySet(), w1.keySet());
        for (String k : init.keySet()) {
            BackendFixtures.assertClose(init.get(k), w1.get(k), 1e-6, "seed 1 " + k + " vs cnnc init --seed 1");
        }
        assertFalse(Arrays.equals(w1.get("conv2d.kernel").data(), w2.get("conv2d.kernel").data()),
                "seeds 1 and 2 gave the same initial kernel");
        assertFalse(Arrays.equals(w1.get("dense.kernel").data(), w2.get("dense.kernel").data()),
                "seeds 1 and 2 gave the same initial dense kernel");
        assertTrue(number(readLog(log1).get(0), "loss") != number(readLog(log2).get(0), "loss"),
                "seeds 1 and 2 gave the same first loss");
    }

    @Test
    void differentSeedsGiveDifferentTrainedWeights() {
        Path m = model(QUAD);
        Data data = quadrants(dir, 64, 6);
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        assertOk(cnnc("train", m, "--data", data.spec(), "--seed", 1, "--epochs", 1, "--batch-size", 16, "--save", a));
        assertOk(cnnc("train", m, "--data", data.spec(), "--seed", 2, "--epochs", 1, "--batch-size", 16, "--save", b));
        assertFalse(Arrays.equals(bytes(a), bytes(b)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sgd(learning_rate=0.1, momentum=0.9)", "rmsprop", "RMSprop(learning_rate=0.01)",
        "SGD(0.1, nesterov=True, momentum=0.5)"})
    void otherOptimizersLearn(String optimizer) {
        Path m = model(QUAD);
        Data data = quadrants(dir, 256, 7);
        Path log = dir.resolve("log.csv");
        Result r = cnnc("train", m, "--data", data.spec(), "--epochs", 3, "--batch-size", 16,
                "--optimizer", optimizer, "--log", log);
        assertOk(r);
        String name = optimizer.toLowerCase().startsWith("sgd") ? "optimizer sgd(" : "optimizer rmsprop(";
        assertTrue(r.out().contains(name), r::toString);
        // rmsprop's default learning rate (0.001) moves more slowly than the others here.
        boolean slow = optimizer.equals("rmsprop");
        assertLearned(log, 3, 0.9, slow ? 0.85 : 0.5);
    }

    @Test
    void categoricalCrossentropyWithOneHotLabels() {
        Path m = model(QUAD);
        Data data = quadrantsOneHot(dir, 256, 8);
        Path log = dir.resolve("log.csv");
        Path w = dir.resolve("w.safetensors");
        Result r = cnnc("train", m, "--data", data.spec(), "--epochs", 3, "--batch-size", 16,
                "--optimizer", "adam(learning_rate=0.02)", "--loss", "categorical_crossentropy", "--log", log,
                "--save", w);
        assertOk(r);
        assertTrue(r.out().contains("loss categorical_crossentropy"), r::toString);
        assertLearned(log, 3, 0.9);
        Result eval = cnnc("evaluate", m, "--weights", w, "--data", data.spec(), "--loss",
                "categorical_crossentropy", "--json");
        assertOk(eval);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(eval.out().strip());
        assertTrue(((Number) json.get("accuracy")).doubleValue() > 0.9, eval::toString);
    }

    @Test
    void oneHotLabelsWithTheDefaultLossTrain() {
        // Keras would refuse sparse cross-entropy on one-hot rows; cnnc either trains (taking the arg-max) or
        // refuses with a user error, never an internal one.
        Path m = model(QUAD);
        Data data = quadrantsOneHot(dir, 64, 8);
        Result r = cnnc("train", m, "--data", data.spec(), "--steps", 2, "--batch-size", 16);
        assertTrue(r.code() == 0 || r.code() == 1, r::toString);
        assertFalse(r.err().contains("internal error"), r::toString);
    }

    @Test
    void batchNormalizationAndDropoutTrain() {
        Path m = model(QUAD_BN_DROPOUT);
        Data data = quadrants(dir, 256, 9);
        Path log = dir.resolve("log.csv");
        Path w = dir.resolve("w.safetensors");
        Result r = cnnc("train", m, "--data", data.spec(), "--epochs", 3, "--batch-size", 16,
                "--optimizer", "adam(learning_rate=0.02)", "--log", log, "--save", w);
        assertOk(r);
        assertLearned(log, 3, 0.8);
        Map<String, Tensor> saved = readSafetensors(w);
        float[] mean = saved.get("batch_normalization.moving_mean").data();
        float[] variance = saved.get("batch_normalization.moving_variance").data();
        assertTrue(Arrays.stream(box(mean)).anyMatch(v -> v != 0), () -> "moving_mean " + Arrays.toString(mean));
        assertTrue(Arrays.stream(box(variance)).anyMatch(v -> v != 1),
                () -> "moving_variance " + Arrays.toString(variance));
        for (float v : variance) {
            assertTrue(v > 0, () -> "moving_variance " + Arrays.toString(variance));
        }
        Result eval = cnnc("evaluate", m, "--weights", w, "--data", data.spec(), "--json");
        assertOk(eval);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(eval.out().strip());
        assertTrue(((Number) json.get("accuracy")).doubleValue() > 0.8,
                () -> "inference with the moving statistics\n" + eval);
    }

    @Test
    void trainingFromGivenWeightsContinues() {
        Path m = model(QUAD);
        Data data = quadrants(dir, 256, 10);
        Path first = dir.resolve("first.safetensors");
        Path log1 = dir.resolve("log1.csv");
        Path log2 = dir.resolve("log2.csv");
        assertOk(cnnc("train", m, "--data", data.spec(), "--epochs", 2, "--batch-size", 16,
                "--optimizer", "adam(learning_rate=0.02)", "--save", first, "--log", log1));
        assertOk(cnnc("train", m, "--data", data.spec(), "--weights", first, "--epochs", 1, "--batch-size", 16,
                "--optimizer", "adam(learning_rate=0.005)", "--log", log2));
        double before = number(readLog(log1).get(0), "loss");
        double resumed = number(readLog(log2).get(0), "loss");
        assertTrue(resumed < 0.5 * before, () -> "first epoch " + before + ", resumed epoch " + resumed);
    }

    private static Double[] box(float[] a) {
        Double[] out = new Double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (double) a[i];
        }
        return out;
    }
}
