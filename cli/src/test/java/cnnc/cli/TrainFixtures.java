package cnnc.cli;

import static cnnc.cli.BackendFixtures.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Shared fixtures for the tests of {@code cnnc train} and {@code cnnc evaluate}: a learnable synthetic data set
 * (which quadrant of an 8x8 image is bright), small models for it, and a reader for the {@code --log} CSV.
 */
final class TrainFixtures {
    private TrainFixtures() {}

    /** The classes of the quadrant data set: top-left, top-right, bottom-left, bottom-right. */
    static final int CLASSES = 4;

    /** A small conv net for 8x8x1 images of four classes. */
    static final String QUAD = """
            model Quad {
              input [8, 8, 1]
              Conv2D(4, 3, padding=same, activation=relu)
              MaxPooling2D(2)
              Flatten()
              Dense(4, activation=softmax)
            }
            """;

    /** As {@link #QUAD}, with batch normalization and dropout (whose training forms differ from inference). */
    static final String QUAD_BN_DROPOUT = """
            model QuadBn {
              input [8, 8, 1]
              Conv2D(4, 3, padding=same, use_bias=false)
              BatchNormalization()
              ReLU()
              MaxPooling2D(2)
              Flatten()
              Dropout(0.2)
              Dense(4, activation=softmax)
            }
            """;

    /** The header {@code train --log} writes. */
    static final String CSV_HEADER = "epoch,loss,accuracy,val_loss,val_accuracy,seconds,images_per_s";

    /** A data set written as {@code x.npy} and {@code y.npy}, with the {@code --data} spec naming both. */
    record Data(Path images, Path labels, Tensor x, Tensor y) {
        String spec() {
            return images.toAbsolutePath() + "," + labels.toAbsolutePath();
        }

        /** The label of example {@code i} (the class number, or the arg-max of a one-hot row). */
        int label(int i) {
            if (y.shape().length == 1) {
                return (int) y.data()[i];
            }
            int k = (int) y.shape()[1];
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (y.data()[i * k + c] > y.data()[i * k + best]) {
                    best = c;
                }
            }
            return best;
        }
    }

    /** The label of example {@code i} of {@link #quadrantImages}: the classes in turn, so every class is present. */
    static int quadrantLabel(int i) {
        return i % CLASSES;
    }

    /**
     * {@code n} 8x8x1 images, noise in [0, 0.2) everywhere and 0.8 more in the quadrant of the example's class
     * ({@link #quadrantLabel}).
     */
    static Tensor quadrantImages(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[n * 64];
        for (int i = 0; i < n; i++) {
            int c = quadrantLabel(i);
            int top = c < 2 ? 0 : 4;
            int left = c % 2 == 0 ? 0 : 4;
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    boolean bright = y >= top && y < top + 4 && x >= left && x < left + 4;
                    d[i * 64 + y * 8 + x] = (float) (r.nextDouble() * 0.2 + (bright ? 0.8 : 0));
                }
            }
        }
        return new Tensor(new long[] {n, 8, 8, 1}, d);
    }

    /** Class numbers {@code [n]} for {@link #quadrantImages}. */
    static Tensor quadrantLabels(int n) {
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = quadrantLabel(i);
        }
        return new Tensor(new long[] {n}, y);
    }

    /** One-hot rows {@code [n, 4]} for {@link #quadrantImages}. */
    static Tensor quadrantOneHot(int n) {
        float[] y = new float[n * CLASSES];
        for (int i = 0; i < n; i++) {
            y[i * CLASSES + quadrantLabel(i)] = 1;
        }
        return new Tensor(new long[] {n, CLASSES}, y);
    }

    /** The quadrant data set of {@code n} examples with class-number labels, written into {@code dir}. */
    static Data quadrants(Path dir, int n, long seed) {
        return write(dir, "quad", quadrantImages(n, seed), quadrantLabels(n));
    }

    /** The quadrant data set with one-hot labels. */
    static Data quadrantsOneHot(Path dir, int n, long seed) {
        return write(dir, "quad_onehot", quadrantImages(n, seed), quadrantOneHot(n));
    }

    /** Writes {@code prefix_x.npy} and {@code prefix_y.npy}. */
    static Data write(Path dir, String prefix, Tensor x, Tensor y) {
        Path xp = npy(dir.resolve(prefix + "_x.npy"), x);
        Path yp = npy(dir.resolve(prefix + "_y.npy"), y);
        return new Data(xp, yp, x, y);
    }

    /**
     * Writes IDX files {@code PREFIX-images-idx3-ubyte} (bytes {@code [n, h, w]}) and {@code PREFIX-labels-idx1-ubyte}
     * into {@code dir}, as the MNIST family ships them (uncompressed).
     */
    static void writeIdx(Path dir, String prefix, byte[] pixels, int n, int h, int w, byte[] labels) {
        try {
            Files.createDirectories(dir);
            ByteBuffer images = ByteBuffer.allocate(16 + pixels.length).order(ByteOrder.BIG_ENDIAN);
            images.putInt(0x00000803).putInt(n).putInt(h).putInt(w).put(pixels);
            Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images.array());
            ByteBuffer l = ByteBuffer.allocate(8 + labels.length).order(ByteOrder.BIG_ENDIAN);
            l.putInt(0x00000801).putInt(labels.length).put(labels);
            Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), l.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The quadrant images of {@link #quadrantImages} as IDX bytes ({@code [n, 8, 8]}) with their labels. */
    static void writeQuadrantIdx(Path dir, String prefix, int n, long seed) {
        float[] x = quadrantImages(n, seed).data();
        byte[] pixels = new byte[x.length];
        for (int i = 0; i < x.length; i++) {
            pixels[i] = (byte) Math.round(x[i] * 255);
        }
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) quadrantLabel(i);
        }
        writeIdx(dir, prefix, pixels, n, 8, 8, labels);
    }

    /** The metadata of a safetensors file. */
    static Map<String, String> metadata(Path file) {
        try {
            return Safetensors.read(file).metadata();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of a {@code --log} CSV as column → value, after checking the header. */
    static List<Map<String, String>> readLog(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(!lines.isEmpty(), "empty log " + csv);
        assertEquals(CSV_HEADER, lines.get(0), "log header");
        String[] columns = lines.get(0).split(",", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            assertEquals(columns.length, values.length, () -> "columns of log row `" + line + "`");
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < columns.length; c++) {
                row.put(columns[c], values[c]);
            }
            rows.add(row);
        }
        return rows;
    }

    /** A numeric column of a log row. */
    static double number(Map<String, String> row, String column) {
        String v = row.get(column);
        assertTrue(v != null && !v.isEmpty(), () -> "log column " + column + " is empty in " + row);
        return Double.parseDouble(v);
    }
}
