package cnnc.cli;

import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.listing;
import static cnnc.cli.BackendFixtures.npy;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static cnnc.cli.TrainFixtures.QUAD;
import static cnnc.cli.TrainFixtures.quadrantImages;
import static cnnc.cli.TrainFixtures.quadrantLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.cli.TrainFixtures.Data;
import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code cnnc train} refuses bad input with one {@code cnnc: error:} line and the right exit status (1: the data,
 * weights or model are invalid; 2: the command line is), never a stack trace; a diverging run stops naming the step
 * and leaves no weights file.
 */
class TrainErrorsTest {
    @TempDir
    Path dir;

    private Path model;
    private Data good;

    @BeforeEach
    void setUp() {
        model = writeText(dir, "quad.cnn", QUAD);
        good = TrainFixtures.quadrants(dir, 32, 1);
    }

    private Result train(Object... extra) {
        List<Object> args = new ArrayList<>(List.of("train", model));
        args.addAll(Arrays.asList(extra));
        return cnnc(args.toArray());
    }

    /** Asserts the error and that its line contains every fragment. */
    private static void assertError(Result r, int code, String... fragments) {
        assertUserError(r, code);
        for (String f : fragments) {
            assertTrue(r.err().contains(f), () -> "the message lacks `" + f + "`\n" + r);
        }
    }

