package cnnc.runtime.io;

import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * NumPy's {@code .npy} array files, format versions 1.0, 2.0 and 3.0 (NEP 1; layout in {@link NpyHeader}).
 *
 * <p>The readers accept C-order arrays of {@code f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1} in either byte order
 * ({@code <} little, {@code >} big, {@code =} native, taken as little; {@code |} for one-byte types) and report
 * anything else — Fortran order, object or structured dtypes, truncated data, a file that is not a .npy — as a
 * {@link FileFormatException}. Bytes after the array are ignored, as NumPy does (several arrays may be saved one after
 * another into one file). The writer produces exactly what {@code np.save} writes for a C-order float32 array.
 */
public final class Npy {
    private Npy() {
    }

    /**
     * Reads an array as float32: floats round to nearest, integers convert (exactly up to 2^24), bools become 0 and 1.
     * Shape {@code ()} is a scalar, read as shape {@code []}.
     */
    public static Tensor read(Path file) throws IOException {
        try (FileChannel channel = DataReader.open(file)) {
            NpyHeader header = NpyHeader.read(channel, file);
            float[] data = DataReader.readFloats(channel, file, header.dataOffset(), header.count(), header.type(),
                    header.order());
            return new Tensor(header.shape(), data);
        }
    }

    /**
     * Reads an array of whole numbers exactly, as for class labels: integer and bool arrays of any width (uint64 up to
     * 2^63 - 1), and float arrays whose every element is a whole number (an element with a fraction, NaN or
     * infinity is an error naming its index).
     */
    public static LongTensor readLabels(Path file) throws IOException {
        try (FileChannel channel = DataReader.open(file)) {
            NpyHeader header = NpyHeader.read(channel, file);
            long[] values = DataReader.readLongs(channel, file, header.dataOffset(), header.count(), header.type(),
                    header.order());
            return new LongTensor(header.shape(), values);
        }
    }

    /** Writes a tensor as a version 1.0, C-order, little-endian float32 ({@code <f4}) array, atomically. */
    public static void write(Path file, Tensor tensor) throws IOException {
        byte[] prefix = NpyHeader.float32Prefix(tensor.shape());
        AtomicFiles.write(file, out -> {
            out.write(prefix);
            DataWriter.writeFloats(out, tensor.data());
        });
    }
}
