package cnnc.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a run of elements from a file straight into a Java array, one bounded chunk at a time, so that files of
 * several gigabytes need no more memory than their arrays. Callers check the run lies inside the file first.
 */
final class DataReader {
    /** The largest number of elements a Java array holds on common JVMs, and so a {@code Tensor}. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final int CHUNK_BYTES = 1 << 20;

    private DataReader() {
    }

    /**
     * Opens a file to read, with messages that name it: a folder is a {@link FileFormatException}, a missing or
     * unreadable file the usual {@link NoSuchFileException} or {@link AccessDeniedException} with a reason.
     */
    static FileChannel open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileFormatException(file, "this is a folder, not a file");
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(file.toString(), null, "permission denied");
        }
    }

    /** The number of elements of a shape with no negative dimension, or -1 when over {@link #MAX_ELEMENTS}. */
    static long elementCount(long[] shape) {
        for (long d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        long count = 1;
        for (long d : shape) {
            if (count > MAX_ELEMENTS / d) {
                return -1;
            }
            count *= d;
        }
        return count;
    }

    static float[] readFloats(FileChannel channel, Path file, long position, int count, ElementType type,
                              ByteOrder order) throws IOException {
        float[] out = new float[count];
        ByteBuffer buffer = ByteBuffer.allocate(chunkBytes(count, type)).order(order);
        int perChunk = buffer.capacity() / type.size;
        for (int done = 0; done < count; ) {
            int n = Math.min(perChunk, count - done);
            buffer.clear().limit(n * type.size);
            readFully(channel, file, buffer, position + (long) done * type.size);
            buffer.flip();
            type.toFloats(buffer, out, done, n);
            done += n;
        }
        return out;
    }

    /** Reads whole numbers exactly; a float element with a fraction, or too large for a {@code long}, is an error. */
    static long[] readLongs(FileChannel channel, Path file, long position, int count, ElementType type,
                            ByteOrder order) throws IOException {
        long[] out = new long[count];
        ByteBuffer buffer = ByteBuffer.allocate(chunkBytes(count, type)).order(order);
        int perChunk = buffer.capacity() / type.size;
        for (int done = 0; done < count; ) {
            int n = Math.min(perChunk, count - done);
            buffer.clear().limit(n * type.size);
            readFully(channel, file, buffer, position + (long) done * type.size);
            buffer.flip();
            int bad = type.toLongs(buffer, out, done, n);
            if (bad >= 0) {
                String what = type == ElementType.U64 ? "too large for a 64-bit signed integer" : "not a whole number";
                throw new FileFormatException(file, "element " + (done + bad) + " is " + type.text(buffer) + ", which is "
                        + what + "; expected integer values such as class labels");
            }
            done += n;
        }
        return out;
    }

    /** Fills {@code buffer} from {@code position}; the file ending first means it shrank since its size was checked. */
    static void readFully(FileChannel channel, Path file, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new FileFormatException(file, "the file ended at byte " + at
                        + " while it was being read (was it changed by another program?)");
            }
            at += n;
        }
    }

    private static int chunkBytes(int count, ElementType type) {
        long all = (long) count * type.size;
        return (int) Math.max(type.size, Math.min(all, CHUNK_BYTES - CHUNK_BYTES % type.size));
    }
}
