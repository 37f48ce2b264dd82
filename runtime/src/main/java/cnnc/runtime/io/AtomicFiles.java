package cnnc.runtime.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all at once or not at all: the bytes go to a temporary file in the target's folder, which is flushed
 * to disk ({@code fsync}) and then renamed over the target. Readers see either the old file or the complete new one,
 * never a prefix; after any failure (full disk, crash in the body, missing permission) the temporary file is removed
 * and an existing target is left as it was. The same pattern as {@code git}'s lock files and Python's
 * {@code atomicwrites}.
 */
public final class AtomicFiles {
    private static final int BUFFER_BYTES = 1 << 16;

    private AtomicFiles() {
    }

    /**
     * Runs {@code body} on a buffered stream and, if it returns normally, makes what it wrote the content of
     * {@code target}. The body must not keep the stream; closing it is allowed and does nothing.
     *
     * @throws IOException whose message starts with {@code cannot write TARGET:} and says why in words (for a full
     *         disk: {@code no space left on device}); an exception thrown by the body itself is passed on unchanged
     *         when it is a {@link FileFormatException} or unchecked
     */
    public static void write(Path target, IOConsumer<OutputStream> body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + target + ": it is a folder");
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            // A device or pipe (/dev/null, a FIFO): written in place; renaming over it would replace it with a file.
            try (OutputStream out = Files.newOutputStream(absolute)) {
                body.accept(out);
            }
            return;
        }
        Path temp;
        try {
            temp = createTemp(dir, absolute.getFileName().toString());
        } catch (IOException e) {
            throw explain(target, e);
        }
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES)) {
                body.accept(new KeepOpen(out));
                out.flush();
                channel.force(true);
            }
            copyPermissions(absolute, temp);
            move(temp, absolute);
            moved = true;
            syncFolder(dir);
        } catch (FileFormatException e) {
            throw e;
        } catch (IOException e) {
            throw explain(target, e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The original failure is the one to report; a stray temp file is harmless.
                }
            }
        }
    }

    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path temp = dir.resolve("." + name + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                    + ".tmp");
            try {
                // Not Files.createTempFile: that makes the file private (0600), and the result should get the
                // permissions any new file in that folder gets.
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    private static void copyPermissions(Path from, Path to) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(from);
            Files.setPosixFilePermissions(to, permissions);
        } catch (IOException | UnsupportedOperationException e) {
            // No existing target, or a file system without POSIX permissions: keep the defaults.
        }
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the rename itself durable; possible on Linux and macOS, refused elsewhere, where it is skipped. */
    private static void syncFolder(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Not supported here (Windows): the data itself is already on disk.
        }
    }

    static IOException explain(Path target, IOException e) {
        String prefix = "cannot write " + target + ": ";
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (message.startsWith(prefix)) {
            return e;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        String reason;
        if (lower.contains("no space left on device") || lower.contains("not enough space")
                || lower.contains("disk full")) {
            reason = "no space left on device; free some space and try again";
        } else if (lower.contains("disk quota exceeded")) {
            reason = "disk quota exceeded";
        } else if (lower.contains("read-only file system")) {
            reason = "the file system is read-only";
        } else if (e instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            Path parent = target.toAbsolutePath().getParent();
            reason = "the folder " + parent + " does not exist";
        } else if (e instanceof FileSystemException fse && fse.getReason() != null) {
            reason = fse.getReason();
        } else {
            reason = message.isEmpty() ? e.getClass().getSimpleName() : message;
        }
        String kept = Files.exists(target) ? " (the existing file is unchanged)" : "";
        return new IOException(prefix + reason + kept, e);
    }

    /** Passes writes through in bulk, and ignores close: the stream belongs to {@link #write}. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
