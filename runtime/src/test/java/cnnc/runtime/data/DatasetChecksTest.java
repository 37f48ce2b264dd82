package cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Dataset#checkLabels} and {@link Dataset#checkShape}: data against a model, as a table of messages. */
class DatasetChecksTest {
    @TempDir
    Path dir;

    @Test
    void aLabelOutsideTheModelsClassesNamesTheFileAndExample() throws IOException {
        byte[] labels = new byte[400];
        labels[345] = 12;
        labels[399] = 13;
        DataFixtures.write(dir.resolve("train-images-idx3-ubyte"), DataFixtures.images(400), false);
        Path labelFile = dir.resolve("train-labels-idx1-ubyte");
        DataFixtures.write(labelFile, DataFixtures.idx(new int[] {400}, labels), false);
        Dataset data = IdxFiles.find(dir, IdxFiles.DIGITS).orElseThrow().load().train();
        DataException e = assertThrows(DataException.class, () -> data.checkLabels(10));
        assertEquals(labelFile + ": label 12 at example 345 is outside 0..9, the model's output has 10 classes",
                e.getMessage());
        assertDoesNotThrow(() -> data.checkLabels(14));
        // One output is a binary classifier: labels 0 and 1 pass, 12 does not.
        assertEquals(labelFile + ": label 12 at example 345 is outside 0..1, the model has one output, a binary "
                + "classifier's (labels 0 or 1)", assertThrows(DataException.class, () -> data.checkLabels(1))
                .getMessage());
        byte[] binary = new byte[400];
        binary[7] = 1;
        DataFixtures.write(labelFile, DataFixtures.idx(new int[] {400}, binary), false);
        Dataset zeroOne = IdxFiles.find(dir, IdxFiles.DIGITS).orElseThrow().load().train();
        assertDoesNotThrow(() -> zeroOne.checkLabels(1));
    }

    @Test
    void viewsNameTheExampleOfTheWholeDataSet() throws DataException {
        Dataset data = new ArrayDataset(20, 1, 20).subset(new int[] {3, 17, 5});
        assertEquals("arrays: label 17 at example 17 is outside 0..9, the model's output has 10 classes",
                assertThrows(DataException.class, () -> data.checkLabels(10)).getMessage());
        Dataset nested = data.subset(new int[] {2, 1});
        assertEquals(17, nested.label(1));
        assertEquals("example 17", nested.exampleName(1));
    }

    @Test
    void imageFoldersNameTheFile() throws IOException {
        for (String c : new String[] {"a", "b", "c"}) {
            DataFixtures.solid(dir.resolve(c + "/1.png"), 0);
        }
        Dataset data = new ImageFolder(dir).load(new long[] {2, 2, 3}).train();
        assertEquals(dir + ": label 2 at c/1.png is outside 0..1, the model's output has 2 classes",
                assertThrows(DataException.class, () -> data.checkLabels(2)).getMessage());
    }

    @Test
    void oneHotRowsMustMatchTheModelsClasses() throws IOException {
        Path x = DataFixtures.npyFloats(dir.resolve("x.npy"), new long[] {1, 1}, 0);
        Path y = DataFixtures.npyFloats(dir.resolve("y.npy"), new long[] {1, 5}, 0, 0, 1, 0, 0);
        Dataset data = new NpyPair(x, y).load().train();
        assertEquals(y + ": labels are one-hot rows of 5 values, the model's output has 10 classes",
                assertThrows(DataException.class, () -> data.checkLabels(10)).getMessage());
        assertDoesNotThrow(() -> data.checkLabels(5));
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(new long[] {28, 28, 1}, null),
                Arguments.of(new long[] {-1, 28, 28, 1}, null),
                Arguments.of(new long[] {64, 28, 28, 1}, null),
                Arguments.of(new long[] {-1, -1, 1}, null),
                Arguments.of(new long[] {28, 28, 3}, "images have 1 channel, the model's input has 3 channels (shape "
                        + "[28, 28, 3])"),
                Arguments.of(new long[] {-1, 28, 28, 3}, "images have 1 channel, the model's input has 3 channels "
                        + "(shape [28, 28, 3])"),
                Arguments.of(new long[] {32, 32, 1}, "images are 28x28, the model's input is 32x32 (shape "
                        + "[32, 32, 1])"),
                Arguments.of(new long[] {32, -1, 1}, "images are 28x28, the model's input is 32x? (shape "
                        + "[32, -1, 1])"),
                Arguments.of(new long[] {32, 32, 3}, "examples have shape [28, 28, 1], the model's input has shape "
                        + "[32, 32, 3]"),
                Arguments.of(new long[] {784}, "examples have shape [28, 28, 1], the model's input has shape [784]"));
    }

    @ParameterizedTest
    @MethodSource("shapes")
    void shapesAgainstTheModelsInput(long[] modelInput, String problem) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), DataFixtures.idx(new int[] {1, 28, 28}, new byte[784]));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), DataFixtures.labels(1));
        Dataset data = IdxFiles.find(dir, IdxFiles.DIGITS).orElseThrow().load().train();
        if (problem == null) {
            assertDoesNotThrow(() -> data.checkShape(modelInput));
        } else {
            assertEquals(dir.resolve("train-images-idx3-ubyte") + ": " + problem,
                    assertThrows(DataException.class, () -> data.checkShape(modelInput)).getMessage());
        }
    }

    @Test
    void validationSplitErrors() {
        Dataset data = new ArrayDataset(10, 1, 2);
        assertEquals("arrays: the validation split must be a fraction between 0 and 1, not 0.0",
                assertThrows(DataException.class, () -> data.validationSplit(0, 1)).getMessage());
        assertEquals("arrays: the validation split must be a fraction between 0 and 1, not 1.5",
                assertThrows(DataException.class, () -> data.validationSplit(1.5, 1)).getMessage());
        assertEquals("arrays: the validation split must be a fraction between 0 and 1, not NaN",
                assertThrows(DataException.class, () -> data.validationTail(Double.NaN)).getMessage());
        assertEquals("arrays: a validation split of 0.05 of 10 examples leaves no validation examples",
                assertThrows(DataException.class, () -> data.validationSplit(0.05, 1)).getMessage());
    }

    @Test
    void validationTailTakesTheLastExamplesAsKerasFitDoes() throws DataException {
        Split split = new ArrayDataset(10, 1, 2).validationTail(0.3);
        assertEquals(7, split.train().size());
        assertEquals("example 6", split.train().exampleName(6));
        Dataset validation = split.test().orElseThrow();
        assertEquals("example 7", validation.exampleName(0));
        assertEquals("example 9", validation.exampleName(2));
    }
}
