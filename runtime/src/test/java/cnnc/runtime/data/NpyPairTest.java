package cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.runtime.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NpyPair}: images and labels as NumPy arrays, as {@code Model.fit(x, y)} takes them. */
class NpyPairTest {
    @TempDir
    Path dir;

    private Path x;
    private Path y;

    private Dataset load() throws IOException {
        return new NpyPair(x, y).load().train();
    }

    private String error() {
        return assertThrows(FileFormatException.class, this::load).getMessage();
    }

    @Test
    void floatImagesAndIntegerLabels() throws IOException {
        x = DataFixtures.npyFloats(dir.resolve("x.npy"), new long[] {3, 1, 2, 2}, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                11);
        y = DataFixtures.npyLongs(dir.resolve("y.npy"), new long[] {3}, 2, 0, 4);
        Dataset data = load();
        assertEquals(3, data.size());
        assertArrayEquals(new long[] {1, 2, 2}, data.exampleShape());
        assertArrayEquals(new float[] {8, 9, 10, 11}, DataFixtures.example(data, 2));
        assertEquals(List.of(2, 0, 4), DataFixtures.labels(data));
        assertEquals(5, data.classes());
        assertEquals(List.of("0", "1", "2", "3", "4"), data.classNames());
        assertFalse(data.oneHotLabels());
        float[] target = new float[7];
        data.target(0, target, 1);
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 0, 0}, target);
        assertEquals(x.toString(), data.source());
        assertEquals(y.toString(), data.labelSource());
    }

    @Test
    void byteImagesOfRankThreeHaveOneChannelAndKeepTheirValues() throws IOException {
        x = DataFixtures.npyBytes(dir.resolve("x.npy"), new long[] {2, 1, 2}, 0, 255, 7, 9);
        y = DataFixtures.npyLongs(dir.resolve("y.npy"), new long[] {2, 1}, 1, 0);
        Dataset data = load();
        assertArrayEquals(new long[] {1, 2, 1}, data.exampleShape());
        assertArrayEquals(new float[] {0, 255}, DataFixtures.example(data, 0));
        assertEquals(List.of(1, 0), DataFixtures.labels(data));
    }

    @Test
    void flatFeatures() throws IOException {
        x = DataFixtures.npyFloats(dir.resolve("x.npy"), new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        y = DataFixtures.npyFloats(dir.resolve("y.npy"), new long[] {2}, 0, 1);
        assertArrayEquals(new long[] {3}, load().exampleShape());
    }

    @Test
    void oneHotAndSoftLabels() throws IOException {
        x = DataFixtures.npyFloats(dir.resolve("x.npy"), new long[] {3, 1}, 1, 2, 3);
        y = DataFixtures.npyFloats(dir.resolve("y.npy"), new long[] {3, 3}, 0, 0, 1, 1, 0, 0, .1f, .8f, .1f);
        Dataset data = load();
        assertTrue(data.oneHotLabels());
        assertEquals(3, data.classes());
        assertEquals(List.of(2, 0, 1), DataFixtures.labels(data));
        float[] target = new float[3];
        data.target(2, target, 0);
        assertArrayEquals(new float[] {.1f, .8f, .1f}, target);
    }

    @Test
    void errorTable() throws IOException {
        x = DataFixtures.npyFloats(dir.resolve("x.npy"), new long[] {2, 1}, 1, 2);
        y = DataFixtures.npyLongs(dir.resolve("y.npy"), new long[] {3}, 0, 1, 2);
        assertEquals(y + ": has 3 labels, but x.npy has 2 examples", error());
        y = DataFixtures.npyLongs(dir.resolve("y.npy"), new long[] {2}, 0, -1);
        assertEquals(y + ": label -1 at example 1 is negative; labels are class numbers from 0", error());
        y = DataFixtures.npyLongs(dir.resolve("y.npy"), new long[] {2}, 5_000_000_000L, 1);
        assertEquals(y + ": label 5000000000 at example 0 is too large; labels are class numbers from 0", error());
        y = DataFixtures.npyFloats(dir.resolve("y.npy"), new long[] {2}, 0.5f, 1);
        assertTrue(error().startsWith(y + ": "));
        y = DataFixtures.npyLongs(dir.resolve("y.npy"), new long[] {2, 1, 1}, 0, 1);
        assertEquals(y + ": has shape [2, 1, 1]; labels are [N] class numbers or [N, K] one-hot rows", error());
        y = DataFixtures.npyFloats(dir.resolve("y.npy"), new long[] {2, 2}, 0, 1, 0, 0);
        assertEquals(y + ": row 1 is all zeros; one-hot labels have a 1 in the example's class", error());
        y = DataFixtures.npyFloats(dir.resolve("y.npy"), new long[] {2, 2}, 0, 1, Float.NaN, 1);
        assertEquals(y + ": row 1 has NaN in column 0; one-hot labels are rows of finite values, 0 or more",
                error());
        y = DataFixtures.npyFloats(dir.resolve("y.npy"), new long[] {2, 2}, 0, 1, -1, 1);
        assertEquals(y + ": row 1 has -1.0 in column 0; one-hot labels are rows of finite values, 0 or more",
                error());
        y = DataFixtures.npyFloats(dir.resolve("y.npy"), new long[] {2, 0});
        assertEquals(y + ": has label rows of 0 values (shape [2, 0])", error());

        y = DataFixtures.npyLongs(dir.resolve("y.npy"), new long[] {2}, 0, 1);
        x = DataFixtures.npyFloats(dir.resolve("x.npy"), new long[] {2}, 1, 2);
        assertEquals(x + ": has shape [2]; images are [N, H, W, C] (or [N, H, W] for one channel, or "
                + "[N, features])", error());
        x = DataFixtures.npyFloats(dir.resolve("x.npy"), new long[] {0, 28, 28, 1});
        assertEquals(x + ": holds no examples (shape [0, 28, 28, 1])", error());
        x = DataFixtures.npyFloats(dir.resolve("x.npy"), new long[] {2, 0, 28, 1});
        assertEquals(x + ": holds empty examples (shape [2, 0, 28, 1])", error());
        x = dir.resolve("broken.npy");
        java.nio.file.Files.writeString(x, "not numpy");
        assertTrue(error().startsWith(x + ": "));
    }
}
