package cnnc.runtime.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Resolves {@code --data} specs as {@link DataSpec} describes; the environment is a parameter for tests. */
final class DataSpecParser {
    /** Where Debian's {@code dataset-*} packages put data sets. */
    static final Path SYSTEM_DATASETS = Path.of("/usr/share/datasets");

    private static final String FORMS = "--data takes a folder (of IDX files, or of one sub-folder of images per "
            + "class), mnist, fashion-mnist, or x.npy,y.npy";

    /** A data set known by name: its folder name, class names, and how to install it. */
    private record Known(String name, List<String> classNames, String install) {
    }

    private static final List<Known> KNOWN = List.of(
            new Known("fashion-mnist", IdxFiles.FASHION_MNIST_CLASSES, "install it with `apt-get install "
                    + "dataset-fashion-mnist`, or set CNNC_DATA to a folder holding fashion-mnist/ with its four IDX "
                    + "files"),
            new Known("mnist", IdxFiles.DIGITS, "set CNNC_DATA to a folder holding mnist/ with its four IDX files ("
                    + "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
                    + "t10k-labels-idx1-ubyte.gz)"));

    private DataSpecParser() {
    }

    /**
     * @param cnncData the value of {@code $CNNC_DATA}, or null
     * @param system   the folder of Debian's data set packages
     */
    static DataSpec parse(String spec, Path cwd, String cnncData, Path system) throws DataException {
        String s = spec.strip();
        if (s.isEmpty()) {
            throw new DataException("the data spec is empty; " + FORMS);
        }
        if (s.contains(",")) {
            return npyPair(s, cwd);
        }
        Path path = cwd.resolve(s);
        if (Files.isDirectory(path)) {
            return folder(path, s.toLowerCase(Locale.ROOT).contains("fashion") ? IdxFiles.FASHION_MNIST_CLASSES
                    : List.of());
        }
        if (Files.exists(path)) {
            String why = isNpy(s) ? "a NumPy data set is two files, images and labels: --data x.npy,y.npy"
                    : FORMS;
            throw new DataException(path + ": is a single file; " + why);
        }
        String name = s.toLowerCase(Locale.ROOT).replace('_', '-');
        for (Known known : KNOWN) {
            if (known.name.equals(name)) {
                return find(known, cwd, cnncData, system);
            }
        }
        throw new DataException(path + ": no such file or folder; " + FORMS);
    }

    private static DataSpec npyPair(String spec, Path cwd) throws DataException {
        String[] parts = spec.split(",", -1);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new DataException("'" + spec + "': a NumPy data set is two files, images and labels: "
                    + "--data x.npy,y.npy");
        }
        Path[] paths = new Path[2];
        for (int k = 0; k < 2; k++) {
            String part = parts[k].strip();
            paths[k] = cwd.resolve(part);
            if (!isNpy(part)) {
                throw new DataException(paths[k] + ": is not a .npy file; a NumPy data set is two .npy files, "
                        + "images and labels: --data x.npy,y.npy");
            }
            if (!Files.isRegularFile(paths[k])) {
                throw new DataException(paths[k] + ": no such file");
            }
        }
        return new NpyPair(paths[0], paths[1]);
    }

    private static boolean isNpy(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".npy");
    }

    private static DataSpec folder(Path dir, List<String> classNames) throws DataException {
        var idx = IdxFiles.find(dir, classNames);
        if (idx.isPresent()) {
            return idx.get();
        }
        boolean hasFolders;
        try (Stream<Path> entries = Files.list(dir)) {
            hasFolders = entries.anyMatch(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."));
        } catch (IOException e) {
            throw new DataException(dir + ": cannot list the folder (" + e.getMessage() + ")");
        }
        if (!hasFolders) {
            throw new DataException(dir + ": holds neither IDX files (" + IdxFiles.name("train", "images", 3)
                    + "[.gz] and " + IdxFiles.name("train", "labels", 1) + "[.gz]) nor one sub-folder of images per "
                    + "class");
        }
        return new ImageFolder(dir);
    }

    private static DataSpec find(Known known, Path cwd, String cnncData, Path system) throws DataException {
        List<Path> places = new ArrayList<>();
        if (cnncData != null && !cnncData.isBlank()) {
            Path root = cwd.resolve(cnncData.strip());
            places.add(root.resolve(known.name));
            places.add(root);
        }
        places.add(system.resolve(known.name));
        for (Path place : places) {
            if (Files.isDirectory(place)) {
                var idx = IdxFiles.find(place, known.classNames);
                if (idx.isPresent()) {
                    return idx.get();
                }
            }
        }
        StringBuilder message = new StringBuilder("cannot find the " + known.name + " data set; looked for "
                + IdxFiles.name("train", "images", 3) + "[.gz] in:");
        for (Path place : places) {
            message.append("\n  ").append(place);
        }
        if (cnncData == null || cnncData.isBlank()) {
            message.append("\n  ($CNNC_DATA is not set)");
        }
        message.append("\n").append(known.install);
        throw new DataException(message.toString());
    }
}
