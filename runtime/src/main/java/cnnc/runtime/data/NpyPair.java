package cnnc.runtime.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data set as two NumPy {@code .npy} arrays, as Keras' {@code Model.fit(x, y)} takes them: images
 * {@code [N, H, W, C]} (also {@code [N, H, W]}, read as one channel, or {@code [N, features]}) of any numeric dtype,
 * used as stored (no scaling: divide by 255 before saving for [0, 1]); labels {@code [N]} or {@code [N, 1]} class
 * numbers, or {@code [N, K]} one-hot (or soft) rows.
 *
 * @param images the examples' file
 * @param labels the labels' file
 */
public record NpyPair(Path images, Path labels) implements DataSpec {
    /** Reads both arrays; {@code imageShape} is unused (the arrays have their own shape). */
    @Override
    public Split load(long[] imageShape) throws IOException {
        return Split.of(NpyDataset.load(images, labels));
    }

    @Override
    public String toString() {
        return "NumPy arrays " + images + " and " + labels;
    }
}
