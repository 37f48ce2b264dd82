package cnnc.runtime.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a {@code --data SPEC} points, resolved but not yet read: {@link #parse} finds the files (cheap, and every
 * "not found" is reported there), {@link #load} reads them.
 *
 * <p>A spec is one of:
 * <ul>
 *   <li>{@code x.npy,y.npy}: a pair of NumPy arrays ({@link NpyPair});
 *   <li>a folder holding IDX files ({@link IdxFiles}: {@code train-images-idx3-ubyte[.gz]} and friends);
 *   <li>a folder holding one sub-folder of images per class ({@link ImageFolder});
 *   <li>{@code mnist} or {@code fashion-mnist} (also {@code fashion_mnist}), when no file or folder of that name
 *       exists: IDX files looked for in {@code $CNNC_DATA/<name>}, in {@code $CNNC_DATA}, then in Debian's
 *       {@code /usr/share/datasets/<name>} (package {@code dataset-fashion-mnist}).
 * </ul>
 * Relative paths are resolved against the {@code cwd} given, so a caller chooses the directory without changing the
 * process's.
 */
public sealed interface DataSpec permits IdxFiles, ImageFolder, NpyPair {
    /** Keras' {@code image_dataset_from_directory} defaults: 256x256 RGB. */
    int DEFAULT_IMAGE_SIZE = 256;

    /**
     * Resolves a {@code --data} spec.
     *
     * @throws DataException naming what was looked for and where, if nothing fits
     */
    static DataSpec parse(String spec, Path cwd) throws DataException {
        return DataSpecParser.parse(spec, cwd, System.getenv("CNNC_DATA"), DataSpecParser.SYSTEM_DATASETS);
    }

    /**
     * Reads the data. {@code imageShape} ({@code [H, W, C]}, or a model input shape with a leading batch axis) is the
     * size and channel count image folders are converted to; IDX and NumPy data have their own shape, which
     * {@link Dataset#checkShape} compares with the model's.
     */
    Split load(long[] imageShape) throws IOException;

    /** Reads the data, converting image folders to Keras' default 256x256 RGB. */
    default Split load() throws IOException {
        return load(new long[] {DEFAULT_IMAGE_SIZE, DEFAULT_IMAGE_SIZE, 3});
    }
}
