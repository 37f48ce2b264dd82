package cnnc.runtime.data;

import cnnc.runtime.io.FileFormatException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * An in-memory data set for tests: example {@code i} is {@code [i * 1000 + k for k in 0 .. length)}, label
 * {@code i % classes}; it counts reads, and can fail on one example as a corrupt file would.
 */
final class ArrayDataset implements Dataset {
    final int size;
    final int length;
    final int classes;
    final int failAt;
    final AtomicInteger reads = new AtomicInteger();

    ArrayDataset(int size, int length, int classes, int failAt) {
        this.size = size;
        this.length = length;
        this.classes = classes;
        this.failAt = failAt;
    }

    ArrayDataset(int size, int length, int classes) {
        this(size, length, classes, -1);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long[] exampleShape() {
        return new long[] {1, length, 1};
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public List<String> classNames() {
        return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }

    @Override
    public void example(int i, float[] into, int offset) throws FileFormatException {
        reads.incrementAndGet();
        if (i == failAt) {
            throw new FileFormatException(Path.of("images", i + ".png"), "is damaged");
        }
        for (int k = 0; k < length; k++) {
            into[offset + k] = i * 1000 + k;
        }
    }

    @Override
    public int label(int i) {
        return i % classes;
    }

    @Override
    public String source() {
        return "arrays";
    }
}
