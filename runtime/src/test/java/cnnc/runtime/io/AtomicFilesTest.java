package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** All or nothing: a failed write leaves the old file and no temp file; errors say what happened. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplaces() throws IOException {
        Path target = dir.resolve("a.bin");
        AtomicFiles.write(target, out -> out.write(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        AtomicFiles.write(target, out -> {
            out.write(new byte[] {4, 5}, 0, 2);
            out.close(); // allowed, and does not end the write
            out.write(6);
        });
        assertArrayEquals(new byte[] {4, 5, 6}, Files.readAllBytes(target));
        assertEquals(List.of(target), list());
    }

    @Test
    void failedBodyLeavesTheOldFileAndNoTempFile() throws IOException {
        Path target = dir.resolve("keep.bin");
        Files.write(target, "old".getBytes(StandardCharsets.US_ASCII));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + target + ": no space left on device; free some space and try again (the "
                + "existing file is unchanged)", e.getMessage());
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), list());
    }

    @Test
    void diskFullWithoutAnOldFileSaysSo() throws IOException {
        Path target = dir.resolve("new.bin");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + target + ": no space left on device; free some space and try again",
                e.getMessage());
        assertEquals(List.of(), list());
    }

    @Test
    void uncheckedFailuresPassThroughAndCleanUp() throws IOException {
        Path target = dir.resolve("x.bin");
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target, out -> {
            throw boom;
        })));
        assertEquals(List.of(), list());
    }

    @Test
    void missingFolderIsExplained() {
        Path target = dir.resolve("no/such/dir/x.bin");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> { }));
        assertEquals("cannot write " + target + ": the folder " + dir.resolve("no/such/dir") + " does not exist",
                e.getMessage());
    }

    @Test
    void folderAsTargetIsRefused() throws IOException {
        Path target = Files.createDirectory(dir.resolve("sub"));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> { }));
        assertEquals("cannot write " + target + ": it is a folder", e.getMessage());
        assertTrue(Files.isDirectory(target));
    }

    @Test
    void keepsTheOldFilesPermissions() throws IOException {
        Path target = dir.resolve("perm.bin");
        Files.write(target, new byte[] {0});
        try {
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r-----"));
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system
        }
        AtomicFiles.write(target, out -> out.write(1));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    private List<Path> list() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }
}
