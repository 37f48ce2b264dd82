package cnnc.cli;

import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.npy;
import static cnnc.cli.BackendFixtures.parseJson;
import static cnnc.cli.BackendFixtures.randomTensor;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.data.IdxFiles;
import cnnc.runtime.data.ImageFolder;
import cnnc.runtime.data.ImageInput;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cnnc predict} on valid input: its probabilities are the reference interpreter's on the image as the
 * image-folder loader reads it, in top-k order; names come from {@code --classes} or {@code --data}; a model trained
 * on which quadrant of an image is bright names the quadrant of a PNG.
 */
class PredictCommandTest {
    /** 8x8 gray images, four classes. */
    static final String QUAD = """
            model Quad {
              input [8, 8, 1]
              Conv2D(4, 3, padding=same, activation=relu)
              MaxPooling2D(2)
              Flatten()
              Dense(4, activation=softmax)
            }
            """;

    /** 6x6 RGB images, five classes. */
    static final String RGB = """
            model Rgb {
              input [6, 6, 3]
              Conv2D(3, 3, padding=same, activation=relu)
              GlobalAveragePooling2D()
              Dense(5, activation=softmax)
            }
            """;

    /** Logits: no softmax at the end. */
    static final String LOGITS = """
            model Logits {
              input [8, 8, 1]
              Flatten()
              Dense(4)
            }
            """;

    /** One sigmoid unit: a binary classifier. */
    static final String BINARY = """
            model Binary {
              input [8, 8, 1]
              Flatten()
              Dense(1, activation=sigmoid)
            }
            """;

    @TempDir
    Path dir;

