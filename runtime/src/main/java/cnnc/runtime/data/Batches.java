package cnnc.runtime.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * One epoch of mini-batches from a data set, in a seeded order, filled ahead on a background thread.
 *
 * <p>Order: with shuffling, epoch {@code e} of seed {@code s} visits examples in the order of a Fisher–Yates shuffle
 * driven by {@code new SplittableRandom(s ^ (e * 0x9E3779B97F4A7C15L))} ({@link #order}); the same seed and epoch
 * always give the same order, on any machine and whatever the batch size or prefetching. Without shuffling the order
 * is the data set's. Every example is visited once; the last batch keeps the remainder (Keras' default, not
 * {@code drop_remainder}).
 *
 * <p>Prefetching: with {@link BatchOptions#prefetch()} {@code p > 0}, a daemon thread fills batches into {@code p + 2}
 * preallocated buffers and queues up to {@code p} filled ones (one more is being filled, one is the caller's). Call
 * order: {@link #open}, then {@link #next()} while {@link #hasNext()}, then {@link #close()} (try-with-resources),
 * which stops the thread whether or not the epoch was finished. An error while reading (a corrupt image) is thrown by
 * the {@code next()} that would have returned its batch.
 */
public final class Batches implements AutoCloseable {
    private final Dataset data;
    private final int[] order;
    private final int batchSize;
    private final int batchCount;
    private final BlockingQueue<Object> filled;
    private final BlockingQueue<Buffer> free;
    private final Thread producer;
    private Buffer held;
    private int returned;
    private volatile boolean closed;

    private Batches(Dataset data, BatchOptions options, int epoch) {
        this.data = data;
        this.order = order(data.size(), options, epoch);
        this.batchSize = options.batchSize();
        this.batchCount = (order.length + batchSize - 1) / batchSize;
        int buffers = options.prefetch() == 0 ? 1 : options.prefetch() + 2;
        this.free = new ArrayBlockingQueue<>(buffers);
        for (int k = 0; k < buffers; k++) {
            free.add(new Buffer(batchSize, data.exampleLength(), data.classes()));
        }
        if (options.prefetch() == 0) {
            this.filled = null;
            this.producer = null;
        } else {
            this.filled = new ArrayBlockingQueue<>(options.prefetch());
            this.producer = new Thread(this::produce, "cnnc-batches");
            producer.setDaemon(true);
            producer.start();
        }
    }

    /** Starts epoch {@code epoch} (from 0) of {@code data}; with prefetching, filling begins at once. */
    public static Batches open(Dataset data, BatchOptions options, int epoch) {
        return new Batches(data, options, epoch);
    }

    /** The order in which epoch {@code epoch} visits a data set of {@code size} examples. */
    public static int[] order(int size, BatchOptions options, int epoch) {
        if (!options.shuffle()) {
            int[] order = new int[size];
            Arrays.setAll(order, i -> i);
            return order;
        }
        return shuffled(size, new SplittableRandom(options.seed() ^ (epoch * 0x9E3779B97F4A7C15L)));
    }

    /** A Fisher–Yates shuffle of {@code 0 .. size-1}. */
    static int[] shuffled(int size, SplittableRandom random) {
        int[] order = new int[size];
        Arrays.setAll(order, i -> i);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** The number of batches in the epoch: the examples divided by the batch size, rounded up. */
    public int batchCount() {
        return batchCount;
    }

    public boolean hasNext() {
        return !closed && returned < batchCount;
    }

    /**
     * The next batch; its arrays are valid until the next call to {@code next()} or {@code close()}.
     *
     * @throws IOException            what reading an example threw (the file at fault is named)
     * @throws InterruptedIOException if the calling thread was interrupted while waiting
     * @throws NoSuchElementException after the last batch, or once closed
     */
    public Batch next() throws IOException {
        if (!hasNext()) {
            throw new NoSuchElementException(closed ? "batches closed" : "epoch finished");
        }
        if (held != null && producer != null) {
            free.add(held);
        }
        held = null;
        int number = returned;
        if (producer == null) {
            held = free.peek();
            try {
                fill(held, number);
            } catch (IOException | RuntimeException | Error e) {
                returned = batchCount;
                throw e;
            }
        } else {
            Object next;
            try {
                next = filled.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for batch " + number);
            }
            if (next instanceof Failure f) {
                returned = batchCount;
                if (f.cause instanceof IOException e) {
                    throw e;
                }
                if (f.cause instanceof RuntimeException e) {
                    throw e;
                }
                throw (Error) f.cause;
            }
            held = (Buffer) next;
        }
        returned++;
        return new Batch(number, held.size, held.indices, held.images, held.labels, held.targets);
    }

    /** Stops and joins the prefetching thread; the batches handed out become invalid. Idempotent. */
    @Override
    public void close() {
        closed = true;
        if (producer == null) {
            return;
        }
        producer.interrupt();
        boolean interrupted = false;
        while (producer.isAlive()) {
            try {
                producer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The prefetching thread, or null without prefetching; for tests. */
    Thread producer() {
        return producer;
    }

    private void produce() {
        try {
            for (int b = 0; b < batchCount && !closed; b++) {
                Buffer buffer = free.take();
                fill(buffer, b);
                filled.put(buffer);
            }
        } catch (InterruptedException e) {
            // closed: stop quietly
        } catch (IOException | RuntimeException | Error e) {
            try {
                filled.put(new Failure(e));
            } catch (InterruptedException closing) {
                // closed: nobody waits for the failure
            }
        }
    }

    private void fill(Buffer buffer, int number) throws IOException {
        int start = number * batchSize;
        int size = Math.min(batchSize, order.length - start);
        int length = data.exampleLength();
        int classes = data.classes();
        for (int k = 0; k < size; k++) {
            int i = order[start + k];
            buffer.indices[k] = i;
            data.example(i, buffer.images, k * length);
            buffer.labels[k] = data.label(i);
            data.target(i, buffer.targets, k * classes);
        }
        if (size < batchSize) {
            Arrays.fill(buffer.indices, size, batchSize, 0);
            Arrays.fill(buffer.images, size * length, batchSize * length, 0f);
            Arrays.fill(buffer.labels, size, batchSize, 0);
            Arrays.fill(buffer.targets, size * classes, batchSize * classes, 0f);
        }
        buffer.size = size;
    }

    private static final class Buffer {
        final int[] indices;
        final float[] images;
        final int[] labels;
        final float[] targets;
        int size;

        Buffer(int batchSize, int exampleLength, int classes) {
            indices = new int[batchSize];
            images = new float[Math.multiplyExact(batchSize, exampleLength)];
            labels = new int[batchSize];
            targets = new float[Math.multiplyExact(batchSize, classes)];
        }
    }

    private record Failure(Throwable cause) {
    }
}
