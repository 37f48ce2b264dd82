package cnnc.cli;

import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.examples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnnc train --data fashion-mnist} and {@code cnnc evaluate} on the real data set from Debian's
 * {@code dataset-fashion-mnist} package; skipped (visibly, with the reason) where it is not installed.
 */
class TrainFashionMnistTest {
    static final Path SYSTEM = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    @Test
    void fiftyStepsTrainAndTheTestSplitIsEvaluated() {
        Assumptions.assumeTrue(Files.isDirectory(SYSTEM),
                "skipped: " + SYSTEM + " is missing (apt-get install dataset-fashion-mnist)");
        Assumptions.assumeTrue(System.getenv("CNNC_DATA") == null,
                "skipped: CNNC_DATA is set, so `fashion-mnist` may resolve elsewhere");
        Path model = examples("fashion_mnist.cnn");
        Path w = dir.resolve("fashion.safetensors");
        Path log = dir.resolve("log.csv");
        Result r = cnnc("train", model, "--data", "fashion-mnist", "--steps", 50, "--save", w, "--log", log,
                "--optimizer", "adam(learning_rate=0.002)");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("on 60,000 examples"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("Epoch 1:")), r::toString);
        assertTrue(r.out().contains("Epoch 1: 50 steps"), r::toString);
        List<Map<String, String>> rows = TrainFixtures.readLog(log);
        assertEquals(1, rows.size());
        // The mean over 50 steps of 32, from ln(10) = 2.30 at the start: about 1.0 and 0.6 accuracy for seeds 0-2.
        assertTrue(TrainFixtures.number(rows.get(0), "loss") < 1.6, rows::toString);
        assertTrue(TrainFixtures.number(rows.get(0), "accuracy") > 0.4, rows::toString);

        Result e = cnnc("evaluate", model, "--weights", w, "--data", "fashion-mnist");
        assertEquals(0, e.code(), e::toString);
        assertTrue(e.out().startsWith("FashionNet on 10,000 examples: loss "), e::toString);
        // Rows named by Fashion-MNIST's classes, 1,000 test images each.
        for (String name : List.of("T-shirt/top", "Trouser", "Ankle boot")) {
            String row = e.out().lines().filter(l -> l.strip().startsWith(name)).findFirst().orElse(null);
            assertTrue(row != null, () -> "no row " + name + "\n" + e);
            long sum = 0;
            for (String cell : row.substring(row.indexOf(name) + name.length()).strip().split("\\s+")) {
                sum += Long.parseLong(cell);
            }
            assertEquals(1000, sum, row);
        }
    }
}
