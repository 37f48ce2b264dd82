package cnnc.runtime.data;

import static cnnc.runtime.data.DataFixtures.COLS;
import static cnnc.runtime.data.DataFixtures.ROWS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.runtime.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link IdxFiles}: finding the MNIST family's files, reading them, and a table of broken files. */
class IdxFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsTrainAndTestSets(boolean gz) throws IOException {
        IdxFiles files = IdxFiles.find(DataFixtures.mnistLike(dir, 12, 5, gz), List.of()).orElseThrow();
        Split split = files.load();
        Dataset train = split.train();
        Dataset test = split.test().orElseThrow();
        assertEquals(12, train.size());
        assertEquals(5, test.size());
        assertArrayEquals(new long[] {ROWS, COLS, 1}, train.exampleShape());
        assertEquals(ROWS * COLS, train.exampleLength());
        assertEquals(10, train.classes());
        assertEquals(IdxFiles.DIGITS, train.classNames());
        assertEquals(List.of(0, 1, 2, 3, 4), DataFixtures.labels(test));
        float[] x = DataFixtures.example(train, 11);
        for (int k = 0; k < x.length; k++) {
            assertEquals(DataFixtures.pixel(11, k) / 255f, x[k], "pixel " + k);
        }
        assertEquals(dir.resolve("train-images-idx3-ubyte" + (gz ? ".gz" : "")).toString(), train.source());
        assertEquals(dir.resolve("train-labels-idx1-ubyte" + (gz ? ".gz" : "")).toString(), train.labelSource());
    }

    @Test
    void pixelsSpanZeroToOne() throws IOException {
        byte[] data = new byte[ROWS * COLS];
        data[0] = (byte) 255;
        DataFixtures.write(dir.resolve("train-images-idx3-ubyte"), DataFixtures.idx(new int[] {1, ROWS, COLS}, data),
                false);
        DataFixtures.write(dir.resolve("train-labels-idx1-ubyte"), DataFixtures.labels(1), false);
        float[] x = DataFixtures.example(IdxFiles.find(dir, List.of()).orElseThrow().load().train(), 0);
        assertEquals(1f, x[0]);
        assertEquals(0f, x[1]);
    }

    @Test
    void findsKaggleNamesAndPrefersPlainFiles() throws IOException {
        DataFixtures.write(dir.resolve("train-images.idx3-ubyte"), DataFixtures.images(3), false);
        DataFixtures.write(dir.resolve("train-labels.idx1-ubyte.gz"), DataFixtures.labels(3), true);
        DataFixtures.write(dir.resolve("train-labels-idx1-ubyte"), DataFixtures.labels(3), false);
        IdxFiles files = IdxFiles.find(dir, List.of()).orElseThrow();
        assertEquals(dir.resolve("train-images.idx3-ubyte"), files.train().images());
        assertEquals(dir.resolve("train-labels-idx1-ubyte"), files.train().labels());
        assertEquals(Optional.empty(), files.test());
        assertFalse(files.load().test().isPresent());
    }

    @Test
    void gzipIsToldByContentNotName() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), DataFixtures.gzip(DataFixtures.images(3)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), DataFixtures.labels(3));
        assertEquals(3, IdxFiles.find(dir, List.of()).orElseThrow().load().train().size());
    }

    @Test
    void classesFollowTheLargestLabelWithoutNames() throws IOException {
        DataFixtures.write(dir.resolve("train-images-idx3-ubyte"), DataFixtures.images(3), false);
        DataFixtures.write(dir.resolve("train-labels-idx1-ubyte"), DataFixtures.idx(new int[] {3},
                new byte[] {0, 25, 3}), false);
        Dataset train = IdxFiles.find(dir, List.of()).orElseThrow().load().train();
        assertEquals(26, train.classes());
        assertEquals("25", train.classNames().get(25));
    }

    @Test
    void noIdxFilesIsNotAnIdxFolder() throws IOException {
        assertEquals(Optional.empty(), IdxFiles.find(dir, List.of()));
    }

    @Test
    void imagesWithoutLabelsNameTheMissingFile() throws IOException {
        DataFixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), DataFixtures.images(3), true);
        DataException e = assertThrows(DataException.class, () -> IdxFiles.find(dir, List.of()));
        assertEquals(dir + ": has train-images-idx3-ubyte.gz but no train-labels-idx1-ubyte[.gz]", e.getMessage());
    }

    @Test
    void testFilesAloneAreNotEnough() throws IOException {
        DataFixtures.write(dir.resolve("t10k-images-idx3-ubyte"), DataFixtures.images(3), false);
        DataFixtures.write(dir.resolve("t10k-labels-idx1-ubyte"), DataFixtures.labels(3), false);
        DataException e = assertThrows(DataException.class, () -> IdxFiles.find(dir, List.of()));
        assertEquals(dir + ": has test IDX files (t10k-*) but no training files (train-images-idx3-ubyte[.gz] and "
                + "train-labels-idx1-ubyte[.gz])", e.getMessage());
    }

    /** A broken training file: which one, its bytes, the exact problem reported. */
    static Stream<Arguments> brokenFiles() throws IOException {
        byte[] images = DataFixtures.images(5);
        byte[] gzImages = DataFixtures.gzip(images);
        byte[] badGzip = gzImages.clone();
        for (int i = 12; i < badGzip.length - 8; i++) {
            badGzip[i] ^= 0x55;
        }
        byte[] typeFloat = images.clone();
        typeFloat[2] = 0x0D;
        byte[] twoDims = DataFixtures.idx(new int[] {5, ROWS * COLS}, Arrays.copyOfRange(images, 16, 76));
        byte[] negative = images.clone();
        negative[4] = (byte) 0x80;
        return Stream.of(
                Arguments.of("images", "<html><body>404".getBytes(), "is not an IDX file: it starts with bytes 3c 68 "
                        + "74 6d, not 00 00 08 03"),
                Arguments.of("images", new byte[0], "is empty"),
                Arguments.of("images", new byte[] {0, 0}, "is not an IDX file: it starts with bytes 00 00, not 00 00 "
                        + "08 03"),
                Arguments.of("images", typeFloat, "holds IDX elements of type 0x0d (float); cnnc reads unsigned bytes "
                        + "(type 0x08), as MNIST's files are"),
                Arguments.of("images", twoDims, "has 2 dimensions, an IDX images file has 3 (count, rows, columns); "
                        + "magic number 0x00000802, expected 0x00000803"),
                Arguments.of("labels", DataFixtures.images(5), "has 3 dimensions, an IDX labels file has 1 (count); "
                        + "magic number 0x00000803, expected 0x00000801"),
                Arguments.of("images", Arrays.copyOf(images, 10), "is truncated: it ends inside its header"),
                Arguments.of("images", negative, "has a negative dimension in its header: 2147483653"),
                Arguments.of("images", DataFixtures.idx(new int[] {0, ROWS, COLS}, new byte[0]),
                        "holds no images (its header says 0)"),
                Arguments.of("labels", DataFixtures.idx(new int[] {0}, new byte[0]), "holds no labels (its header "
                        + "says 0)"),
                Arguments.of("images", DataFixtures.idx(new int[] {5, 0, COLS}, new byte[0]),
                        "has images of 0x3 pixels"),
                Arguments.of("images", Arrays.copyOf(images, images.length - 1), "is truncated: its header promises 5 "
                        + "images of 4x3 (60 bytes), but the data ends after 59 bytes"),
                Arguments.of("images", Arrays.copyOf(images, images.length + 1), "is longer than its header says: it "
                        + "holds more than 5 images of 4x3 (60 bytes)"),
                Arguments.of("labels", DataFixtures.labels(4), "has 4 labels, but train-images-idx3-ubyte has 5 "
                        + "images"),
                Arguments.of("images", Arrays.copyOf(gzImages, gzImages.length - 10), "is truncated: its gzip data "
                        + "ends early (an interrupted download?)"),
                Arguments.of("images", Arrays.copyOf(gzImages, 5), "is truncated: its gzip data ends early (an "
                        + "interrupted download?)"),
                Arguments.of("images", DataFixtures.gzip(Arrays.copyOf(images, 40)), "is truncated: its header "
                        + "promises 5 images of 4x3 (60 bytes), but the data ends after 24 bytes"),
                Arguments.of("images", badGzip, "is not valid gzip data ("),
                // (2^31 - 1) * 2^30 * 2^30 wraps a long to -2^60: once read as a negative array length
                Arguments.of("images", DataFixtures.gzip(DataFixtures.idx(new int[] {0x7fffffff, 0x40000000,
                        0x40000000}, new byte[4])), "is too large: 2147483647 images of 1073741824x1073741824 is more "
                        + "bytes than cnnc can hold in one array (2 GiB)"),
                Arguments.of("images", DataFixtures.idx(new int[] {70_000, 200, 200}, new byte[4]), "is too large: "
                        + "70000 images of 200x200 is more bytes than cnnc can hold in one array (2 GiB)"));
    }

    @ParameterizedTest
    @MethodSource("brokenFiles")
    void brokenFilesAreReportedWithTheFile(String which, byte[] bytes, String problem) throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), DataFixtures.images(5));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), DataFixtures.labels(5));
        Path broken = dir.resolve("train-" + which + "-idx" + (which.equals("images") ? 3 : 1) + "-ubyte");
        Files.write(broken, bytes);
        IdxFiles files = IdxFiles.find(dir, List.of()).orElseThrow();
        FileFormatException e = assertThrows(FileFormatException.class, files::load);
        assertEquals(broken.toString(), e.file());
        if (problem.endsWith("(")) {
            assertTrue(e.problem().startsWith(problem), e.problem());
        } else {
            assertEquals(problem, e.problem());
        }
        assertEquals(broken + ": " + e.problem(), e.getMessage());
    }

    @Test
    void testImagesOfAnotherSizeAreAnError() throws IOException {
        DataFixtures.mnistLike(dir, 3, 2, false);
        Path test = dir.resolve("t10k-images-idx3-ubyte");
        Files.write(test, DataFixtures.idx(new int[] {2, 2, 2}, new byte[8]));
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> IdxFiles.find(dir, List.of()).orElseThrow().load());
        assertEquals(test + ": has images of 2x2, but the training images in train-images-idx3-ubyte are 4x3",
                e.getMessage());
    }
}
