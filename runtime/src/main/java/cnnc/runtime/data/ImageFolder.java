package cnnc.runtime.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of images with one sub-folder per class, read as Keras' {@code image_dataset_from_directory(dir,
 * labels="inferred", image_size=(H, W), color_mode=...)} reads it: classes are the sub-folders sorted by name
 * (label 0 is the first); each class's images are its {@code .png .jpg .jpeg .bmp .gif} files at any depth, in
 * sorted order; every image is decoded, converted to the channel count ({@link ImageFiles}) and resized bilinearly to
 * H x W ({@link BilinearResize}).
 *
 * <p>Values stay in 0..255, as Keras gives them (models rescale with a {@code Rescaling(1./255)} layer); they are not
 * scaled to [0, 1] as IDX images are. Unlike Keras, names starting with a dot ({@code .ipynb_checkpoints},
 * {@code ._photo.jpg}) are skipped. Images are decoded on demand, when an example is read, so that a folder larger
 * than memory can be used; loading only reads each file's header, so that a file that is not an image is reported
 * before training starts.
 *
 * @param dir the folder holding the class sub-folders
 */
public record ImageFolder(Path dir) implements DataSpec {
    /**
     * Lists and checks the images.
     *
     * @param imageShape {@code [H, W, C]} to convert every image to, C being 1 (grayscale), 3 (RGB) or 4 (RGBA); a
     *                   leading batch axis is ignored
     */
    @Override
    public Split load(long[] imageShape) throws IOException {
        long[] shape = imageShape.length == 4 ? Arrays.copyOfRange(imageShape, 1, 4) : imageShape.clone();
        if (shape.length != 3 || shape[0] < 1 || shape[1] < 1 || shape[0] * shape[1] > Integer.MAX_VALUE / 4) {
            throw new DataException(dir + ": cannot convert images to shape " + DatasetChecks.text(imageShape)
                    + "; image folders need [height, width, channels]");
        }
        if (shape[2] != 1 && shape[2] != 3 && shape[2] != 4) {
            throw new DataException(dir + ": image folders convert images to 1 (grayscale), 3 (RGB) or 4 (RGBA) "
                    + "channels, not " + shape[2]);
        }
        List<Path> classDirs;
        try (Stream<Path> entries = Files.list(dir)) {
            classDirs = entries.filter(p -> Files.isDirectory(p) && !hidden(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        if (classDirs.isEmpty()) {
            throw new DataException(dir + ": has no sub-folders; an image folder has one sub-folder of images per "
                    + "class");
        }
        List<String> names = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path classDir : classDirs) {
            List<Path> images;
            try (Stream<Path> walk = Files.walk(classDir)) {
                images = walk.filter(p -> Files.isRegularFile(p) && ImageFiles.isImage(p)
                                && !hiddenBelow(classDir, p))
                        .sorted(Comparator.comparing((Path p) -> p.getParent().toString())
                                .thenComparing(p -> p.getFileName().toString()))
                        .toList();
            }
            for (Path image : images) {
                files.add(image);
                labels.add(names.size());
            }
            names.add(classDir.getFileName().toString());
        }
        if (files.isEmpty()) {
            throw new DataException(dir + ": holds no images; looked for " + String.join(", ",
                    ImageFiles.EXTENSIONS) + " files in its sub-folders " + names);
        }
        for (Path file : files) {
            ImageFiles.checkHeader(file);
        }
        int[] labelArray = labels.stream().mapToInt(Integer::intValue).toArray();
        return Split.of(new ImageFolderDataset(dir, files, labelArray, names, (int) shape[0], (int) shape[1],
                (int) shape[2]));
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean hiddenBelow(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "image folder " + dir;
    }
}
