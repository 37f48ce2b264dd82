package cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * last.safetensors after every epoch, best.safetensors only on strict improvement, as Keras'
 * ModelCheckpoint(save_best_only=True): np.less / np.greater against a best that starts at +inf / -inf.
 */
class CheckpointDirTest {
    @TempDir
    Path root;

    private static Checkpoint epoch(int epoch) {
        Map<String, Tensor> w = Map.of("dense.kernel", new Tensor(new long[] {2}, new float[] {epoch, -epoch}));
        return Checkpoint.of("lenet", w, new Sgd(), epoch + 1, 42, Double.NaN);
    }

    /** Saves one epoch per value; returns whether each one was the new best. */
    private static boolean[] run(CheckpointDir dir, double... values) throws IOException {
        boolean[] best = new boolean[values.length];
        for (int e = 0; e < values.length; e++) {
            best[e] = dir.save(epoch(e), values[e]);
            assertEquals(e + 1, Checkpoint.read(dir.last()).epoch(), "last is always the latest epoch");
        }
        return best;
    }

    @Test
    void minKeepsTheLowestStrictly() throws IOException {
        CheckpointDir dir = new CheckpointDir(root.resolve("run"), "val_loss", MonitorMode.MIN);
        // 0.8 again is not better than 0.8, NaN is never better, 0.6 is worse than 0.5
        boolean[] best = run(dir, 1.0, 0.8, 0.9, 0.8, 0.5, Double.NaN, 0.6);
        assertArrayEquals(new boolean[] {true, true, false, false, true, false, false}, best);
        Checkpoint b = Checkpoint.read(dir.best());
        assertEquals(5, b.epoch(), "best is epoch index 4, saved as 5 epochs completed");
        assertEquals(0.5, b.best());
        assertEquals(Map.of("monitor", "val_loss", "mode", "min"), b.extra());
        Checkpoint last = Checkpoint.read(dir.last());
        assertEquals(7, last.epoch());
        assertEquals(0.5, last.best(), "last carries the best so far, to resume from");
        assertEquals(0.5, dir.bestValue());
    }

    @Test
    void maxKeepsTheHighestStrictly() throws IOException {
        CheckpointDir dir = new CheckpointDir(root, "val_accuracy", MonitorMode.MAX);
        boolean[] best = run(dir, 0.5, 0.7, 0.7, 0.6, 0.9, 0.89);
        assertArrayEquals(new boolean[] {true, true, false, false, true, false}, best);
        assertEquals(5, Checkpoint.read(dir.best()).epoch());
        assertEquals(0.9, Checkpoint.read(dir.last()).best());
    }

    @Test
    void nanFirstWritesNoBest() throws IOException {
        CheckpointDir dir = new CheckpointDir(root, "val_loss", MonitorMode.MIN);
        assertFalse(dir.save(epoch(0), Double.NaN));
        assertFalse(Files.exists(dir.best()));
        assertTrue(Double.isNaN(Checkpoint.read(dir.last()).best()), "no best yet is saved as NaN");
        assertTrue(dir.save(epoch(1), 3.0));
        assertTrue(Files.exists(dir.best()));
    }

    @Test
    void resumingKeepsTheEarlierBest() throws IOException {
        CheckpointDir first = new CheckpointDir(root, "val_loss", MonitorMode.MIN);
        run(first, 1.0, 0.5, 0.7);
        double saved = Checkpoint.read(first.last()).best();

        CheckpointDir resumed = new CheckpointDir(root, "val_loss", MonitorMode.MIN, saved);
        assertFalse(resumed.save(epoch(3), 0.6), "0.6 does not beat 0.5 from before the interruption");
        assertEquals(2, Checkpoint.read(resumed.best()).epoch());
        assertTrue(resumed.save(epoch(4), 0.4));
        assertEquals(5, Checkpoint.read(resumed.best()).epoch());
    }

    @Test
    void aFolderInTheWayIsReported() throws IOException {
        Path file = root.resolve("not-a-folder");
        Files.writeString(file, "x");
        CheckpointDir dir = new CheckpointDir(file, "val_loss", MonitorMode.MIN);
        assertThrows(IOException.class, () -> dir.save(epoch(0), 1.0));
    }

    private static void assertArrayEquals(boolean[] expected, boolean[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }
}
