package cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.runtime.io.FileFormatException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Batches}: seeded order, the partial last batch, buffer contents, prefetching and its thread. */
class BatchesTest {
    /** Every index the epoch visits, batch by batch, with each batch's contents checked against the data set. */
    private static List<Integer> epoch(Dataset data, BatchOptions options, int epoch) throws IOException {
        List<Integer> visited = new ArrayList<>();
        try (Batches batches = Batches.open(data, options, epoch)) {
            int number = 0;
            while (batches.hasNext()) {
                Batch b = batches.next();
                assertEquals(number++, b.number());
                checkContents(data, b);
                for (int k = 0; k < b.size(); k++) {
                    visited.add(b.indices()[k]);
                }
            }
            assertEquals(batches.batchCount(), number);
        }
        return visited;
    }

    private static void checkContents(Dataset data, Batch b) throws IOException {
        int length = data.exampleLength();
        int classes = data.classes();
        float[] expected = new float[length];
        float[] target = new float[classes];
        for (int k = 0; k < b.size(); k++) {
            int i = b.indices()[k];
            data.example(i, expected, 0);
            assertArrayEquals(expected, Arrays.copyOfRange(b.images(), k * length, (k + 1) * length));
            assertEquals(data.label(i), b.labels()[k]);
            data.target(i, target, 0);
            assertArrayEquals(target, Arrays.copyOfRange(b.targets(), k * classes, (k + 1) * classes));
        }
        for (int k = b.size() * length; k < b.images().length; k++) {
            assertEquals(0f, b.images()[k], "padding after a partial batch");
        }
    }

    @Test
    void theSameSeedAndEpochGiveTheSameOrder() throws IOException {
        Dataset data = new ArrayDataset(50, 3, 4);
        BatchOptions options = BatchOptions.shuffled(8, 42);
        List<Integer> first = epoch(data, options, 3);
        assertEquals(first, epoch(data, options, 3));
        assertEquals(first, epoch(data, options.withPrefetch(0), 3));
        assertEquals(first, epoch(data, BatchOptions.shuffled(7, 42), 3), "independent of the batch size");
        assertEquals(first, Arrays.stream(Batches.order(50, options, 3)).boxed().toList());
        assertFalse(first.equals(epoch(data, options, 4)), "another epoch, another order");
        assertFalse(first.equals(epoch(data, BatchOptions.shuffled(8, 43), 3)), "another seed, another order");
        assertEquals(first.stream().sorted().toList(), epoch(data, BatchOptions.inOrder(8), 0));
    }

