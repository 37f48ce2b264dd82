package cnnc.runtime.data;

import cnnc.runtime.io.FileFormatException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and its relatives (LeCun et al., "THE MNIST DATABASE of handwritten digits"):
 * a magic number {@code 00 00 TT NN} (element type, dimension count), NN big-endian int32 dimensions, then the
 * elements in row-major order. cnnc reads unsigned-byte files (type {@code 0x08}), plain or gzip-compressed (told by
 * the gzip magic number, not the name). Every way a file can disagree with its header is a
 * {@link FileFormatException}.
 */
final class Idx {
    /** An IDX array of unsigned bytes: its dimensions and elements. */
    record Array(int[] dims, byte[] data) {
    }

    private Idx() {
    }

    /**
     * Reads an unsigned-byte IDX file of {@code rank} dimensions.
     *
     * @param noun what the first dimension counts, for messages: "images" or "labels"
     */
    static Array read(Path file, int rank, String noun) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            if (!gz) {
                return read(raw, file, rank, noun, Files.size(file));
            }
            try (InputStream in = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16)) {
                return read(in, file, rank, noun, -1);
            } catch (EOFException e) {
                throw new FileFormatException(file, "is truncated: its gzip data ends early (an interrupted "
                        + "download?)");
            } catch (ZipException e) {
                throw new FileFormatException(file, "is not valid gzip data (" + e.getMessage() + ")");
            }
        }
    }

    /** Reads from {@code in}; {@code fileSize} is the byte count of an uncompressed file, -1 for gzip. */
    private static Array read(InputStream in, Path file, int rank, String noun, long fileSize) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length == 0) {
            throw new FileFormatException(file, "is empty");
        }
        int expected = 0x0800 | rank;
        if (magic.length < 4 || magic[0] != 0 || magic[1] != 0) {
            throw new FileFormatException(file, "is not an IDX file: it starts with bytes " + hex(magic)
                    + ", not " + hex(new byte[] {0, 0, 8, (byte) rank}));
        }
        int type = magic[2] & 0xFF;
        int dims = magic[3] & 0xFF;
        if (type != 0x08) {
            throw new FileFormatException(file, "holds IDX elements of type 0x" + String.format("%02x", type) + " ("
                    + typeName(type) + "); cnnc reads unsigned bytes (type 0x08), as MNIST's files are");
        }
        if (dims != rank) {
            throw new FileFormatException(file, "has " + dims + (dims == 1 ? " dimension" : " dimensions")
                    + ", an IDX " + noun + " file has " + rank + " (" + (rank == 3 ? "count, rows, columns" : "count")
                    + "); magic number 0x" + String.format("%08x", 0x0800 | dims) + ", expected 0x"
                    + String.format("%08x", expected));
        }
        byte[] header = in.readNBytes(4 * dims);
        if (header.length < 4 * dims) {
            throw new FileFormatException(file, "is truncated: it ends inside its header");
        }
        int[] shape = new int[dims];
        long total = 1;
        for (int d = 0; d < dims; d++) {
            shape[d] = (header[4 * d] & 0xFF) << 24 | (header[4 * d + 1] & 0xFF) << 16
                    | (header[4 * d + 2] & 0xFF) << 8 | header[4 * d + 3] & 0xFF;
            if (shape[d] < 0) {
                throw new FileFormatException(file, "has a negative dimension in its header: "
                        + (shape[d] & 0xFFFFFFFFL));
            }
            // Each factor is below 2^31, so stopping once past 2^31 keeps the product from overflowing a long.
            total = Math.min(total * shape[d], 1L << 31);
        }
        if (shape[0] == 0) {
            throw new FileFormatException(file, "holds no " + noun + " (its header says 0)");
        }
        if (total == 0) {
            throw new FileFormatException(file, "has " + noun + " of " + shape[1] + "x" + shape[2] + " pixels");
        }
        String promise = shape[0] + " " + noun + (rank == 3 ? " of " + shape[1] + "x" + shape[2] : "");
        if (total > Integer.MAX_VALUE - 16) {
            throw new FileFormatException(file, "is too large: " + promise + " is more bytes than cnnc can hold in "
                    + "one array (2 GiB)");
        }
        long headerBytes = 4 + 4L * dims;
        byte[] data;
        if (fileSize >= 0) {
            if (fileSize - headerBytes < total) {
                throw truncated(file, promise, total, fileSize - headerBytes);
            }
            data = new byte[(int) total];
            int n = in.readNBytes(data, 0, data.length);
            if (n < total) {
                throw truncated(file, promise, total, n);
            }
        } else {
            data = in.readNBytes((int) total);
            if (data.length < total) {
                throw truncated(file, promise, total, data.length);
            }
        }
        if (in.read() != -1) {
            throw new FileFormatException(file, "is longer than its header says: it holds more than " + promise
                    + " (" + total + " bytes)");
        }
        return new Array(shape, data);
    }

    private static FileFormatException truncated(Path file, String promise, long total, long got) {
        return new FileFormatException(file, "is truncated: its header promises " + promise + " (" + total
                + " bytes), but the data ends after " + got + " bytes");
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown";
        };
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(s.length() == 0 ? "" : " ").append(String.format("%02x", b & 0xFF));
        }
        return s.toString();
    }
}
