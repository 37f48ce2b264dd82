package cnnc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code --data} specs resolve, and the messages when they do not. */
class DataSpecTest {
    @TempDir
    Path cwd;

    /** A system data set folder that is always empty, so that the machine's own packages do not matter. */
    private Path noSystem() {
        return cwd.resolve("no-system");
    }

    private DataSpec parse(String spec, String cnncData) throws DataException {
        return DataSpecParser.parse(spec, cwd, cnncData, noSystem());
    }

    private String error(String spec, String cnncData) {
        return assertThrows(DataException.class, () -> parse(spec, cnncData)).getMessage();
    }

    @Test
    void aFolderOfIdxFilesIsIdx() throws IOException {
        DataFixtures.mnistLike(cwd.resolve("digits"), 12, 2, true);
        IdxFiles idx = assertInstanceOf(IdxFiles.class, parse("digits", null));
        assertEquals(cwd.resolve("digits"), idx.dir());
        assertEquals(List.of(), idx.classNames());
        assertEquals(IdxFiles.DIGITS, idx.load().train().classNames());
    }

    @Test
    void aFolderNamedFashionHasFashionClassNames() throws IOException {
        DataFixtures.mnistLike(cwd.resolve("data/Fashion-MNIST"), 3, 2, false);
        IdxFiles idx = assertInstanceOf(IdxFiles.class, parse("data/Fashion-MNIST", null));
        assertEquals(IdxFiles.FASHION_MNIST_CLASSES, idx.classNames());
        assertEquals("Ankle boot", idx.load().train().classNames().get(9));
    }

    @Test
    void aFolderOfClassFoldersIsAnImageFolder() throws IOException {
        DataFixtures.solid(cwd.resolve("pets/cat/1.png"), 0);
        assertEquals(new ImageFolder(cwd.resolve("pets")), parse("pets", null));
        assertEquals(new ImageFolder(cwd.resolve("pets")), parse(cwd.resolve("pets").toString(), null));
    }

    @Test
    void twoNpyFilesAreAPair() throws IOException {
        Files.write(cwd.resolve("x.npy"), new byte[0]);
        Files.createDirectories(cwd.resolve("d"));
        Files.write(cwd.resolve("d/y.NPY"), new byte[0]);
        assertEquals(new NpyPair(cwd.resolve("x.npy"), cwd.resolve("d/y.NPY")), parse("x.npy, d/y.NPY", null));
    }

    @Test
    void knownNamesAreLookedForInCnncDataThenInItThenInTheSystemFolder() throws IOException {
        Path data = cwd.resolve("data");
        Path system = cwd.resolve("system");
        DataFixtures.mnistLike(system.resolve("fashion-mnist"), 3, 2, true);
        IdxFiles fromSystem = assertInstanceOf(IdxFiles.class,
                DataSpecParser.parse("fashion-mnist", cwd, data.toString(), system));
        assertEquals(system.resolve("fashion-mnist"), fromSystem.dir());
        assertEquals(IdxFiles.FASHION_MNIST_CLASSES, fromSystem.classNames());

        DataFixtures.mnistLike(data, 3, 2, true);
        assertEquals(data, ((IdxFiles) DataSpecParser.parse("fashion_mnist", cwd, "data", system)).dir());

        DataFixtures.mnistLike(data.resolve("fashion-mnist"), 3, 2, false);
        assertEquals(data.resolve("fashion-mnist"),
                ((IdxFiles) DataSpecParser.parse("Fashion-MNIST", cwd, data.toString(), system)).dir());
    }

    @Test
    void mnistHasDigitNames() throws IOException {
        DataFixtures.mnistLike(cwd.resolve("data/mnist"), 3, 2, false);
        IdxFiles idx = (IdxFiles) parse("mnist", cwd.resolve("data").toString());
        assertEquals(IdxFiles.DIGITS, idx.classNames());
    }

    @Test
    void aFolderInTheWorkingDirectoryWinsOverAKnownName() throws IOException {
        DataFixtures.mnistLike(cwd.resolve("mnist"), 3, 2, false);
        DataFixtures.mnistLike(cwd.resolve("data/mnist"), 3, 2, false);
        assertEquals(cwd.resolve("mnist"), ((IdxFiles) parse("mnist", "data")).dir());
    }

    @Test
    void aMissingKnownDataSetSaysWhereItLookedAndHowToInstallIt() {
        Path data = cwd.resolve("data");
        assertEquals("cannot find the fashion-mnist data set; looked for train-images-idx3-ubyte[.gz] in:\n"
                + "  " + data.resolve("fashion-mnist") + "\n"
                + "  " + data + "\n"
                + "  " + noSystem().resolve("fashion-mnist") + "\n"
                + "install it with `apt-get install dataset-fashion-mnist`, or set CNNC_DATA to a folder holding "
                + "fashion-mnist/ with its four IDX files", error("fashion-mnist", data.toString()));
        assertEquals("cannot find the mnist data set; looked for train-images-idx3-ubyte[.gz] in:\n"
                + "  " + noSystem().resolve("mnist") + "\n"
                + "  ($CNNC_DATA is not set)\n"
                + "set CNNC_DATA to a folder holding mnist/ with its four IDX files (train-images-idx3-ubyte.gz, "
                + "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)",
                error("mnist", null));
    }

    @Test
    void errorTable() throws IOException {
        Files.write(cwd.resolve("x.npy"), new byte[0]);
        Files.write(cwd.resolve("notes.txt"), new byte[0]);
        Files.createDirectories(cwd.resolve("empty"));
        Files.createDirectories(cwd.resolve("flat"));
        Files.write(cwd.resolve("flat/1.png"), new byte[0]);
        String forms = "--data takes a folder (of IDX files, or of one sub-folder of images per class), mnist, "
                + "fashion-mnist, or x.npy,y.npy";
        assertEquals("the data spec is empty; " + forms, error("  ", null));
        assertEquals("'a.npy,b.npy,c.npy': a NumPy data set is two files, images and labels: --data x.npy,y.npy",
                error("a.npy,b.npy,c.npy", null));
        assertEquals("'x.npy,': a NumPy data set is two files, images and labels: --data x.npy,y.npy",
                error("x.npy,", null));
        assertEquals(cwd.resolve("notes.txt") + ": is not a .npy file; a NumPy data set is two .npy files, images "
                + "and labels: --data x.npy,y.npy", error("x.npy,notes.txt", null));
        assertEquals(cwd.resolve("y.npy") + ": no such file", error("x.npy,y.npy", null));
        assertEquals(cwd.resolve("x.npy") + ": is a single file; a NumPy data set is two files, images and labels: "
                + "--data x.npy,y.npy", error("x.npy", null));
        assertEquals(cwd.resolve("notes.txt") + ": is a single file; " + forms, error("notes.txt", null));
        assertEquals(cwd.resolve("nowhere") + ": no such file or folder; " + forms, error("nowhere", null));
        String neither = ": holds neither IDX files (train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz]) "
                + "nor one sub-folder of images per class";
        assertEquals(cwd.resolve("empty") + neither, error("empty", null));
        assertEquals(cwd.resolve("flat") + neither, error("flat", null));
    }

    @Test
    void publicParseReadsTheWorkingDirectoryGiven() throws IOException {
        DataFixtures.mnistLike(cwd.resolve("digits"), 3, 2, false);
        assertEquals(cwd.resolve("digits"), ((IdxFiles) DataSpec.parse("digits", cwd)).dir());
    }
}