    /** Command-line mistakes: exit 2, found before the model or data are read. */
    static Stream<Arguments> usage() {
        return Stream.of(
                Arguments.of(List.of("--epochs", "0"), "--epochs"),
                Arguments.of(List.of("--epochs", "-3"), "--epochs"),
                Arguments.of(List.of("--steps", "0"), "--steps"),
                Arguments.of(List.of("--epochs", "2", "--steps", "3"), "not both"),
                Arguments.of(List.of("--batch-size", "0"), "--batch-size"),
                Arguments.of(List.of("--optimizer", "adam(lr=-1)"), "learning_rate"),
                Arguments.of(List.of("--optimizer", "adam(learning_rate=0)"), "learning_rate"),
                Arguments.of(List.of("--optimizer", "sgd(momentum=2)"), "momentum"),
                Arguments.of(List.of("--optimizer", "adamw"), "adamw"),
                Arguments.of(List.of("--optimizer", "adma"), "adam"),
                Arguments.of(List.of("--optimizer", "adam(learning_rate=0.1"), "--optimizer"),
                Arguments.of(List.of("--optimizer", "adam(betas=0.9)"), "betas"),
                Arguments.of(List.of("--validation-split", "1.5"), "--validation-split"),
                Arguments.of(List.of("--validation-split", "1"), "--validation-split"),
                Arguments.of(List.of("--validation-split", "-0.1"), "--validation-split"),
                Arguments.of(List.of("--validation-split", "NaN"), "--validation-split"),
                Arguments.of(List.of("--epochs", "two"), "--epochs"),
                Arguments.of(List.of("--no-such-option"), "--no-such-option"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usage")
    void usageErrorsExitTwo(List<String> extra, String fragment) {
        List<Object> args = new ArrayList<>(List.of("--data", good.spec()));
        args.addAll(extra);
        assertError(train(args.toArray()), Main.EXIT_USAGE, fragment);
    }

    /**
     * An unknown loss is a bad option value, like a bad {@code --optimizer} (exit 2), and {@code evaluate --loss
     * nosuch} already exits 2: train must agree, and say which losses there are.
     */
    @Test
    void unknownLossIsAUsageErrorAsInEvaluate() {
        Result r = train("--data", good.spec(), "--loss", "nosuch");
        assertError(r, Main.EXIT_USAGE, "nosuch", "sparse_categorical_crossentropy");
        Path w = safetensors(dir.resolve("w.safetensors"), randomWeights(graph(QUAD), 1));
        Result e = cnnc("evaluate", model, "--weights", w, "--data", good.spec(), "--loss", "nosuch");
        assertEquals(e.code(), r.code(), () -> "train and evaluate disagree on --loss nosuch\n" + r + "\n" + e);
    }

    @Test
    void misspeltLossIsAUsageErrorWithASuggestion() {
        Result r = train("--data", good.spec(), "--loss", "sparse_categorical_crossentopy");
        assertError(r, Main.EXIT_USAGE, "sparse_categorical_crossentropy");
    }

    @Test
    void labelOutOfRangeNamesTheLabelAndTheExample() {
        Tensor y = quadrantLabels(32);
        y.data()[17] = 4;
        Data d = TrainFixtures.write(dir, "bad", quadrantImages(32, 2), y);
        assertError(train("--data", d.spec()), Main.EXIT_INVALID, "label 4", "example 17", "0..3");
    }

    @Test
    void negativeLabelNamesTheLabelAndTheExample() {
        Tensor y = quadrantLabels(32);
        y.data()[5] = -1;
        Data d = TrainFixtures.write(dir, "neg", quadrantImages(32, 2), y);
        assertError(train("--data", d.spec()), Main.EXIT_INVALID, "-1", "example 5");
    }

    @Test
    void oneHotRowsOfTheWrongWidth() {
        Data d = TrainFixtures.write(dir, "wide", quadrantImages(8, 2), new Tensor(new long[] {8, 5}, oneHot(8, 5)));
        assertError(train("--data", d.spec(), "--loss", "categorical_crossentropy"), Main.EXIT_INVALID, "5", "4");
    }

    @Test
    void imagesOfTheWrongSize() {
        Data d = TrainFixtures.write(dir, "big", Tensor.zeros(16, 10, 10, 1), quadrantLabels(16));
        assertError(train("--data", d.spec()), Main.EXIT_INVALID, "10x10", "8x8");
    }

    @Test
    void imagesWithTheWrongChannels() {
        Data d = TrainFixtures.write(dir, "rgb", Tensor.zeros(16, 8, 8, 3), quadrantLabels(16));
        assertError(train("--data", d.spec()), Main.EXIT_INVALID, "3 channels", "1 channel");
    }

    @Test
    void labelCountDiffersFromImageCount() {
        Data d = TrainFixtures.write(dir, "count", quadrantImages(16, 2), quadrantLabels(15));
        assertError(train("--data", d.spec()), Main.EXIT_INVALID, "15", "16");
    }

    @Test
    void emptyData() {
        Data d = TrainFixtures.write(dir, "empty", Tensor.zeros(0, 8, 8, 1), Tensor.zeros(0));
        assertError(train("--data", d.spec()), Main.EXIT_INVALID, "no examples");
    }

    @Test
    void corruptNpy() throws IOException {
        Path x = Files.write(dir.resolve("junk_x.npy"), "this is not a NumPy file at all".getBytes());
        Path y = npy(dir.resolve("junk_y.npy"), quadrantLabels(4));
        assertError(train("--data", x + "," + y), Main.EXIT_INVALID, "junk_x.npy");
    }

    @Test
    void truncatedNpy() throws IOException {
        Path full = npy(dir.resolve("full_x.npy"), quadrantImages(16, 2));
        byte[] bytes = Files.readAllBytes(full);
        Path x = Files.write(dir.resolve("cut_x.npy"), Arrays.copyOf(bytes, bytes.length - 100));
        Path y = npy(dir.resolve("cut_y.npy"), quadrantLabels(16));
        assertError(train("--data", x + "," + y), Main.EXIT_INVALID, "cut_x.npy");
    }

    @Test
    void unknownDataSpecName() {
        assertError(train("--data", "nosuch"), Main.EXIT_INVALID, "nosuch", "fashion-mnist");
    }

    @Test
    void missingNpyFile() {
        assertError(train("--data", dir.resolve("none_x.npy") + "," + good.labels()), Main.EXIT_INVALID,
                "none_x.npy");
    }

    @Test
    void oneNpyFileIsNotADataSet() {
        assertError(train("--data", good.images().toString()), Main.EXIT_INVALID, "x.npy,y.npy");
    }

    @Test
    void missingWeightsFile() {
        assertError(train("--data", good.spec(), "--weights", dir.resolve("none.safetensors")), Main.EXIT_INVALID,
                "none.safetensors");
    }

    @Test
    void weightsOfAnotherModel() {
        String other = QUAD.replace("Conv2D(4,", "Conv2D(5,");
        Path w = safetensors(dir.resolve("other.safetensors"), randomWeights(graph(other), 3));
        // One line per mismatched tensor after the first, as `run` and `compile` report it.
        Result r = train("--data", good.spec(), "--weights", w);
        assertUserError(r, Main.EXIT_INVALID, false);
        assertTrue(r.err().contains("conv2d.kernel has shape [3, 3, 1, 5]"), r::toString);
    }

    @Test
    void missingModelFile() {
        Result r = cnnc("train", dir.resolve("none.cnn"), "--data", good.spec());
        assertError(r, Main.EXIT_USAGE, "none.cnn");
    }

    @Test
    void validationSplitLeavingNoValidationExamples() {
        assertError(train("--data", good.spec(), "--validation-split", "0.01"), Main.EXIT_INVALID, "0.01");
    }

    @Test
    void categoricalLossNeedsClassScores() {
        Path m = writeText(dir, "map.cnn", """
                model Map {
                  input [8, 8, 1]
                  Conv2D(4, 3, padding=same, activation=softmax)
                }
                """);
        Result r = cnnc("train", m, "--data", good.spec(), "--loss", "categorical_crossentropy");
        assertError(r, Main.EXIT_INVALID, "categorical_crossentropy");
    }

    @Test
    void divergenceStopsNamingTheStepAndWritesNoWeights() {
        Path save = dir.resolve("diverged.safetensors");
        Path log = dir.resolve("diverged.csv");
        List<String> before = listing(dir);
        Result r = train("--data", good.spec(), "--batch-size", 8, "--epochs", 2, "--optimizer",
                "sgd(learning_rate=1e30)", "--save", save, "--log", log);
        assertError(r, Main.EXIT_INVALID, "step ", "learning rate");
        assertTrue(r.err().matches("(?s).*step \\d+.*"), r::toString);
        assertFalse(Files.exists(save), "a diverged run wrote --save");
        assertEquals(before, listing(dir), "a diverged run left files behind");
    }

    @Test
    void batchLargerThanTheDataSetIsOneBatchOfTheWholeSet() {
        // Keras' fit takes batch_size > N as one batch of N; the buffers must not be sized for the request.
        Result r = train("--data", good.spec(), "--batch-size", 2_000_000_000, "--epochs", 1);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Epoch 1: 1 step,"), r::toString);
    }

    private static float[] oneHot(int n, int k) {
        float[] y = new float[n * k];
        for (int i = 0; i < n; i++) {
            y[i * k + i % k] = 1;
        }
        return y;
    }
}