    /**
     * Runs {@code cnnc predict ARGS}: through {@link Main} once the command is wired there, until then through the
     * command alone with the same error handling as {@link Main#run}.
     */
    static Result predict(Object... args) {
        String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        if (new CommandLine(new Main()).getSubcommands().containsKey("predict")) {
            Object[] all = new Object[args.length + 1];
            all[0] = "predict";
            System.arraycopy(args, 0, all, 1, args.length);
            return BackendFixtures.cnnc(all);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out, true);
        PrintWriter e = new PrintWriter(err, true);
        CommandLine cli = new CommandLine(new PredictCommand());
        cli.setOut(o);
        cli.setErr(e);
        cli.setParameterExceptionHandler((ex, x) -> {
            e.println("cnnc: error: " + ex.getMessage());
            return Main.EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof UserError u) {
                e.print(u.getMessage().endsWith("\n") ? u.getMessage() : u.getMessage() + "\n");
                e.flush();
                return u.exitCode();
            }
            throw ex;
        });
        int code = cli.execute(a);
        return new Result(code, out.toString(), err.toString().replace("\r\n", "\n"));
    }

    /** A PNG (or another ImageIO format) of {@code [h, w, c]} 0..255 values, c 1 (gray) or 3 (RGB). */
    static Path image(Path file, String format, int h, int w, int c, int[] values) {
        BufferedImage image = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int k = (y * w + x) * c;
                if (c == 1) {
                    image.getRaster().setSample(x, y, 0, values[k]);
                } else {
                    image.setRGB(x, y, values[k] << 16 | values[k + 1] << 8 | values[k + 2]);
                }
            }
        }
        try {
            assertTrue(ImageIO.write(image, format, file.toFile()), "no " + format + " writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static int[] noise(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        return IntStream.range(0, n).map(i -> r.nextInt(256)).toArray();
    }

    /** A {@code size}x{@code size} gray PNG, bright (255) in the quadrant of {@code label}, dark (20) elsewhere. */
    static Path quadrantPng(Path file, int size, int label) {
        int[] v = new int[size * size];
        int half = size / 2;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean bright = (y < half) == (label < 2) && (x < half) == (label % 2 == 0);
                v[y * size + x] = bright ? 255 : 20;
            }
        }
        return image(file, "png", size, size, 1, v);
    }

    /** The model's probabilities for the examples of {@code x}, by the reference interpreter. */
    static float[][] reference(Graph g, Map<String, Tensor> w, Tensor x) {
        Tensor y = Interpreter.run(g, w, Map.of(g.inputs().get(0).name(), x)).get(g.outputs().get(0));
        int n = (int) x.dim(0);
        int k = y.size() / n;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) {
            out[i] = Arrays.copyOfRange(y.data(), i * k, (i + 1) * k);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> parse(Result r) {
        assertEquals(0, r.code(), r::toString);
        return (List<Map<String, Object>>) parseJson(r.out());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> top(Map<String, Object> entry) {
        return (List<Map<String, Object>>) entry.get("top");
    }

    /** The entry's top classes equal the reference probabilities' largest {@code k}, in order. */
    static void assertTopK(float[] probabilities, Map<String, Object> entry, int k, List<String> names) {
        List<Map<String, Object>> top = top(entry);
        assertEquals(Math.min(k, probabilities.length), top.size(), entry::toString);
        Integer[] order = IntStream.range(0, probabilities.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -probabilities[i])).toArray(Integer[]::new);
        double sum = 0;
        double previous = Double.POSITIVE_INFINITY;
        for (int r = 0; r < top.size(); r++) {
            int c = ((Double) top.get(r).get("class")).intValue();
            double p = (Double) top.get(r).get("probability");
            assertEquals(order[r], c, () -> "rank of " + entry);
            assertEquals(probabilities[c], p, 1e-4, () -> "probability in " + entry);
            assertTrue(p <= previous, () -> "not in decreasing order: " + entry);
            assertEquals(names == null ? Integer.toString(c) : names.get(c), top.get(r).get("name"));
            previous = p;
            sum += p;
        }
        assertTrue(sum <= 1 + 1e-5, "probabilities sum to " + sum);
    }

    @Test
    void pngJpegAndNpyGiveTheInterpretersTopClasses() throws IOException {
        Path model = writeText(dir, "rgb.cnn", RGB);
        Graph g = graph(RGB);
        Map<String, Tensor> w = randomWeights(g, 5);
        Path weights = safetensors(dir.resolve("w.safetensors"), w);
        // A 10x7 PNG is resized to 6x6; a gray JPEG is converted to RGB.
        Path png = image(dir.resolve("a.png"), "png", 10, 7, 3, noise(1, 10 * 7 * 3));
        Path jpg = image(dir.resolve("b.jpg"), "jpeg", 6, 6, 1, noise(2, 36));
        Tensor batch = randomTensor(3, 2, 6, 6, 3);
        Path npyBatch = npy(dir.resolve("batch.npy"), batch);
        Path npyOne = npy(dir.resolve("one.npy"), randomTensor(4, 6, 6, 3));
        List<Map<String, Object>> json = parse(predict(model, "--weights", weights, png, jpg, npyBatch, npyOne,
                "--top", 3, "--scale", "1/255", "--json", "--threads", 2));
        assertEquals(5, json.size(), json::toString);
        float scale = 1f / 255;
        float[] pa = reference(g, w, ImageInput.read(png, new long[] {6, 6, 3}, scale).tensor())[0];
        float[] pb = reference(g, w, ImageInput.read(jpg, new long[] {6, 6, 3}, scale).tensor())[0];
        float[][] pBatch = reference(g, w, batch);
        float[] pOne = reference(g, w, BackendFixtures.readNpy(npyOne).reshape(1, 6, 6, 3))[0];
        assertTopK(pa, json.get(0), 3, null);
        assertTopK(pb, json.get(1), 3, null);
        assertTopK(pBatch[0], json.get(2), 3, null);
        assertTopK(pBatch[1], json.get(3), 3, null);
        assertTopK(pOne, json.get(4), 3, null);
        assertEquals(List.of(png.toString(), jpg.toString(), npyBatch.toString(), npyBatch.toString(),
                npyOne.toString()), json.stream().map(e -> e.get("file")).toList());
        assertEquals(Arrays.asList(null, null, 0.0, 1.0, null), json.stream().map(e -> e.get("index")).toList());
        // The scale reaches the model: pixel values 0..255 predict differently.
        List<Map<String, Object>> raw = parse(predict(model, "--weights", weights, png, "--json", "--top", 5));
        assertTopK(reference(g, w, ImageInput.read(png, new long[] {6, 6, 3}, 1f).tensor())[0], raw.get(0), 5, null);
    }

    /** An image reads as the image-folder loader reads it for training, times the scale. */
    @Test
    void imagesReadAsTheImageFolderLoaderReadsThem() throws IOException {
        Path folder = dir.resolve("folder");
        Files.createDirectories(folder.resolve("only"));
        for (int c : new int[] {1, 3}) {
            Path png = image(folder.resolve("only/x.png"), "png", 13, 9, c, noise(c, 13 * 9 * c));
            for (int channels : new int[] {1, 3, 4}) {
                long[] shape = {6, 5, channels};
                float[] loader = new float[6 * 5 * channels];
                new ImageFolder(folder).load(shape).train().example(0, loader, 0);
                float[] input = ImageInput.read(png, shape, 1f / 255).tensor().data();
                for (int i = 0; i < loader.length; i++) {
                    loader[i] *= 1f / 255;
                }
                assertArrayEquals(loader, input, c + " to " + channels + " channels");
            }
        }
    }

    @Test
    void textOutputNamesEachFileAndItsTopClasses() {
        Path model = writeText(dir, "quad.cnn", QUAD);
        Graph g = graph(QUAD);
        Path weights = safetensors(dir.resolve("w.safetensors"), randomWeights(g, 8));
        Path png = quadrantPng(dir.resolve("q.png"), 8, 2);
        Path gray = npy(dir.resolve("gray.npy"), randomTensor(9, 3, 8, 8));
        Result r = predict(model, "--weights", weights, png, gray, "--classes", "tl, tr,bl,br", "--top", 2);
        assertEquals(0, r.code(), r::toString);
        // Image files without --scale or --data, and no Rescaling layer: a hint about the pixel scale.
        assertEquals("cnnc: warning: image pixels are read as 0..255 and Quad has no Rescaling layer; for a model"
                + " trained on [0, 1] data (such as fashion-mnist) give --scale 1/255 or --data\n", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r::toString);
        String rank = "(tl|tr|bl|br) [01]\\.\\d{4}";
        assertTrue(lines.get(0).matches(java.util.regex.Pattern.quote(png.toString()) + ": 1\\. " + rank + "  2\\. "
                + rank), lines.get(0));
        for (int i = 0; i < 3; i++) {
            assertTrue(lines.get(i + 1).startsWith(gray + "[" + i + "]: 1. "), lines.get(i + 1));
        }
    }

    @Test
    void noScaleHintWithAScaleOrARescalingLayerOrOnlyArrays() {
        Path png = quadrantPng(dir.resolve("q.png"), 8, 3);
        Path model = writeText(dir, "quad.cnn", QUAD);
        Path weights = safetensors(dir.resolve("w.safetensors"), randomWeights(graph(QUAD), 8));
        Result scaled = predict(model, "--weights", weights, png, "--scale", "1");
        assertEquals("", scaled.err(), scaled::toString);
        Result arrays = predict(model, "--weights", weights, npy(dir.resolve("x.npy"), randomTensor(1, 8, 8, 1)));
        assertEquals("", arrays.err(), arrays::toString);
        String rescaled = """
                model Rescaled {
                  input [8, 8, 1]
                  Rescaling(1 / 255)
                  Flatten()
                  Dense(4, activation=softmax)
                }
                """;
        Result r = predict(writeText(dir, "rescaled.cnn", rescaled), "--weights",
                safetensors(dir.resolve("r.safetensors"), randomWeights(graph(rescaled), 2)), png);
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    @Test
    void logitsAreSoftmaxedWithAWarningAndTopIsCappedAtTheClasses() {
        Path model = writeText(dir, "logits.cnn", LOGITS);
        Graph g = graph(LOGITS);
        Map<String, Tensor> w = randomWeights(g, 12);
        Tensor x = randomTensor(13, 1, 8, 8, 1);
        Result r = predict(model, "--weights", safetensors(dir.resolve("w.safetensors"), w),
                npy(dir.resolve("x.npy"), x), "--top", 10, "--json");
        List<Map<String, Object>> json = parse(r);
        assertTrue(r.err().startsWith("cnnc: warning: the output `dense` of Logits is not a softmax"), r::toString);
        float[] logits = reference(g, w, x)[0];
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (Math.exp(logits[i] - max) / sum);
        }
        assertTopK(p, json.get(0), 4, null);
        assertEquals(1.0, top(json.get(0)).stream().mapToDouble(m -> (Double) m.get("probability")).sum(), 1e-5);
    }

    @Test
    void oneSigmoidUnitIsTwoClasses() {
        Path model = writeText(dir, "binary.cnn", BINARY);
        Graph g = graph(BINARY);
        Map<String, Tensor> w = randomWeights(g, 14);
        Tensor x = randomTensor(15, 1, 8, 8, 1);
        List<Map<String, Object>> json = parse(predict(model, "--weights", safetensors(dir.resolve("w.safetensors"),
                w), npy(dir.resolve("x.npy"), x), "--classes", "cat,dog", "--json"));
        float p = reference(g, w, x)[0][0];
        assertTopK(new float[] {1 - p, p}, json.get(0), 2, List.of("cat", "dog"));
    }

    @Test
    void classNamesFromAFile() throws IOException {
        Path model = writeText(dir, "quad.cnn", QUAD);
        Path weights = safetensors(dir.resolve("w.safetensors"), randomWeights(graph(QUAD), 8));
        Path names = Files.writeString(dir.resolve("labels.txt"), "north west\nnorth east\n\nsouth west\nsouth east\n");
        List<Map<String, Object>> json = parse(predict(model, "--weights", weights,
                quadrantPng(dir.resolve("q.png"), 8, 1), "--classes", names, "--top", 4, "--json"));
        assertEquals(List.of("north west", "north east", "south west", "south east"), top(json.get(0)).stream()
                .sorted(Comparator.comparingDouble(m -> (Double) m.get("class"))).map(m -> m.get("name")).toList());
    }

    /** Fashion-MNIST-like IDX files in a folder named fashion: the class names and the 1/255 scale follow. */
    @Test
    void idxDataGivesFashionNamesAndTheUnitScale() throws IOException {
        Path model = BackendFixtures.examples("fashion_mnist.cnn");
        Path weights = dir.resolve("w.safetensors");
        assertEquals(0, BackendFixtures.cnnc("init", model, "-o", weights, "--seed", 4).code());
        Path data = dir.resolve("fashion");
        Files.createDirectories(data);
        int n = 10;
        byte[] pixels = new byte[n * 28 * 28];
        new SplittableRandom(6).nextBytes(pixels);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) i;
        }
        Files.write(data.resolve("train-images-idx3-ubyte"), ByteBuffer.allocate(16 + pixels.length)
                .putInt(0x803).putInt(n).putInt(28).putInt(28).put(pixels).array());
        Files.write(data.resolve("train-labels-idx1-ubyte"), ByteBuffer.allocate(8 + n)
                .putInt(0x801).putInt(n).put(labels).array());
        Path shirt = image(dir.resolve("shirt.png"), "png", 40, 30, 1, noise(7, 40 * 30));
        Result byData = predict(model, "--weights", weights, shirt, "--data", data, "--json", "--top", 10);
        Result unit = predict(model, "--weights", weights, shirt, "--scale", "0.00392156862745098", "--json",
                "--top", 10);
        Result raw = predict(model, "--weights", weights, shirt, "--scale", "1", "--json", "--top", 10);
        List<Map<String, Object>> json = parse(byData);
        for (Map<String, Object> c : top(json.get(0))) {
            assertEquals(IdxFiles.FASHION_MNIST_CLASSES.get(((Double) c.get("class")).intValue()), c.get("name"));
        }
        assertEquals(probabilities(json), probabilities(parse(unit)));
        assertNotEquals(probabilities(json), probabilities(parse(raw)));
    }

    private static List<Object> probabilities(List<Map<String, Object>> json) {
        return top(json.get(0)).stream().map(m -> m.get("probability")).toList();
    }

    /** Trains the quadrant model, then asks which quadrant of 16x16 PNGs is bright. */
    @Test
    void aTrainedModelNamesTheQuadrantOfAPng() {
        int n = 96;
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[n * 64];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = i % 4;
            y[i] = c;
            for (int p = 0; p < 64; p++) {
                boolean bright = (p / 8 < 4) == (c < 2) && (p % 8 < 4) == (c % 2 == 0);
                x[i * 64 + p] = (float) (r.nextDouble() * 0.2 + (bright ? 0.8 : 0));
            }
        }
        Path xs = npy(dir.resolve("x.npy"), new Tensor(new long[] {n, 8, 8, 1}, x));
        Path ys = npy(dir.resolve("y.npy"), new Tensor(new long[] {n}, y));
        Path model = writeText(dir, "quad.cnn", QUAD);
        Path weights = dir.resolve("trained.safetensors");
        Result train = BackendFixtures.cnnc("train", model, "--data", xs + "," + ys, "--epochs", 25, "--batch-size",
                16, "--optimizer", "adam(learning_rate=0.01)", "--save", weights);
        assertEquals(0, train.code(), train::toString);
        List<Object> files = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            files.add(quadrantPng(dir.resolve("quadrant" + c + ".png"), 16, c));
        }
        // The data is in [0, 1], so --data implies the 1/255 scale; its names are the class numbers.
        List<Object> args = new ArrayList<>(List.of(model, "--weights", weights, "--data", xs + "," + ys, "--json"));
        args.addAll(files);
        List<Map<String, Object>> json = parse(predict(args.toArray()));
        for (int c = 0; c < 4; c++) {
            Map<String, Object> best = top(json.get(c)).get(0);
            assertEquals(Integer.toString(c), best.get("name"), json::toString);
            assertTrue((Double) best.get("probability") > 0.5, json::toString);
        }
        args = new ArrayList<>(List.of(model, "--weights", weights, "--scale", "1/255", "--classes", "tl,tr,bl,br",
                "--top", 1));
        args.addAll(files);
        Result text = predict(args.toArray());
        assertEquals(0, text.code(), text::toString);
        assertArrayEquals(new String[] {"tl", "tr", "bl", "br"}, text.out().lines()
                .map(l -> l.replaceAll(".*: 1\\. (\\w+) [01]\\.\\d{4}$", "$1")).toArray(), text::toString);
    }
}
