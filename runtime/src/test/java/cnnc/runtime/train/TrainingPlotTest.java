package cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.runtime.io.FileFormatException;
import cnnc.runtime.train.TrainingPlot.Epoch;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TrainingPlot}: a decodable PNG of the stated size that shows the curves it is given, and the log reader. */
class TrainingPlotTest {
    private static final int TRAINING = 0x1f77b4;
    private static final int VALIDATION = 0xff7f0e;
    private static final double NAN = Double.NaN;

    @TempDir
    Path dir;

    /** A run that learns: loss falls, accuracy rises, validation a little worse. */
    static List<Epoch> learning(int epochs, boolean validation) {
        List<Epoch> out = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            double loss = 2.3 * Math.exp(-0.35 * e) + 0.2;
            double accuracy = 1 - 0.9 * Math.exp(-0.4 * e);
            out.add(new Epoch(e, loss, accuracy, validation ? loss * 1.15 + 0.05 : NAN,
                    validation ? accuracy * 0.95 : NAN));
        }
        return out;
    }

    private BufferedImage writeAndRead(String name, List<Epoch> epochs) throws IOException {
        Path png = dir.resolve(name);
        TrainingPlot.write(png, epochs);
        return decode(png);
    }

    private static BufferedImage decode(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image != null, "not a decodable image: " + png);
        assertEquals(TrainingPlot.WIDTH, image.getWidth(), "width");
        assertEquals(TrainingPlot.HEIGHT, image.getHeight(), "height");
        return image;
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static long count(BufferedImage image, int rgb) {
        return Arrays.stream(pixels(image)).filter(p -> (p & 0xFFFFFF) == rgb).count();
    }

    /** How many pixels of the panel ({@code 0} loss, {@code 1} accuracy) are in the colour. */
    private static long count(BufferedImage image, int rgb, int panel) {
        int half = image.getWidth() / 2;
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = panel * half; x < (panel + 1) * half; x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void writesAPngOfTheStatedSizeWithBothLinesInBothPanels() throws IOException {
        BufferedImage image = writeAndRead("plot.png", learning(12, true));
        for (int panel = 0; panel < 2; panel++) {
            assertTrue(count(image, TRAINING, panel) > 100, "training line in panel " + panel);
            assertTrue(count(image, VALIDATION, panel) > 100, "validation line in panel " + panel);
        }
        // Axes, ticks and text: dark gray pixels.
        assertTrue(Arrays.stream(pixels(image)).filter(p -> (p & 0xFF) == (p >> 8 & 0xFF)
                && (p & 0xFF) == (p >> 16 & 0xFF) && (p & 0xFF) < 120).count() > 1000, "axes and labels");
    }

    @Test
    void differentCurvesGiveDifferentPixels() throws IOException {
        List<Epoch> a = learning(10, true);
        List<Epoch> b = new ArrayList<>(a);
        b.set(5, new Epoch(6, 3.0, 0.2, 3.5, 0.1));
        int[] pa = pixels(writeAndRead("a.png", a));
        int[] pb = pixels(writeAndRead("b.png", b));
        int differ = 0;
        for (int i = 0; i < pa.length; i++) {
            differ += pa[i] != pb[i] ? 1 : 0;
        }
        assertTrue(differ > 500, "only " + differ + " pixels differ");
        // And the same curves draw the same image.
        assertArrayEquals(pa, pixels(writeAndRead("a2.png", a)));
    }

    @Test
    void oneEpochIsAPointOnEachPanel() throws IOException {
        BufferedImage image = writeAndRead("one.png", learning(1, true));
        for (int panel = 0; panel < 2; panel++) {
            assertTrue(count(image, TRAINING, panel) >= 9, "training marker in panel " + panel);
            assertTrue(count(image, VALIDATION, panel) >= 9, "validation marker in panel " + panel);
        }
    }

    @Test
    void withoutValidationThereIsNoValidationLine() throws IOException {
        BufferedImage image = writeAndRead("train_only.png", learning(8, false));
        assertTrue(count(image, TRAINING) > 200, "training line");
        assertEquals(0, count(image, VALIDATION), "validation pixels");
    }

    @Test
    void gapsConstantValuesAndNoEpochsStillDraw() throws IOException {
        List<Epoch> gaps = learning(6, true);
        gaps.set(2, new Epoch(3, NAN, NAN, NAN, NAN));
        assertTrue(count(writeAndRead("gaps.png", gaps), TRAINING) > 50);
        List<Epoch> flat = List.of(new Epoch(1, 0.5, 1, NAN, NAN), new Epoch(2, 0.5, 1, NAN, NAN));
        assertTrue(count(writeAndRead("flat.png", flat), TRAINING) > 50);
        writeAndRead("empty.png", List.of());
        List<Epoch> large = List.of(new Epoch(1, 4e7, 0.1, NAN, NAN), new Epoch(300, 1e-3, 0.9, NAN, NAN));
        writeAndRead("large.png", large);
    }

    @Test
    void thePixelFontDrawsWhereTheJreHasNoFonts() throws IOException {
        Path png = dir.resolve("pixels.png");
        TrainingPlot.write(png, learning(5, true), false);
        BufferedImage image = decode(png);
        assertTrue(count(image, TRAINING) > 100);
        assertFalse(Arrays.equals(pixels(image), pixels(writeAndRead("font.png", learning(5, true)))));
    }

    @Test
    void fromCsvReadsTheTrainLogWithEmptyValidationFields() throws IOException {
        Path csv = dir.resolve("log.csv");
        Files.writeString(csv, """
                epoch,loss,accuracy,val_loss,val_accuracy,seconds,images_per_s
                1,1.200000,0.550000,,,1.250,4800.0
                2,0.800000,0.700000,,,1.100,5100.0
                3,0.600000,0.780000,,,1.000,5300.5
                """);
        Path png = dir.resolve("log.png");
        TrainingPlot.fromCsv(csv, png);
        List<Epoch> expected = List.of(new Epoch(1, 1.2, 0.55, NAN, NAN), new Epoch(2, 0.8, 0.7, NAN, NAN),
                new Epoch(3, 0.6, 0.78, NAN, NAN));
        assertEquals(expected, TrainingPlot.readCsv(csv));
        assertEquals(expected, TrainingPlot.parseCsv(csv, Files.readString(csv)));
        assertArrayEquals(pixels(TrainingPlot.render(expected, true)), pixels(decode(png)));
        assertEquals(0, count(decode(png), VALIDATION));
    }

    @Test
    void fromCsvWithValidationAndColumnsInAnotherOrder() throws IOException {
        Path csv = dir.resolve("log.csv");
        Files.writeString(csv, "val_accuracy,loss,epoch,accuracy,val_loss\n0.5,1.0,1,0.6,1.1\n0.6,0.9,2,0.7,nan\n");
        assertEquals(List.of(new Epoch(1, 1.0, 0.6, 1.1, 0.5), new Epoch(2, 0.9, 0.7, NAN, 0.6)),
                TrainingPlot.readCsv(csv));
    }

    @Test
    void fromCsvNamesTheFileAndLineOfABadLog() throws IOException {
        record Case(String text, String message) {
        }
        List<Case> cases = List.of(
                new Case("", "is empty"),
                new Case("epoch,accuracy\n1,0.5\n", "has no column `loss`"),
                new Case("epoch,loss,accuracy\n1,0.5,0.1\n2,zero,0.2\n", "line 3: loss `zero` is not a number"),
                new Case("epoch,loss,accuracy\n1.5,0.5,0.1\n", "line 2: epoch `1.5` is not a whole number"),
                new Case("epoch,loss,accuracy\n1,0.5\n", "line 2 has 2 fields, the header 3"));
        for (Case c : cases) {
            Path csv = dir.resolve("bad.csv");
            Files.writeString(csv, c.text);
            Path png = dir.resolve("bad.png");
            FileFormatException e = assertThrows(FileFormatException.class, () -> TrainingPlot.fromCsv(csv, png));
            assertEquals(csv + ": " + c.message, e.getMessage().substring(0, (csv + ": " + c.message).length()),
                    c.text);
            assertFalse(Files.exists(png), "no plot for a bad log");
        }
    }

    @Test
    void writingIsAtomic() throws IOException {
        Path png = dir.resolve("plot.png");
        TrainingPlot.write(png, learning(3, false));
        byte[] before = Files.readAllBytes(png);
        assertThrows(IOException.class, () -> TrainingPlot.write(dir.resolve("missing/plot.png"), learning(3, false)));
        assertArrayEquals(before, Files.readAllBytes(png));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("plot.png"), files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
