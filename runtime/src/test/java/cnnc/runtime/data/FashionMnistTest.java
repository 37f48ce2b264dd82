package cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The real Fashion-MNIST from Debian's {@code dataset-fashion-mnist}, where it is installed. */
class FashionMnistTest {
    private static final Path DEBIAN = DataSpecParser.SYSTEM_DATASETS.resolve("fashion-mnist");

    @Test
    void debiansFilesLoadAsTheyShould() throws IOException {
        assumeTrue(Files.exists(DEBIAN.resolve("train-images-idx3-ubyte.gz")), "dataset-fashion-mnist not installed");
        DataSpec spec = DataSpecParser.parse("fashion-mnist", Path.of("."), null, DataSpecParser.SYSTEM_DATASETS);
        assertEquals(DEBIAN, ((IdxFiles) spec).dir());
        Split split = spec.load();
        Dataset train = split.train();
        Dataset test = split.test().orElseThrow();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertArrayEquals(new long[] {28, 28, 1}, train.exampleShape());
        assertEquals(IdxFiles.FASHION_MNIST_CLASSES, test.classNames());
        assertEquals(9, test.label(0), "the first test image is an ankle boot");
        assertEquals(9, train.label(0));
        assertDoesNotThrow(() -> train.checkLabels(10));
        assertDoesNotThrow(() -> test.checkShape(new long[] {28, 28, 1}));
        assertTrue(assertThrows(DataException.class, () -> train.checkLabels(9)).getMessage()
                .endsWith("is outside 0..8, the model's output has 9 classes"));

        int[] perClass = new int[10];
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        try (Batches batches = Batches.open(test, BatchOptions.shuffled(128, 1), 0)) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                for (int k = 0; k < b.size(); k++) {
                    perClass[b.labels()[k]]++;
                }
                for (int k = 0; k < b.size() * 784; k++) {
                    min = Math.min(min, b.images()[k]);
                    max = Math.max(max, b.images()[k]);
                }
            }
        }
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass);
        assertEquals(0f, min);
        assertEquals(1f, max);
    }
}
