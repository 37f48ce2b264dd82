package cnnc.runtime.data;

import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.FileFormatException;
import cnnc.runtime.io.LongTensor;
import cnnc.runtime.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Examples and labels from a pair of {@code .npy} arrays ({@link NpyPair}), held as float32 in memory. */
final class NpyDataset implements Dataset {
    private final float[] images;
    private final long[] exampleShape;
    private final int exampleLength;
    private final int[] labels;
    /** {@code [N, K]} label rows, or null for class numbers. */
    private final float[] targets;
    private final List<String> classNames;
    private final String source;
    private final String labelSource;

    private NpyDataset(float[] images, long[] exampleShape, int[] labels, float[] targets, int classes,
            String source, String labelSource) {
        this.images = images;
        this.exampleShape = exampleShape;
        this.exampleLength = Math.toIntExact(images.length / labels.length);
        this.labels = labels;
        this.targets = targets;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(Integer.toString(c));
        }
        this.classNames = List.copyOf(names);
        this.source = source;
        this.labelSource = labelSource;
    }

    static NpyDataset load(Path x, Path y) throws IOException {
        Tensor images = Npy.read(x);
        long[] shape = images.shape();
        if (shape.length < 2 || shape.length > 4) {
            throw new FileFormatException(x, "has shape " + DatasetChecks.text(shape) + "; images are [N, H, W, C] "
                    + "(or [N, H, W] for one channel, or [N, features])");
        }
        if (shape[0] == 0) {
            throw new FileFormatException(x, "holds no examples (shape " + DatasetChecks.text(shape) + ")");
        }
        if (images.size() == 0) {
            throw new FileFormatException(x, "holds empty examples (shape " + DatasetChecks.text(shape) + ")");
        }
        long[] example = Arrays.copyOfRange(shape, 1, shape.length);
        if (example.length == 2) {
            example = new long[] {example[0], example[1], 1};
        }
        int n = Math.toIntExact(shape[0]);

        Tensor rows = Npy.read(y);
        long[] labelShape = rows.shape();
        boolean classNumbers = labelShape.length == 1 || labelShape.length == 2 && labelShape[1] == 1;
        if (!classNumbers && labelShape.length != 2) {
            throw new FileFormatException(y, "has shape " + DatasetChecks.text(labelShape) + "; labels are [N] class "
                    + "numbers or [N, K] one-hot rows");
        }
        if (labelShape[0] != n) {
            throw new FileFormatException(y, "has " + labelShape[0] + " labels, but " + x.getFileName() + " has " + n
                    + " examples");
        }
        String xs = x.toString();
        String ys = y.toString();
        if (classNumbers) {
            LongTensor numbers = Npy.readLabels(y);
            int[] labels = new int[n];
            int largest = 0;
            for (int i = 0; i < n; i++) {
                long label = numbers.values()[i];
                if (label < 0 || label > Integer.MAX_VALUE - 8) {
                    throw new FileFormatException(y, "label " + label + " at example " + i + " is "
                            + (label < 0 ? "negative" : "too large") + "; labels are class numbers from 0");
                }
                labels[i] = (int) label;
                largest = Math.max(largest, labels[i]);
            }
            return new NpyDataset(images.data(), example, labels, null, largest + 1, xs, ys);
        }
        int classes = Math.toIntExact(labelShape[1]);
        if (classes == 0) {
            throw new FileFormatException(y, "has label rows of 0 values (shape " + DatasetChecks.text(labelShape)
                    + ")");
        }
        float[] t = rows.data();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int best = -1;
            for (int c = 0; c < classes; c++) {
                float v = t[i * classes + c];
                if (!(v >= 0) || Float.isInfinite(v)) {
                    throw new FileFormatException(y, "row " + i + " has " + v + " in column " + c + "; one-hot "
                            + "labels are rows of finite values, 0 or more");
                }
                if (v > 0 && (best < 0 || v > t[i * classes + best])) {
                    best = c;
                }
            }
            if (best < 0) {
                throw new FileFormatException(y, "row " + i + " is all zeros; one-hot labels have a 1 in the "
                        + "example's class");
            }
            labels[i] = best;
        }
        return new NpyDataset(images.data(), example, labels, t, classes, xs, ys);
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public long[] exampleShape() {
        return exampleShape.clone();
    }

    @Override
    public int exampleLength() {
        return exampleLength;
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
        System.arraycopy(images, Math.multiplyExact(Objects.checkIndex(i, labels.length), exampleLength),
                into, offset, exampleLength);
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public boolean oneHotLabels() {
        return targets != null;
    }

    @Override
    public void target(int i, float[] into, int offset) {
        if (targets == null) {
            Dataset.super.target(i, into, offset);
        } else {
            System.arraycopy(targets, i * classNames.size(), into, offset, classNames.size());
        }
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
        return "NumPy " + source + " (" + labels.length + " examples)";
    }
}
