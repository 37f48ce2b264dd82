package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Damaged files either read (a flipped data byte is just another number) or fail with a
 * {@link FileFormatException}; never with an unchecked exception, an out-of-memory error or another I/O error.
 */
class CorruptionTest {

    @Property(tries = 400)
    void safetensorsSurvivesByteDamage(@ForAll("safetensorsFixtures") String fixture,
                                       @ForAll @IntRange(min = 0, max = 100_000) int where,
                                       @ForAll byte value, @ForAll @IntRange(min = 1, max = 3) int count)
            throws IOException {
        checkDamaged(fixture, where, value, count, file -> Safetensors.read(file));
    }

    @Property(tries = 400)
    void npySurvivesByteDamage(@ForAll("npyFixtures") String fixture,
                               @ForAll @IntRange(min = 0, max = 100_000) int where,
                               @ForAll byte value, @ForAll @IntRange(min = 1, max = 3) int count)
            throws IOException {
        checkDamaged(fixture, where, value, count, file -> Npy.read(file));
        checkDamaged(fixture, where, value, count, file -> Npy.readLabels(file));
    }

    @Provide
    Arbitrary<String> safetensorsFixtures() {
        return Arbitraries.of("f32.safetensors", "mixed.safetensors", "writer_reference.safetensors");
    }

    @Provide
    Arbitrary<String> npyFixtures() {
        return Arbitraries.of("f4_le.npy", "f8_be.npy", "int_na_b1.npy", "version2.npy", "version3.npy",
                "scalar.npy", "labels_i8.npy");
    }

    /** Overwrites {@code count} bytes from a position in the header-heavy first part, or anywhere. */
    private static void checkDamaged(String fixture, int where, byte value, int count, IOConsumer<Path> reader)
            throws IOException {
        byte[] bytes = Fixtures.bytes(fixture);
        int at = where % (where % 2 == 0 ? Math.min(bytes.length, 128) : bytes.length);
        for (int i = at; i < Math.min(bytes.length, at + count); i++) {
            bytes[i] = value;
        }
        Path file = Files.createTempFile("cnnc-damaged", ".bin");
        try {
            Files.write(file, bytes);
            reader.accept(file);
        } catch (FileFormatException expected) {
            // A clear refusal is fine.
        } catch (RuntimeException | Error | IOException e) {
            fail(fixture + " damaged at byte " + at + " with " + value + " failed with " + e, e);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
