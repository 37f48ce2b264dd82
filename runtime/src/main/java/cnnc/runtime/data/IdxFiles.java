package cnnc.runtime.data;

import cnnc.runtime.io.FileFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A folder of IDX files as the MNIST family ships them: training images and labels ({@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}) and optionally test ones ({@code t10k-...}), each plain or gzipped ({@code .gz}),
 * also under the names Kaggle and some Keras mirrors use ({@code train-images.idx3-ubyte}). A plain file is preferred
 * to its {@code .gz}. Images load as {@code [28, 28, 1]} float32 in [0, 1] (byte / 255).
 *
 * @param dir        the folder
 * @param train      the training images and labels
 * @param test       the test images and labels, if present
 * @param classNames the class names, or empty to number classes "0".."K-1" after the largest label
 */
public record IdxFiles(Path dir, Pair train, Optional<Pair> test, List<String> classNames) implements DataSpec {
    /** Fashion-MNIST's classes (Xiao, Rasul and Vollgraf 2017), in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** MNIST's classes: the digits. */
    public static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    /** An images file and its labels file. */
    public record Pair(Path images, Path labels) {
    }

    public IdxFiles {
        classNames = List.copyOf(classNames);
    }

    /**
     * The IDX files in {@code dir}, or empty if it has none.
     *
     * @throws DataException if it has some but not a usable set: images without labels, or no training files
     */
    static Optional<IdxFiles> find(Path dir, List<String> classNames) throws DataException {
        Optional<Path> trainImages = file(dir, "train", "images", 3);
        Optional<Path> trainLabels = file(dir, "train", "labels", 1);
        Optional<Path> testImages = file(dir, "t10k", "images", 3);
        Optional<Path> testLabels = file(dir, "t10k", "labels", 1);
        if (trainImages.isEmpty() && trainLabels.isEmpty() && testImages.isEmpty() && testLabels.isEmpty()) {
            return Optional.empty();
        }
        Pair train = pair(dir, "train", trainImages, trainLabels)
                .orElseThrow(() -> new DataException(dir + ": has test IDX files (t10k-*) but no training files ("
                        + name("train", "images", 3) + "[.gz] and " + name("train", "labels", 1) + "[.gz])"));
        return Optional.of(new IdxFiles(dir, train, pair(dir, "t10k", testImages, testLabels), classNames));
    }

    private static Optional<Pair> pair(Path dir, String prefix, Optional<Path> images, Optional<Path> labels)
            throws DataException {
        if (images.isPresent() != labels.isPresent()) {
            Path have = images.isPresent() ? images.get() : labels.get();
            String missing = images.isPresent() ? name(prefix, "labels", 1) : name(prefix, "images", 3);
            throw new DataException(dir + ": has " + have.getFileName() + " but no " + missing + "[.gz]");
        }
        return images.map(i -> new Pair(i, labels.get()));
    }

    private static Optional<Path> file(Path dir, String prefix, String kind, int rank) {
        for (String base : List.of(name(prefix, kind, rank), prefix + "-" + kind + ".idx" + rank + "-ubyte")) {
            for (String suffix : List.of("", ".gz")) {
                Path p = dir.resolve(base + suffix);
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    static String name(String prefix, String kind, int rank) {
        return prefix + "-" + kind + "-idx" + rank + "-ubyte";
    }

    /** Reads the files; {@code imageShape} is unused (IDX images have their own size). */
    @Override
    public Split load(long[] imageShape) throws IOException {
        Idx.Array trainImages = Idx.read(train.images(), 3, "images");
        Idx.Array trainLabels = Idx.read(train.labels(), 1, "labels");
        checkPair(train, trainImages, trainLabels);
        Idx.Array testImages = null;
        Idx.Array testLabels = null;
        if (test.isPresent()) {
            testImages = Idx.read(test.get().images(), 3, "images");
            testLabels = Idx.read(test.get().labels(), 1, "labels");
            checkPair(test.get(), testImages, testLabels);
            if (testImages.dims()[1] != trainImages.dims()[1] || testImages.dims()[2] != trainImages.dims()[2]) {
                throw new FileFormatException(test.get().images(), "has images of " + testImages.dims()[1] + "x"
                        + testImages.dims()[2] + ", but the training images in " + train.images().getFileName()
                        + " are " + trainImages.dims()[1] + "x" + trainImages.dims()[2]);
            }
        }
        int largest = Math.max(largest(trainLabels.data()), testLabels == null ? 0 : largest(testLabels.data()));
        List<String> names = new ArrayList<>(classNames);
        for (int c = names.size(); c <= largest; c++) {
            names.add(Integer.toString(c));
        }
        Dataset trainSet = dataset(train, trainImages, trainLabels, names);
        return new Split(trainSet, test.isEmpty() ? Optional.empty()
                : Optional.of(dataset(test.get(), testImages, testLabels, names)));
    }

    private static void checkPair(Pair files, Idx.Array images, Idx.Array labels) throws FileFormatException {
        if (images.dims()[0] != labels.dims()[0]) {
            throw new FileFormatException(files.labels(), "has " + labels.dims()[0] + " labels, but "
                    + files.images().getFileName() + " has " + images.dims()[0] + " images");
        }
    }

    private static Dataset dataset(Pair files, Idx.Array images, Idx.Array labels, List<String> names) {
        return new IdxDataset(images.data(), labels.data(), images.dims()[1], images.dims()[2], names,
                files.images().toString(), files.labels().toString());
    }

    private static int largest(byte[] labels) {
        int max = 0;
        for (byte b : labels) {
            max = Math.max(max, b & 0xFF);
        }
        return max;
    }

    @Override
    public String toString() {
        return "IDX files in " + dir;
    }
}
