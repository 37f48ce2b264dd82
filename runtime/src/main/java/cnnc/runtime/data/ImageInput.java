package cnnc.runtime.data;

import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.FileFormatException;
import cnnc.runtime.io.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * One file a user wants a model to look at, read into the model's input shape: an image file (PNG, JPEG, BMP, GIF)
 * decoded, converted to the input's channels and resized to its height and width exactly as an {@link ImageFolder}
 * example is ({@link ImageFiles}, {@link BilinearResize}), or a NumPy {@code .npy} array of one example or a batch.
 *
 * <p>Image pixels are 0..255 multiplied by a caller's {@code scale} (1 as Keras' {@code image_dataset_from_directory}
 * gives them, 1/255 for models trained on [0, 1] data such as the IDX files). A {@code .npy} array is used as stored,
 * as {@code cnnc run} and {@code --data x.npy,y.npy} use it: its values are not scaled, and its shape must already be
 * the input's ({@code [H, W, C]}), the input's with a leading batch axis ({@code [N, H, W, C]}), or, for one channel,
 * either without the channel axis ({@code [H, W]}, {@code [N, H, W]}).
 */
public final class ImageInput {
    private static final byte[] NPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /**
     * What a file held.
     *
     * @param tensor the examples, {@code [N, ...input shape]}
     * @param batch  whether the file held a batch (a {@code .npy} with a leading axis), so that its examples are named
     *               by index; false for one example ({@code N} = 1)
     */
    public record Images(Tensor tensor, boolean batch) {
        /** The number of examples. */
        public int count() {
            return Math.toIntExact(tensor.dim(0));
        }
    }

    private ImageInput() {
    }

    /** Whether {@code file} is read as a NumPy array: its name ends in {@code .npy} or it starts as one does. */
    public static boolean isNpy(Path file) throws IOException {
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
            return true;
        }
        byte[] head = new byte[NPY_MAGIC.length];
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(head, 0, head.length) == head.length && Arrays.equals(head, NPY_MAGIC);
        }
    }

    /**
     * Reads {@code file} into the model input {@code shape} (per example; a leading batch axis of 0 or less is
     * dropped).
     *
     * @param scale what image pixel values (0..255) are multiplied by; unused for {@code .npy} files
     * @throws NoSuchFileException if there is no such file
     * @throws FileFormatException naming the file, when it is no image or array, is damaged, has another shape than
     *                             the input, or is an image and the input is not {@code [H, W, C]} with 1, 3 or 4
     *                             channels
     */
    public static Images read(Path file, long[] shape, float scale) throws IOException {
        long[] input = shape.length > 0 && shape[0] <= 0 ? Arrays.copyOfRange(shape, 1, shape.length) : shape.clone();
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new FileFormatException(file, "is a folder, not an image or .npy file");
        }
        return isNpy(file) ? npy(file, input) : new Images(image(file, input, scale), false);
    }

    private static Tensor image(Path file, long[] input, float scale) throws IOException {
        if (input.length != 3 || input[0] < 1 || input[1] < 1 || input[0] * input[1] > Integer.MAX_VALUE / 4) {
            throw new FileFormatException(file, "is an image, but the model's input is "
                    + DatasetChecks.text(input) + ", not [height, width, channels]; give a .npy array of that shape");
        }
        int h = (int) input[0];
        int w = (int) input[1];
        long c = input[2];
        if (c != 1 && c != 3 && c != 4) {
            throw new FileFormatException(file, "cannot be converted to the model's " + c + " channels; images "
                    + "convert to 1 (grayscale), 3 (RGB) or 4 (RGBA); give a .npy array of shape "
                    + DatasetChecks.text(input));
        }
        ImageFiles.Pixels p = ImageFiles.read(file, (int) c);
        float[] out = new float[h * w * (int) c];
        BilinearResize.resize(p.values(), p.height(), p.width(), (int) c, out, 0, h, w);
        if (scale != 1f) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= scale;
            }
        }
        long[] batched = new long[] {1, h, w, c};
        return new Tensor(batched, out);
    }

    private static Images npy(Path file, long[] input) throws IOException {
        Tensor t = Npy.read(file);
        long[] have = t.shape();
        boolean oneChannel = input.length == 3 && input[2] == 1;
        long[] gray = oneChannel ? Arrays.copyOf(input, 2) : null;
        if (Arrays.equals(have, input) || (oneChannel && Arrays.equals(have, gray))) {
            return new Images(t.reshape(withBatch(1, input)), false);
        }
        if (have.length > 0) {
            long[] example = Arrays.copyOfRange(have, 1, have.length);
            if (Arrays.equals(example, input) || (oneChannel && Arrays.equals(example, gray))) {
                if (have[0] == 0) {
                    throw new FileFormatException(file, "holds no images (shape " + DatasetChecks.text(have) + ")");
                }
                return new Images(t.reshape(withBatch(have[0], input)), true);
            }
        }
        throw new FileFormatException(file, "has shape " + DatasetChecks.text(have) + "; the model's input is "
                + DatasetChecks.text(input) + ": give one image " + DatasetChecks.text(input) + " or a batch "
                + "[N, " + DatasetChecks.text(input).substring(1) + mismatch(have, input));
    }

    /** Why an array that looks like images is not the model's: the channel count or the size. */
    private static String mismatch(long[] have, long[] input) {
        if (input.length != 3 || (have.length != 3 && have.length != 4)) {
            return "";
        }
        long[] example = have.length == 4 ? Arrays.copyOfRange(have, 1, 4) : have;
        if (example[0] == input[0] && example[1] == input[1] && example[2] != input[2]) {
            return " (it has " + example[2] + " channels, the model takes " + input[2] + "; arrays are not converted)";
        }
        if (example[2] == input[2] && (example[0] != input[0] || example[1] != input[1])) {
            return " (its images are " + example[0] + "x" + example[1] + ", the model takes " + input[0] + "x"
                    + input[1] + "; arrays are not resized)";
        }
        return "";
    }

    private static long[] withBatch(long n, long[] input) {
        long[] s = new long[input.length + 1];
        s[0] = n;
        System.arraycopy(input, 0, s, 1, input.length);
        return s;
    }
}
