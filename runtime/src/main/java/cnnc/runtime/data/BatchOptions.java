package cnnc.runtime.data;

/**
 * How {@link Batches} draws mini-batches: their size, whether each epoch shuffles (and from which seed), and how many
 * filled batches a background thread keeps ready.
 *
 * @param batchSize examples per batch, at least 1; the last batch of an epoch may hold fewer
 * @param shuffle   whether to visit examples in a seeded random order each epoch ({@code false}: {@code --no-shuffle},
 *                  in data set order)
 * @param seed      the shuffling seed; with the epoch number it fixes the order
 * @param prefetch  filled batches kept ready by a background thread, 0 to fill each batch on the caller's thread
 */
public record BatchOptions(int batchSize, boolean shuffle, long seed, int prefetch) {
    /** Two batches ready ahead: enough to hide reading behind a training step without holding much memory. */
    public static final int DEFAULT_PREFETCH = 2;

    public BatchOptions {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        }
        if (prefetch < 0) {
            throw new IllegalArgumentException("prefetch must be 0 or more, not " + prefetch);
        }
    }

    /** Shuffled each epoch from {@code seed}, prefetching {@value #DEFAULT_PREFETCH} batches. */
    public static BatchOptions shuffled(int batchSize, long seed) {
        return new BatchOptions(batchSize, true, seed, DEFAULT_PREFETCH);
    }

    /** In data set order every epoch ({@code --no-shuffle}), prefetching {@value #DEFAULT_PREFETCH} batches. */
    public static BatchOptions inOrder(int batchSize) {
        return new BatchOptions(batchSize, false, 0, DEFAULT_PREFETCH);
    }

    public BatchOptions withPrefetch(int batches) {
        return new BatchOptions(batchSize, shuffle, seed, batches);
    }
}
