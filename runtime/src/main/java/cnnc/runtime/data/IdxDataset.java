package cnnc.runtime.data;

import java.util.List;
import java.util.Objects;

/**
 * Images and labels from a pair of IDX files, held as the files' bytes (a quarter of the memory of floats) and
 * scaled to float32 in [0, 1] on reading, as {@code x / 255} in NumPy does: MNIST's 60,000 training images take 47 MB.
 */
final class IdxDataset implements Dataset {
    private final byte[] pixels;
    private final byte[] labels;
    private final int height;
    private final int width;
    private final List<String> classNames;
    private final String source;
    private final String labelSource;

    IdxDataset(byte[] pixels, byte[] labels, int height, int width, List<String> classNames, String source,
            String labelSource) {
        this.pixels = pixels;
        this.labels = labels;
        this.height = height;
        this.width = width;
        this.classNames = List.copyOf(classNames);
        this.source = source;
        this.labelSource = labelSource;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public long[] exampleShape() {
        return new long[] {height, width, 1};
    }

    @Override
    public int exampleLength() {
        return height * width;
    }

    @Override
    public int classes() {
        return classNames.size();
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public void example(int i, float[] into, int offset) {
        int n = height * width;
        int base = Objects.checkIndex(i, labels.length) * n;
        for (int k = 0; k < n; k++) {
            into[offset + k] = (pixels[base + k] & 0xFF) / 255f;
        }
    }

    @Override
    public int label(int i) {
        return labels[i] & 0xFF;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String labelSource() {
        return labelSource;
    }

    @Override
    public String toString() {
        return "IDX " + source + " (" + labels.length + " images)";
    }
}
