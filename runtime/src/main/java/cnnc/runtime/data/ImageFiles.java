package cnnc.runtime.data;

import cnnc.runtime.io.FileFormatException;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image files with {@code javax.imageio} into 8-bit values (as float32, 0..255) of a chosen channel count, as
 * TensorFlow's {@code decode_image(channels=C)} does for Keras: 1 is grayscale, by the luminance
 * {@code round(0.299 R + 0.587 G + 0.114 B)} (ITU-R BT.601, as libjpeg, PIL and {@code tf.image.rgb_to_grayscale});
 * 3 is RGB, a gray image repeated and alpha dropped; 4 is RGBA, opaque where the file has no alpha. Gray files are read
 * from their samples, not through Java's linear gray colour space, which would brighten them. A decoder warning
 * (a truncated JPEG, which ImageIO would otherwise fill with gray) is an error, as it is in TensorFlow.
 */
final class ImageFiles {
    /** The file name endings Keras' {@code image_dataset_from_directory} accepts, any case. */
    static final List<String> EXTENSIONS = List.of(".bmp", ".gif", ".jpeg", ".jpg", ".png");

    /** The most pixels decoded from one file (64 Mi): a damaged header must not ask for gigabytes. */
    static final long MAX_PIXELS = 1L << 26;

    /** A decoded image: {@code [height, width, channels]} values 0..255. */
    record Pixels(int height, int width, int channels, float[] values) {
    }

    private ImageFiles() {
    }

    static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /** Reads as far as the image size, so that a file that is no image fails early, before training starts. */
    static void checkHeader(Path file) throws IOException {
        withReader(file, reader -> {
            if (reader.getWidth(0) < 1 || reader.getHeight(0) < 1) {
                throw new FileFormatException(file, "is an image of " + reader.getWidth(0) + "x"
                        + reader.getHeight(0) + " pixels");
            }
            return null;
        });
    }

    /** Decodes the first image in the file (a GIF's first frame) to {@code channels} channels. */
    static Pixels read(Path file, int channels) throws IOException {
        BufferedImage image = withReader(file, reader -> {
            long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
            if (pixels > MAX_PIXELS) {
                throw new FileFormatException(file, "is too large to decode: " + reader.getWidth(0) + "x"
                        + reader.getHeight(0) + " pixels, more than " + MAX_PIXELS);
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage decoded = reader.read(0);
            if (!warnings.isEmpty()) {
                throw new FileFormatException(file, "is damaged: " + warnings.get(0));
            }
            return decoded;
        });
        return convert(image, channels);
    }

    private interface ReaderTask<T> {
        T run(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(Path file, ReaderTask<T> task) throws IOException {
        ImageInputStream in;
        try {
            in = ImageIO.createImageInputStream(file.toFile());
        } catch (IIOException e) {
            throw new FileFormatException(file, "cannot be opened (" + e.getMessage() + ")");
        }
        if (in == null) {
            throw new FileFormatException(file, "cannot be opened");
        }
        try (in) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new FileFormatException(file, "is not an image javax.imageio can read (PNG, JPEG, BMP or "
                        + "GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return task.run(reader);
            } catch (FileFormatException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                // ImageIO's decoders throw IIOException, EOFException, or unchecked exceptions on damaged files.
                throw new FileFormatException(file, "cannot be decoded as " + reader.getFormatName().toUpperCase(
                        Locale.ROOT) + " (" + describe(e) + ")");
            } finally {
                reader.dispose();
            }
        }
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (s.length() > 0) {
                s.append(": ");
            }
            s.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
        }
        return s.toString();
    }

    static Pixels convert(BufferedImage image, int channels) {
        int h = image.getHeight();
        int w = image.getWidth();
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(h, w), channels)];
        ColorModel cm = image.getColorModel();
        boolean gray = !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        if (gray) {
            Raster raster = image.getRaster();
            boolean alpha = cm.hasAlpha();
            int grayMax = (1 << cm.getComponentSize(0)) - 1;
            int alphaMax = alpha ? (1 << cm.getComponentSize(1)) - 1 : 255;
            for (int y = 0, k = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int g = scale(raster.getSample(x, y, 0), grayMax);
                    int a = alpha ? scale(raster.getSample(x, y, 1), alphaMax) : 255;
                    k = put(out, k, channels, g, g, g, a, g);
                }
            }
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int p = 0, k = 0; p < argb.length; p++) {
                int a = argb[p] >>> 24;
                int r = argb[p] >> 16 & 0xFF;
                int g = argb[p] >> 8 & 0xFF;
                int b = argb[p] & 0xFF;
                k = put(out, k, channels, r, g, b, a, (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b));
            }
        }
        return new Pixels(h, w, channels, out);
    }

    private static int scale(int sample, int max) {
        return max == 255 ? sample : (int) Math.round(sample * 255.0 / max);
    }

    private static int put(float[] out, int k, int channels, int r, int g, int b, int a, int luma) {
        switch (channels) {
            case 1 -> out[k++] = luma;
            case 3 -> {
                out[k++] = r;
                out[k++] = g;
                out[k++] = b;
            }
            case 4 -> {
                out[k++] = r;
                out[k++] = g;
                out[k++] = b;
                out[k++] = a;
            }
            default -> throw new IllegalArgumentException("channels must be 1, 3 or 4, not " + channels);
        }
        return k;
    }
}
