package cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.fail;

import cnnc.runtime.io.FileFormatException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Damaged data files either load (a changed pixel is just another pixel) or fail with a {@link FileFormatException}
 * naming the file; never with an unchecked exception, an out-of-memory error, or a hang.
 */
class DamagedDataTest {
    @Property(tries = 300)
    void idxSurvivesByteDamage(@ForAll boolean gz, @ForAll @IntRange(min = 0, max = 10_000) int where,
                               @ForAll byte value, @ForAll @IntRange(min = 1, max = 3) int count,
                               @ForAll @IntRange(min = 0, max = 30) int cut) throws IOException {
        Path dir = Files.createTempDirectory("cnnc-idx");
        try {
            DataFixtures.mnistLike(dir, 6, 2, gz);
            Path file = dir.resolve("train-images-idx3-ubyte" + (gz ? ".gz" : ""));
            Files.write(file, damage(Files.readAllBytes(file), where, value, count, cut));
            try {
                IdxFiles.find(dir, IdxFiles.DIGITS).orElseThrow().load();
            } catch (FileFormatException e) {
                check(e, file);
            }
        } finally {
            delete(dir);
        }
    }

    @Property(tries = 150)
    void imagesSurviveByteDamage(@ForAll boolean jpeg,
                                 @ForAll @IntRange(min = 0, max = 10_000) int where, @ForAll byte value,
                                 @ForAll @IntRange(min = 1, max = 3) int count,
                                 @ForAll @IntRange(min = 0, max = 30) int cut) throws IOException {
        Path dir = Files.createTempDirectory("cnnc-images");
        try {
            Path file = DataFixtures.writeImage(dir.resolve("c/x." + (jpeg ? "jpg" : "png")), DataFixtures.image(
                    16, 12, BufferedImage.TYPE_INT_RGB, (x, y) -> x * 0x0F0A05 + y * 0x030507));
            Files.write(file, damage(Files.readAllBytes(file), where, value, count, cut));
            try {
                Dataset data = new ImageFolder(dir).load(new long[] {8, 8, 3}).train();
                DataFixtures.example(data, 0);
            } catch (FileFormatException e) {
                check(e, file);
            }
        } finally {
            delete(dir);
        }
    }

    /** Overwrites bytes near the start (where headers are) or anywhere, and may cut the end off. */
    private static byte[] damage(byte[] bytes, int where, byte value, int count, int cut) {
        int at = where % (where % 2 == 0 ? Math.min(bytes.length, 64) : bytes.length);
        for (int i = at; i < Math.min(bytes.length, at + count); i++) {
            bytes[i] = value;
        }
        return java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));
    }

    private static void check(FileFormatException e, Path file) {
        if (!e.file().equals(file.toString()) || e.problem().isBlank()) {
            fail("the error names " + e.file() + ", not " + file + ": " + e.getMessage());
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
