package cnnc.runtime.data;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/** A view of some of another data set's examples, in a given order: what validation splits are made of. */
final class Subset implements Dataset {
    private final Dataset parent;
    private final int[] indices;

    private Subset(Dataset parent, int[] indices) {
        this.parent = parent;
        this.indices = indices;
    }

    static Dataset of(Dataset parent, int[] indices) {
        int[] own = indices.clone();
        for (int i : own) {
            if (i < 0 || i >= parent.size()) {
                throw new IndexOutOfBoundsException("index " + i + " of a data set of " + parent.size());
            }
        }
        if (parent instanceof Subset s) {
            for (int k = 0; k < own.length; k++) {
                own[k] = s.indices[own[k]];
            }
            return new Subset(s.parent, own);
        }
        return new Subset(parent, own);
    }

    static Split validationSplit(Dataset data, double fraction, long seed) throws DataException {
        int[] order = Batches.shuffled(data.size(), new SplittableRandom(seed));
        return splitAt(data, order, fraction);
    }

    static Split validationTail(Dataset data, double fraction) throws DataException {
        int[] order = new int[data.size()];
        Arrays.setAll(order, i -> i);
        return splitAt(data, order, fraction);
    }

    /** Keras' {@code get_training_or_validation_split}: the last {@code int(fraction * n)} are for validation. */
    private static Split splitAt(Dataset data, int[] order, double fraction) throws DataException {
        if (!(fraction > 0 && fraction < 1)) {
            throw new DataException(data.source() + ": the validation split must be a fraction between 0 and 1, not "
                    + fraction);
        }
        int n = order.length;
        int validation = (int) (fraction * n);
        if (validation == 0 || validation == n) {
            throw new DataException(data.source() + ": a validation split of " + fraction + " of " + n
                    + " examples leaves " + (validation == 0 ? "no validation" : "no training") + " examples");
        }
        return new Split(of(data, Arrays.copyOfRange(order, 0, n - validation)),
                Optional.of(of(data, Arrays.copyOfRange(order, n - validation, n))));
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public long[] exampleShape() {
        return parent.exampleShape();
    }

    @Override
    public int exampleLength() {
        return parent.exampleLength();
    }

    @Override
    public int classes() {
        return parent.classes();
    }

    @Override
    public List<String> classNames() {
        return parent.classNames();
    }

    @Override
    public void example(int i, float[] into, int offset) throws IOException {
        parent.example(indices[i], into, offset);
    }

    @Override
    public int label(int i) {
        return parent.label(indices[i]);
    }

    @Override
    public boolean oneHotLabels() {
        return parent.oneHotLabels();
    }

    @Override
    public void target(int i, float[] into, int offset) {
        parent.target(indices[i], into, offset);
    }

    @Override
    public String source() {
        return parent.source();
    }

    @Override
    public String labelSource() {
        return parent.labelSource();
    }

    @Override
    public String exampleName(int i) {
        return parent.exampleName(indices[i]);
    }

    @Override
    public String toString() {
        return indices.length + " of " + parent;
    }
}
