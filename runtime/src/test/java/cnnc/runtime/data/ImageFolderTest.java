package cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.runtime.io.FileFormatException;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ImageFolder}: Keras' {@code image_dataset_from_directory} on generated PNG, JPEG, BMP and GIF files. */
class ImageFolderTest {
    @TempDir
    Path dir;

    private Dataset load(long... shape) throws IOException {
        return new ImageFolder(dir).load(shape).train();
    }

    private static BufferedImage gray(int width, int height, int type, int[] samples) {
        BufferedImage image = new BufferedImage(width, height, type);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, samples[y * width + x]);
            }
        }
        return image;
    }

    @Test
    void classesAreSubFoldersSortedByNameAndFilesAreSortedWithin() throws IOException {
        DataFixtures.solid(dir.resolve("zebra/b.png"), 0);
        DataFixtures.solid(dir.resolve("zebra/a.PNG"), 0);
        DataFixtures.solid(dir.resolve("zebra/sub/a.png"), 0);
        DataFixtures.solid(dir.resolve("ant/x.jpg"), 0);
        DataFixtures.solid(dir.resolve("Bee/y.bmp"), 0);
        Files.createDirectories(dir.resolve("empty"));
        DataFixtures.solid(dir.resolve(".ipynb_checkpoints/z.png"), 0);
        DataFixtures.solid(dir.resolve("ant/._x.png"), 0);
        DataFixtures.solid(dir.resolve("ant/.thumbs/x.png"), 0);
        Files.writeString(dir.resolve("ant/notes.txt"), "not an image");
        DataFixtures.solid(dir.resolve("stray.png"), 0);
        Dataset data = load(4, 5, 3);
        assertEquals(List.of("Bee", "ant", "empty", "zebra"), data.classNames());
        assertEquals(4, data.classes());
        assertEquals(List.of(0, 1, 3, 3, 3), DataFixtures.labels(data));
        List<String> names = IntStream.range(0, data.size()).mapToObj(data::exampleName).toList();
        assertEquals(List.of("Bee/y.bmp", "ant/x.jpg", "zebra/a.PNG", "zebra/b.png", "zebra/sub/a.png"), names);
        assertEquals(dir.toString(), data.source());
    }

    @Test
    void valuesStayInZeroTo255AsKerasGivesThem() throws IOException {
        DataFixtures.writeImage(dir.resolve("c/rgb.png"), DataFixtures.image(2, 1, BufferedImage.TYPE_INT_RGB,
                (x, y) -> x == 0 ? 0xFFC86432 : 0xFF00FF01));
        Dataset data = load(1, 2, 3);
        assertArrayEquals(new long[] {1, 2, 3}, data.exampleShape());
        assertArrayEquals(new float[] {200, 100, 50, 0, 255, 1}, DataFixtures.example(data, 0));
    }

    @Test
    void grayscaleIsBt601Luminance() throws IOException {
        DataFixtures.writeImage(dir.resolve("c/rgb.png"), DataFixtures.image(2, 1, BufferedImage.TYPE_INT_RGB,
                (x, y) -> x == 0 ? 0xFFC86432 : 0xFFFFFFFF));
        assertArrayEquals(new float[] {124, 255}, DataFixtures.example(load(1, 2, 1), 0));
    }

    @Test
    void grayFilesKeepTheirSamples() throws IOException {
        DataFixtures.writeImage(dir.resolve("c/g8.png"), gray(2, 1, BufferedImage.TYPE_BYTE_GRAY, new int[] {128, 7}));
        DataFixtures.writeImage(dir.resolve("c/g16.png"), gray(2, 1, BufferedImage.TYPE_USHORT_GRAY,
                new int[] {65535, 257 * 128}));
        Dataset gray = load(1, 2, 1);
        assertEquals("c/g16.png", gray.exampleName(0));
        assertArrayEquals(new float[] {255, 128}, DataFixtures.example(gray, 0));
        assertArrayEquals(new float[] {128, 7}, DataFixtures.example(gray, 1));
        assertArrayEquals(new float[] {128, 128, 128, 7, 7, 7}, DataFixtures.example(load(1, 2, 3), 1));
    }

    @Test
    void alphaIsDroppedForRgbAndKeptForRgba() throws IOException {
        DataFixtures.writeImage(dir.resolve("c/a.png"), DataFixtures.image(1, 1, BufferedImage.TYPE_INT_ARGB,
                (x, y) -> 0x80102030));
        assertArrayEquals(new float[] {16, 32, 48}, DataFixtures.example(load(1, 1, 3), 0));
        assertArrayEquals(new float[] {16, 32, 48, 128}, DataFixtures.example(load(1, 1, 4), 0));
        assertArrayEquals(new float[] {16, 32, 48, 255}, DataFixtures.example(loadSolid(0x102030), 0));
    }

    private Dataset loadSolid(int rgb) throws IOException {
        Path other = dir.resolve("solid");
        DataFixtures.solid(other.resolve("c/s.png"), rgb);
        return new ImageFolder(other).load(new long[] {1, 1, 4}).train();
    }

    @Test
    void resizesBilinearlyWithHalfPixelCentresAsTensorFlow() throws IOException {
        DataFixtures.writeImage(dir.resolve("c/up.png"), gray(2, 2, BufferedImage.TYPE_BYTE_GRAY,
                new int[] {0, 100, 100, 200}));
        // tf.image.resize([[0, 100], [100, 200]], [4, 4]): source weights 0, .25, .75, 1 along each axis.
        float[] f = {0, .25f, .75f, 1};
        float[] expected = new float[16];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                expected[y * 4 + x] = 100 * (f[x] + f[y]);
            }
        }
        assertArrayEquals(expected, DataFixtures.example(load(4, 4, 1), 0));
    }

    @Test
    void downscalingSamplesWithoutAntialiasing() {
        float[] out = new float[2];
        BilinearResize.resize(new float[] {0, 10, 20, 30}, 1, 4, 1, out, 0, 1, 2);
        assertArrayEquals(new float[] {5, 25}, out);
        float[] up = new float[4];
        BilinearResize.resize(new float[] {1, 2}, 1, 2, 1, up, 0, 1, 4);
        assertArrayEquals(new float[] {1, 1.25f, 1.75f, 2}, up);
    }

    @Test
    void readsJpegBmpAndGif() throws IOException {
        DataFixtures.solid(dir.resolve("c/a.jpg"), 0x3366CC);
        DataFixtures.solid(dir.resolve("c/b.jpeg"), 0x3366CC);
        DataFixtures.solid(dir.resolve("c/c.bmp"), 0x3366CC);
        // 8x8: the JDK's GIF writer loses the last row of some small sizes (5x4, 20x3).
        DataFixtures.writeImage(dir.resolve("c/d.gif"), DataFixtures.image(8, 8, BufferedImage.TYPE_BYTE_INDEXED,
                (x, y) -> 0xFF3366CC));
        Dataset data = load(8, 8, 3);
        for (int i = 0; i < data.size(); i++) {
            float[] x = DataFixtures.example(data, i);
            assertEquals(8 * 8 * 3, x.length);
            for (int k = 0; k < x.length; k += 3) {
                assertEquals(0x33, x[k], 6, data.exampleName(i));
                assertEquals(0x66, x[k + 1], 6, data.exampleName(i));
                assertEquals(0xCC, x[k + 2], 6, data.exampleName(i));
            }
        }
    }

    @Test
    void theDefaultShapeIsKeras256x256Rgb() throws IOException {
        DataFixtures.solid(dir.resolve("c/a.png"), 0);
        assertArrayEquals(new long[] {256, 256, 3}, new ImageFolder(dir).load().train().exampleShape());
        assertArrayEquals(new long[] {8, 9, 1}, load(-1, 8, 9, 1).exampleShape());
    }

    @Test
    void validationSplitIsSeededAndDisjoint() throws IOException {
        for (int i = 0; i < 10; i++) {
            DataFixtures.solid(dir.resolve((i % 2 == 0 ? "even" : "odd") + "/" + i + ".png"), i);
        }
        Dataset data = load(4, 5, 3);
        Split split = data.validationSplit(0.25, 7);
        Dataset train = split.train();
        Dataset validation = split.test().orElseThrow();
        assertEquals(8, train.size());
        assertEquals(2, validation.size());
        Set<String> all = new HashSet<>();
        for (Dataset part : List.of(train, validation)) {
            for (int i = 0; i < part.size(); i++) {
                all.add(part.exampleName(i));
                assertEquals(part.exampleName(i).startsWith("even") ? 0 : 1, part.label(i));
            }
        }
        assertEquals(10, all.size());
        assertEquals(names(validation), names(data.validationSplit(0.25, 7).test().orElseThrow()));
        assertNotEquals(names(train), names(data.validationSplit(0.25, 8).train()));
        assertEquals(data.classNames(), train.classNames());
        assertArrayEquals(data.exampleShape(), validation.exampleShape());
    }

    private static List<String> names(Dataset data) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            names.add(data.exampleName(i));
        }
        return names;
    }

    @Test
    void aFileThatIsNoImageFailsAtLoading() throws IOException {
        DataFixtures.solid(dir.resolve("c/good.png"), 0);
        Path bad = dir.resolve("c/bad.png");
        Files.writeString(bad, "this is not a PNG file at all");
        FileFormatException e = assertThrows(FileFormatException.class, () -> load(4, 4, 3));
        assertEquals(bad + ": is not an image javax.imageio can read (PNG, JPEG, BMP or GIF)", e.getMessage());
    }

    @Test
    void aTruncatedImageFailsWhenReadNamingTheFile() throws IOException {
        Path png = DataFixtures.writeImage(dir.resolve("c/cut.png"), DataFixtures.image(64, 64,
                BufferedImage.TYPE_INT_RGB, (x, y) -> x * 977 + y * 131 * 7919));
        byte[] bytes = Files.readAllBytes(png);
        Files.write(png, Arrays.copyOf(bytes, bytes.length / 2));
        Dataset data = load(8, 8, 3);
        FileFormatException e = assertThrows(FileFormatException.class, () -> DataFixtures.example(data, 0));
        assertEquals(png.toString(), e.file());
        assertTrue(e.problem().startsWith("cannot be decoded as PNG ("), e.problem());

        try (Batches batches = Batches.open(data, BatchOptions.inOrder(1), 0)) {
            FileFormatException viaBatches = assertThrows(FileFormatException.class, batches::next);
            assertEquals(png.toString(), viaBatches.file());
        }
    }

    @Test
    void aTruncatedJpegIsAnErrorNotAGrayFill() throws IOException {
        Path jpg = DataFixtures.writeImage(dir.resolve("c/cut.jpg"), DataFixtures.image(64, 64,
                BufferedImage.TYPE_INT_RGB, (x, y) -> x * 977 + y * 131 * 7919));
        byte[] bytes = Files.readAllBytes(jpg);
        Files.write(jpg, Arrays.copyOf(bytes, bytes.length / 2));
        Dataset data = load(8, 8, 3);
        FileFormatException e = assertThrows(FileFormatException.class, () -> DataFixtures.example(data, 0));
        assertEquals(jpg.toString(), e.file());
        assertTrue(e.problem().startsWith("is damaged: ") || e.problem().startsWith("cannot be decoded as JPEG ("),
                e.problem());
    }

    @Test
    void errorTable() throws IOException {
        Files.createDirectories(dir.resolve("a"));
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("a/readme.txt"), "");
        assertEquals(dir + ": holds no images; looked for .bmp, .gif, .jpeg, .jpg, .png files in its sub-folders "
                + "[a, b]", assertThrows(DataException.class, () -> load(4, 4, 3)).getMessage());
        DataFixtures.solid(dir.resolve("a/1.png"), 0);
        assertEquals(dir + ": image folders convert images to 1 (grayscale), 3 (RGB) or 4 (RGBA) channels, not 2",
                assertThrows(DataException.class, () -> load(4, 4, 2)).getMessage());
        assertEquals(dir + ": cannot convert images to shape [784]; image folders need [height, width, channels]",
                assertThrows(DataException.class, () -> load(784)).getMessage());
        Path flat = dir.resolve("a");
        assertEquals(flat + ": has no sub-folders; an image folder has one sub-folder of images per class",
                assertThrows(DataException.class, () -> new ImageFolder(flat).load()).getMessage());
    }
}
