package cnnc.cli;

import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static cnnc.cli.TrainFixtures.QUAD;
import static cnnc.cli.TrainFixtures.quadrantImages;
import static cnnc.cli.TrainFixtures.quadrantLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnnc evaluate} refuses bad input with a {@code cnnc: error:} line and the right exit status. */
class EvaluateErrorsTest {
    @TempDir
    Path dir;

    private Path model;
    private Path weights;
    private Data good;

    @BeforeEach
    void setUp() {
        model = writeText(dir, "quad.cnn", QUAD);
        weights = safetensors(dir.resolve("w.safetensors"), randomWeights(graph(QUAD), 1));
        good = TrainFixtures.quadrants(dir, 32, 1);
    }

    private Result evaluate(Object... extra) {
        List<Object> args = new ArrayList<>(List.of("evaluate", model));
        args.addAll(Arrays.asList(extra));
        return cnnc(args.toArray());
    }

    private static void assertError(Result r, int code, String... fragments) {
        assertUserError(r, code);
        for (String f : fragments) {
            assertTrue(r.err().contains(f), () -> "the message lacks `" + f + "`\n" + r);
        }
    }

    @Test
    void unknownLossIsAUsageError() {
        assertError(evaluate("--weights", weights, "--data", good.spec(), "--loss", "nosuch"), Main.EXIT_USAGE,
                "nosuch", "sparse_categorical_crossentropy");
    }

    @Test
    void weightsAreRequired() {
        assertError(evaluate("--data", good.spec()), Main.EXIT_USAGE, "--weights");
    }

    @Test
    void batchSizeZeroIsAUsageError() {
        assertError(evaluate("--weights", weights, "--data", good.spec(), "--batch-size", 0), Main.EXIT_USAGE,
                "--batch-size");
    }

    @Test
    void labelOutOfRangeNamesTheLabelAndTheExample() {
        Tensor y = quadrantLabels(32);
        y.data()[9] = 7;
        Data d = TrainFixtures.write(dir, "bad", quadrantImages(32, 2), y);
        assertError(evaluate("--weights", weights, "--data", d.spec()), Main.EXIT_INVALID, "label 7", "example 9");
    }

    @Test
    void imagesOfTheWrongSize() {
        Data d = TrainFixtures.write(dir, "big", Tensor.zeros(4, 6, 6, 1), quadrantLabels(4));
        assertError(evaluate("--weights", weights, "--data", d.spec()), Main.EXIT_INVALID, "6x6", "8x8");
    }

    @Test
    void emptyData() {
        Data d = TrainFixtures.write(dir, "empty", Tensor.zeros(0, 8, 8, 1), Tensor.zeros(0));
        assertError(evaluate("--weights", weights, "--data", d.spec()), Main.EXIT_INVALID, "no examples");
    }

    @Test
    void corruptWeights() throws IOException {
        Path w = Files.write(dir.resolve("junk.safetensors"), new byte[] {1, 2, 3});
        assertError(evaluate("--weights", w, "--data", good.spec()), Main.EXIT_INVALID, "junk.safetensors");
    }

    @Test
    void unknownDataSpecName() {
        assertError(evaluate("--weights", weights, "--data", "nosuch"), Main.EXIT_INVALID, "nosuch");
    }

    @Test
    void batchLargerThanTheDataSetIsOneBatchOfTheWholeSet() {
        // The output buffer is batch × classes floats: an int product that overflows must not crash the command.
        Result r = evaluate("--weights", weights, "--data", good.spec(), "--batch-size", 2_000_000_000, "--json");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("\"examples\":32") || r.out().contains("\"examples\": 32"), r::toString);
    }
}
