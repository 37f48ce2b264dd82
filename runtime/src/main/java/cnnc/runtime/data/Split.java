package cnnc.runtime.data;

import java.util.Objects;
import java.util.Optional;

/**
 * The data sets a source holds: IDX files have a training and a test set ({@code train-*} and {@code t10k-*}); an image
 * folder or a NumPy pair has one, held as {@code train} with no {@code test}. {@link Dataset#validationSplit} also
 * returns a split, whose {@code test} is the validation set. Evaluating on "the test data" of a source with one set
 * means {@code test().orElse(train())}.
 *
 * @param train the examples to learn from
 * @param test  the examples held out, if the source has them
 */
public record Split(Dataset train, Optional<Dataset> test) {
    public Split {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }

    /** A source with one data set. */
    public static Split of(Dataset only) {
        return new Split(only, Optional.empty());
    }
}
