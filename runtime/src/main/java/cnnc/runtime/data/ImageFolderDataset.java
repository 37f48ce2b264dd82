package cnnc.runtime.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The images of an {@link ImageFolder}, decoded, converted and resized each time an example is read. */
final class ImageFolderDataset implements Dataset {
    private final Path dir;
    private final List<Path> files;
    private final int[] labels;
    private final List<String> classNames;
    private final int height;
    private final int width;
    private final int channels;

    ImageFolderDataset(Path dir, List<Path> files, int[] labels, List<String> classNames, int height, int width,
            int channels) {
        this.dir = dir;
        this.files = List.copyOf(files);
        this.labels = labels.clone();
        this.classNames = List.copyOf(classNames);
        this.height = height;
        this.width = width;
        this.channels = channels;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public long[] exampleShape() {
        return new long[] {height, width, channels};
    }

    @Override
    public int exampleLength() {
        return height * width * channels;
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
    public void example(int i, float[] into, int offset) throws IOException {
        ImageFiles.Pixels p = ImageFiles.read(files.get(i), channels);
        BilinearResize.resize(p.values(), p.height(), p.width(), channels, into, offset, height, width);
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public String source() {
        return dir.toString();
    }

    @Override
    public String exampleName(int i) {
        return dir.relativize(files.get(i)).toString();
    }

    /** The image file of example {@code i}. */
    Path file(int i) {
        return files.get(i);
    }

    @Override
    public String toString() {
        return "image folder " + dir + " (" + labels.length + " images)";
    }
}