    @Test
    void theOrderIsAFixedFunctionOfSeedAndEpoch() {
        // Pinned so that a change of generator or mixing, which would change every user's training run, shows.
        assertArrayEquals(new int[] {4, 5, 2, 0, 1, 3},
                Batches.order(6, BatchOptions.shuffled(1, 1234), 0));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, Batches.order(6, BatchOptions.inOrder(1), 9));
    }

    @Test
    void theLastBatchKeepsTheRemainder() throws IOException {
        Dataset data = new ArrayDataset(10, 2, 3);
        try (Batches batches = Batches.open(data, BatchOptions.inOrder(4), 0)) {
            assertEquals(3, batches.batchCount());
            assertEquals(4, batches.next().size());
            assertEquals(4, batches.next().size());
            Batch last = batches.next();
            assertEquals(2, last.size());
            assertEquals(2, last.number());
            assertArrayEquals(new int[] {8, 9, 0, 0}, last.indices());
            assertArrayEquals(new int[] {2, 0, 0, 0}, last.labels());
            assertArrayEquals(new float[] {8000, 8001, 9000, 9001, 0, 0, 0, 0}, last.images());
            assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, last.targets());
            assertFalse(batches.hasNext());
            assertThrows(NoSuchElementException.class, batches::next);
        }
    }

    @Test
    void oneBatchLargerThanTheDataSet() throws IOException {
        assertEquals(List.of(0, 1, 2), epoch(new ArrayDataset(3, 1, 2), BatchOptions.inOrder(100), 0));
    }

    @Test
    void buffersAreReused() throws IOException {
        Dataset data = new ArrayDataset(100, 2, 3);
        Map<float[], Boolean> seen = new IdentityHashMap<>();
        try (Batches batches = Batches.open(data, BatchOptions.shuffled(5, 1), 0)) {
            while (batches.hasNext()) {
                seen.put(batches.next().images(), true);
            }
        }
        assertTrue(seen.size() <= BatchOptions.DEFAULT_PREFETCH + 2, seen.size() + " buffers");
        try (Batches batches = Batches.open(data, BatchOptions.shuffled(5, 1).withPrefetch(0), 0)) {
            assertSame(batches.next().images(), batches.next().images());
            assertNull(batches.producer());
        }
    }

    @Test
    @Timeout(10)
    void prefetchingStopsAtTwoBatchesAhead() throws Exception {
        ArrayDataset data = new ArrayDataset(100, 1, 2);
        try (Batches batches = Batches.open(data, BatchOptions.inOrder(4), 0)) {
            // two queued, one more filled and waiting to be queued
            settlesAt(12, data);
            batches.next();
            settlesAt(16, data);
        }
    }

    /** Waits for the reads to reach {@code reads}, then checks that they stay there. */
    private static void settlesAt(int reads, ArrayDataset data) throws InterruptedException {
        while (data.reads.get() < reads) {
            Thread.sleep(5);
        }
        Thread.sleep(200);
        assertEquals(reads, data.reads.get());
    }

    @Test
    @Timeout(10)
    void closingStopsTheThreadMidEpoch() throws Exception {
        ArrayDataset data = new ArrayDataset(1000, 1, 2);
        Batches batches = Batches.open(data, BatchOptions.shuffled(10, 5), 0);
        Thread producer = batches.producer();
        assertNotNull(producer);
        assertTrue(producer.isDaemon());
        batches.next();
        Thread.sleep(100);
        assertTrue(producer.isAlive(), "blocked on the full queue");
        batches.close();
        assertFalse(producer.isAlive());
        assertFalse(batches.hasNext());
        assertThrows(NoSuchElementException.class, batches::next);
        batches.close();
    }

    @Test
    @Timeout(10)
    void theThreadEndsAfterTheLastBatch() throws Exception {
        Batches batches = Batches.open(new ArrayDataset(7, 1, 2), BatchOptions.inOrder(2), 0);
        while (batches.hasNext()) {
            batches.next();
        }
        batches.producer().join();
        batches.close();
    }

    @Test
    @Timeout(10)
    void aReadErrorIsThrownByTheNextOfItsBatch() throws IOException {
        ArrayDataset data = new ArrayDataset(20, 1, 2, 9);
        for (int prefetch : new int[] {0, 2}) {
            try (Batches batches = Batches.open(data, BatchOptions.inOrder(4).withPrefetch(prefetch), 0)) {
                batches.next();
                batches.next();
                FileFormatException e = assertThrows(FileFormatException.class, batches::next);
                assertEquals("images/9.png: is damaged", e.getMessage());
                assertFalse(batches.hasNext());
            }
        }
    }

    @Test
    void optionsAreChecked() {
        assertEquals("batch size must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> BatchOptions.inOrder(0)).getMessage());
        assertEquals("prefetch must be 0 or more, not -1", assertThrows(IllegalArgumentException.class,
                () -> BatchOptions.inOrder(1).withPrefetch(-1)).getMessage());
    }

    @Property(tries = 200)
    void everyExampleOnceInBatchesOfTheSize(@ForAll @IntRange(min = 1, max = 300) int size,
                                            @ForAll @IntRange(min = 1, max = 64) int batchSize,
                                            @ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int prefetch,
                                            @ForAll boolean shuffle) throws IOException {
        Dataset data = new ArrayDataset(size, 1, 3);
        BatchOptions options = new BatchOptions(batchSize, shuffle, seed, prefetch);
        List<Integer> visited = new ArrayList<>();
        try (Batches batches = Batches.open(data, options, 1)) {
            assertEquals((size + batchSize - 1) / batchSize, batches.batchCount());
            while (batches.hasNext()) {
                Batch b = batches.next();
                assertEquals(b.number() == batches.batchCount() - 1 ? size - b.number() * batchSize : batchSize,
                        b.size());
                for (int k = 0; k < b.size(); k++) {
                    visited.add(b.indices()[k]);
                    assertEquals(b.indices()[k] * 1000f, b.images()[k]);
                }
            }
        }
        assertEquals(Arrays.stream(Batches.order(size, options, 1)).boxed().toList(), visited);
        assertEquals(java.util.stream.IntStream.range(0, size).boxed().toList(), visited.stream().sorted().toList());
    }
}
