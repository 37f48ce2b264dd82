package cnnc.runtime.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Small data files written by the tests: IDX files, images, and .npy arrays of any dtype. */
final class DataFixtures {
    /** Rows and columns of the IDX fixtures' images: not square, so that swapped axes show. */
    static final int ROWS = 4;
    static final int COLS = 3;

    private DataFixtures() {
    }

    /** The bytes of an unsigned-byte IDX file. */
    static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** Pixel {@code k} of image {@code i} in the IDX fixtures. */
    static int pixel(int i, int k) {
        return (i * 37 + k * 11) % 256;
    }

    static byte[] images(int n) {
        byte[] data = new byte[n * ROWS * COLS];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < ROWS * COLS; k++) {
                data[i * ROWS * COLS + k] = (byte) pixel(i, k);
            }
        }
        return idx(new int[] {n, ROWS, COLS}, data);
    }

    static byte[] labels(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i % 10);
        }
        return idx(new int[] {n}, data);
    }

    /** Writes the four MNIST files into {@code dir}: {@code train} and {@code test} examples, label i % 10. */
    static Path mnistLike(Path dir, int train, int test, boolean gz) throws IOException {
        Files.createDirectories(dir);
        String suffix = gz ? ".gz" : "";
        write(dir.resolve("train-images-idx3-ubyte" + suffix), images(train), gz);
        write(dir.resolve("train-labels-idx1-ubyte" + suffix), labels(train), gz);
        write(dir.resolve("t10k-images-idx3-ubyte" + suffix), images(test), gz);
        write(dir.resolve("t10k-labels-idx1-ubyte" + suffix), labels(test), gz);
        return dir;
    }

    static void write(Path file, byte[] bytes, boolean gz) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, gz ? gzip(bytes) : bytes);
    }

    /** An image of the given type whose pixel (x, y) has the RGB value {@code rgb.apply(x, y)}. */
    static BufferedImage image(int width, int height, int type, PixelFunction rgb) {
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb.argb(x, y));
            }
        }
        return image;
    }

    interface PixelFunction {
        int argb(int x, int y);
    }

    static Path writeImage(Path file, BufferedImage image) throws IOException {
        Files.createDirectories(file.getParent());
        String name = file.getFileName().toString();
        String format = name.substring(name.lastIndexOf('.') + 1).replace("jpg", "jpeg");
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
        return file;
    }

    /** A small RGB image of one colour. */
    static Path solid(Path file, int rgb) throws IOException {
        return writeImage(file, image(5, 4, BufferedImage.TYPE_INT_RGB, (x, y) -> 0xFF000000 | rgb));
    }

    /** The bytes of a .npy file: C order, the given NumPy dtype ({@code <f4}, {@code |u1}, {@code <i8}). */
    static byte[] npy(String descr, long[] shape, ByteBuffer data) {
        String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
        if (shape.length == 1) {
            dims += ",";
        }
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        int total = 10 + header.length() + 1;
        header += " ".repeat((64 - total % 64) % 64) + "\n";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(10 + h.length + data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
        out.putShort((short) h.length).put(h).put(data);
        return out.array();
    }

    static Path npyFloats(Path file, long[] shape, float... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        Files.write(file, npy("<f4", shape, b.flip()));
        return file;
    }

    static Path npyLongs(Path file, long[] shape, long... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        Files.write(file, npy("<i8", shape, b.flip()));
        return file;
    }

    static Path npyBytes(Path file, long[] shape, int... values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length);
        for (int v : values) {
            b.put((byte) v);
        }
        Files.write(file, npy("|u1", shape, b.flip()));
        return file;
    }

    /** All labels of a data set. */
    static List<Integer> labels(Dataset data) {
        return java.util.stream.IntStream.range(0, data.size()).map(data::label).boxed().toList();
    }

    /** Example {@code i} of a data set as a new array. */
    static float[] example(Dataset data, int i) throws IOException {
        float[] out = new float[data.exampleLength()];
        data.example(i, out, 0);
        return out;
    }
}
