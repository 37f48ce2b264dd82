package cnnc.runtime.data;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A fixed, indexed set of labelled examples: the images of a classification data set and their class numbers.
 *
 * <p>Examples are float32 tensors of {@link #exampleShape()} (images {@code [H, W, C]}, channels last), copied on
 * request into a caller's array in row-major order, so that a batch is filled without allocating. Labels are class
 * numbers {@code 0 <= label < classes()}; a source that gives labels as rows of {@code classes()} values (one-hot or
 * soft, {@link #oneHotLabels()}) also gives those rows through {@link #target}, and its {@link #label} is the row's
 * first largest value.
 *
 * <p>Call order: a data set is ready when loaded; before training or evaluating, check it against the model with
 * {@link #checkShape} and {@link #checkLabels}, which name the file and example at fault, then read it, usually through
 * {@link Batches}. Implementations are immutable once built and safe to read from several threads, so a prefetching
 * thread may read while the caller trains. {@link #example} may read files (image folders decode on demand), which is
 * why it throws {@link IOException}.
 */
public interface Dataset {
    /** The number of examples, at least 1. */
    int size();

    /** The shape of one example, without the batch axis: {@code [28, 28, 1]} for MNIST. */
    long[] exampleShape();

    /** The number of floats in one example: the product of {@link #exampleShape()}. */
    default int exampleLength() {
        long n = 1;
        for (long d : exampleShape()) {
            n = Math.multiplyExact(n, d);
        }
        return Math.toIntExact(n);
    }

    /** The number of classes labels are drawn from; every label is below it. */
    int classes();

    /** A name for each class, {@code classes()} of them: folder names, "T-shirt/top", or "0".."9". */
    List<String> classNames();

    /** Copies example {@code i} into {@code into[offset .. offset + exampleLength())}. */
    void example(int i, float[] into, int offset) throws IOException;

    /** The class number of example {@code i}. */
    int label(int i);

    /** Whether labels came as rows of {@link #classes()} values (one-hot or soft) that {@link #target} returns. */
    default boolean oneHotLabels() {
        return false;
    }

    /**
     * Writes the target row of example {@code i}, {@link #classes()} floats, into {@code into} at {@code offset}: the
     * given row for one-hot labels, otherwise 1 at {@link #label} and 0 elsewhere.
     */
    default void target(int i, float[] into, int offset) {
        Arrays.fill(into, offset, offset + classes(), 0f);
        into[offset + label(i)] = 1f;
    }

    /** The file or folder the examples come from, as the user named it, for error messages. */
    String source();

    /** The file the labels come from, for error messages; {@link #source()} where it is the same. */
    default String labelSource() {
        return source();
    }

    /** How error messages name example {@code i}: "example 345", or the image file's path within its folder. */
    default String exampleName(int i) {
        return "example " + i;
    }

    /** A view of the examples at {@code indices}, in that order (copied; each in {@code 0 .. size()-1}). */
    default Dataset subset(int[] indices) {
        return Subset.of(this, indices);
    }

    /**
     * Holds out a fraction of the examples for validation, as Keras' {@code image_dataset_from_directory(...,
     * validation_split=f, seed=s)} does: all examples are shuffled with the seed (a Fisher–Yates shuffle driven by
     * {@code SplittableRandom(seed)}, so the order differs from NumPy's generator) and the last
     * {@code (int) (fraction * size())} become the validation set, returned as {@link Split#test()}; the rest, in
     * the shuffled order, are {@link Split#train()}. The same seed gives the same split.
     *
     * @throws DataException if the fraction is not strictly between 0 and 1, or leaves either side empty
     */
    default Split validationSplit(double fraction, long seed) throws DataException {
        return Subset.validationSplit(this, fraction, seed);
    }

    /**
     * Holds out the last {@code (int) (fraction * size())} examples, unshuffled, as Keras' {@code Model.fit(x, y,
     * validation_split=f)} does for arrays.
     *
     * @throws DataException if the fraction is not strictly between 0 and 1, or leaves either side empty
     */
    default Split validationTail(double fraction) throws DataException {
        return Subset.validationTail(this, fraction);
    }

    /**
     * Checks that every label is a class of a model with {@code modelClasses} outputs (pass 2 for a model with a
     * single sigmoid output), and that one-hot rows have exactly that many values. The message names the label file
     * and the first example at fault: "label 12 at example 345 is outside 0..9, the model's output has 10 classes".
     */
    default void checkLabels(int modelClasses) throws DataException {
        DatasetChecks.checkLabels(this, modelClasses);
    }

    /**
     * Checks that examples have the model's input shape, given either per example ({@code [28, 28, 1]}) or with a
     * leading batch axis of any size ({@code [-1, 28, 28, 1]}); a model dimension of 0 or less matches any size. The
     * message says what differs: the image size, the channel count, or the whole shape.
     */
    default void checkShape(long[] modelInput) throws DataException {
        DatasetChecks.checkShape(this, modelInput);
    }
}
