package cnnc.cli;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.ops.Activation;
import cnnc.compiler.passes.Pipeline;
import cnnc.compiler.report.Json;
import cnnc.runtime.data.DataSpec;
import cnnc.runtime.data.Dataset;
import cnnc.runtime.data.IdxFiles;
import cnnc.runtime.data.ImageFolder;
import cnnc.runtime.data.ImageInput;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cnnc predict MODEL.cnn --weights W IMAGE... [--top K] [--classes NAMES | --data SPEC] [--scale S] [--json]}:
 * the top K classes of each image with their probabilities, as Keras' {@code model.predict} followed by a top-k.
 *
 * <p>Images are read by {@link ImageInput}: image files as the image-folder loader reads them (decoded, converted to
 * the input's channels, resized bilinearly), {@code .npy} arrays as stored. Probabilities are the model's first output
 * when it ends in a softmax (or a sigmoid); otherwise its values are taken as logits and a softmax (a sigmoid for one
 * output unit) is applied, with a warning.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Classify images: the top K classes of each image, with probabilities.", "",
                "IMAGE is a PNG, JPEG, BMP or GIF file, decoded, converted to the model input's channels (1 gray, 3"
                        + " RGB, 4 RGBA) and resized bilinearly to its height and width, as for --data FOLDER; or a"
                        + " .npy array of one image [H, W, C] or a batch [N, H, W, C], used as stored.",
                "",
                "Pixel values of image files are 0..255 times --scale. Without --scale it follows --data: 1/255 for"
                        + " IDX data (fashion-mnist, mnist: trained on [0, 1]), 1 for an image folder (0..255, as"
                        + " Keras' image_dataset_from_directory), for x.npy,y.npy 1/255 when every value of x.npy is"
                        + " in [0, 1], else 1; without --data, 1. Fashion-MNIST images are light clothes on black."})
final class PredictCommand implements Callable<Integer> {
    /** Examples run through the model at once. */
    private static final int CHUNK = 64;

    @Mixin
    ModelOptions model;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "The weights.")
    Path weights;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "Image files or .npy arrays.")
    List<Path> images;

    @Option(names = "--top", paramLabel = "K", defaultValue = "3",
            description = "How many classes to show per image (default: 3; at most the model's classes).")
    int top;

    @Option(names = "--classes", paramLabel = "NAMES",
            description = "Class names in label order: a,b,c or a text file with one name per line (default: the"
                    + " --data set's names, else class numbers).")
    String classes;

    @Option(names = "--data", paramLabel = "SPEC",
            description = "The data set the model was trained on (as for train), for its class names and pixel"
                    + " scale.")
    String data;

    @Option(names = "--scale", paramLabel = "S",
            description = "Multiply image pixel values (0..255) by S, a number or a fraction like 1/255.")
    String scale;

    @Option(names = "--json", description = "Print [{\"file\", \"index\" (in a .npy batch), \"top\": [{\"class\","
            + " \"name\", \"probability\"}]}].")
    boolean json;

    @Mixin
    BackendOptions backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One example's top classes. */
    private record Prediction(String file, int index, int[] classes, float[] probabilities) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (top < 1) {
            throw new UserError("cnnc: error: --top must be at least 1, got " + top, Main.EXIT_USAGE);
        }
        if (classes != null && data != null) {
            throw new UserError("cnnc: error: give --classes or --data, not both", Main.EXIT_USAGE);
        }
        Float explicitScale = scale == null ? null : parseScale(scale);
        backend.threads();
        Graph g = model.compile(Pipeline.analysis(), null, err).graph();
        if (g.inputs().size() != 1) {
            throw new UserError("cnnc: error: predict needs a model with one input; " + g.name() + " has "
                    + g.inputs().size(), Main.EXIT_INVALID);
        }
        String output = g.outputs().get(0);
        Shape outShape = g.shapeOf(output);
        if (outShape.rank() != 1) {
            throw new UserError("cnnc: error: predict needs a classifier, whose output is one score per class; the"
                    + " output `" + output + "` of " + g.name() + " has shape " + Arrays.toString(outShape.dims())
                    + " per image", Main.EXIT_INVALID);
        }
        Scores scores = Scores.of(g.node(output), (int) outShape.dim(0));
        int k = scores.classes;
        List<String> names = classes != null ? parseClasses(classes, k) : List.of();
        float pixelScale = explicitScale != null ? explicitScale : 1f;
        if (data != null) {
            Dataset set = DataOptions.load(data, g).train();
            names = set.classNames();
            if (explicitScale == null) {
                pixelScale = dataScale(data, set);
            }
        }
        Map<String, Tensor> w = Loaded.weights(g, weights, err);
        boolean imageFiles = false;
        for (Path image : images) {
            if (!Files.exists(image)) {
                throw new UserError("cnnc: error: no such file: " + image, Main.EXIT_INVALID);
            }
            try {
                imageFiles |= !Files.isDirectory(image) && !ImageInput.isNpy(image);
            } catch (IOException e) {
                throw Loaded.ioError(image, e);
            }
        }
        cnnc.runtime.exec.Executable compiled = backend.compile(g, w, false);
        List<Prediction> predictions = predict(g, compiled, scores, pixelScale, Math.min(top, k));
        // Only once the images were read: an error is the one line a failed command prints.
        if (scores.warning != null) {
            err.println("cnnc: warning: the output `" + output + "` of " + g.name() + " " + scores.warning);
        }
        if (imageFiles && explicitScale == null && data == null
                && g.nodes().stream().noneMatch(n -> n.op().name().equals("Rescaling"))) {
            err.println("cnnc: warning: image pixels are read as 0..255 and " + g.name() + " has no Rescaling layer;"
                    + " for a model trained on [0, 1] data (such as fashion-mnist) give --scale 1/255 or --data");
        }
        if (json) {
            out.println(Json.write(json(predictions, names)));
        } else {
            for (Prediction p : predictions) {
                StringBuilder line = new StringBuilder(p.file);
                if (p.index >= 0) {
                    line.append('[').append(p.index).append(']');
                }
                line.append(':');
                for (int r = 0; r < p.classes.length; r++) {
                    line.append(r == 0 ? " " : "  ").append(r + 1).append(". ").append(name(names, p.classes[r]))
                            .append(String.format(Locale.ROOT, " %.4f", p.probabilities[r]));
                }
                out.println(line);
            }
        }
        out.flush();
        return 0;
    }

    /** Reads every image in turn, runs them {@link #CHUNK} at a time, and keeps each one's top classes. */
    private List<Prediction> predict(Graph g, cnnc.runtime.exec.Executable compiled, Scores scores, float pixelScale, int k) {
        long[] inputShape = g.inputs().get(0).shape().dims();
        int length = Math.toIntExact(Arrays.stream(inputShape).reduce(1, Math::multiplyExact));
        List<Prediction> done = new ArrayList<>();
        float[] batch = new float[CHUNK * length];
        List<Prediction> pending = new ArrayList<>();
        for (Path file : images) {
            ImageInput.Images read;
            try {
                read = ImageInput.read(file, inputShape, pixelScale);
            } catch (IOException e) {
                throw Loaded.ioError(file, e);
            }
            float[] values = read.tensor().data();
            for (int i = 0; i < read.count(); i++) {
                System.arraycopy(values, i * length, batch, pending.size() * length, length);
                pending.add(new Prediction(file.toString(), read.batch() ? i : -1, null, null));
                if (pending.size() == CHUNK) {
                    run(g, compiled, scores, batch, pending, k, done);
                }
            }
        }
        if (!pending.isEmpty()) {
            run(g, compiled, scores, batch, pending, k, done);
        }
        return done;
    }

    private static void run(Graph g, cnnc.runtime.exec.Executable compiled, Scores scores, float[] batch, List<Prediction> pending,
            int k, List<Prediction> done) {
        int n = pending.size();
        long[] dims = g.inputs().get(0).shape().dims();
        long[] shape = new long[dims.length + 1];
        shape[0] = n;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        int length = batch.length / CHUNK;
        Tensor x = new Tensor(shape, Arrays.copyOf(batch, n * length));
        Tensor y;
        try {
            y = compiled.run(Map.of(g.inputs().get(0).name(), x)).get(g.outputs().get(0));
        } catch (IllegalArgumentException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        } catch (OutOfMemoryError e) {
            throw new UserError("cnnc: error: not enough memory to run the model; give the JVM more heap"
                    + " (CNNC_JAVA_OPTS=-Xmx8g)", Main.EXIT_INVALID);
        }
        int units = y.size() / n;
        for (int i = 0; i < n; i++) {
            float[] p = scores.probabilities(Arrays.copyOfRange(y.data(), i * units, (i + 1) * units));
            int[] order = topK(p, k);
            float[] probabilities = new float[order.length];
            for (int r = 0; r < order.length; r++) {
                probabilities[r] = p[order[r]];
            }
            Prediction q = pending.get(i);
            done.add(new Prediction(q.file, q.index, order, probabilities));
        }
        pending.clear();
    }

    /** The indices of the {@code k} largest values, largest first; ties keep the lower index first, NaN last. */
    static int[] topK(float[] p, int k) {
        Integer[] index = new Integer[p.length];
        for (int i = 0; i < p.length; i++) {
            index[i] = i;
        }
        Arrays.sort(index, (a, b) -> {
            float x = Float.isNaN(p[a]) ? Float.NEGATIVE_INFINITY : p[a];
            float z = Float.isNaN(p[b]) ? Float.NEGATIVE_INFINITY : p[b];
            return x != z ? Float.compare(z, x) : Integer.compare(a, b);
        });
        int[] out = new int[Math.min(k, p.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = index[i];
        }
        return out;
    }

    private static List<Object> json(List<Prediction> predictions, List<String> names) {
        List<Object> all = new ArrayList<>();
        for (Prediction p : predictions) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("file", p.file);
            if (p.index >= 0) {
                o.put("index", p.index);
            }
            List<Object> list = new ArrayList<>();
            for (int r = 0; r < p.classes.length; r++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("class", p.classes[r]);
                c.put("name", name(names, p.classes[r]));
                // The float's shortest decimal (0.9731), not its double expansion (0.9731000065803528).
                c.put("probability", Double.parseDouble(Float.toString(p.probabilities[r])));
                list.add(c);
            }
            o.put("top", list);
            all.add(o);
        }
        return all;
    }

    private static String name(List<String> names, int c) {
        return c < names.size() ? names.get(c) : Integer.toString(c);
    }

    /** {@code S} or {@code A/B}, finite and positive. */
    static float parseScale(String text) {
        String s = text.strip();
        try {
            int slash = s.indexOf('/');
            double v = slash < 0 ? Double.parseDouble(s)
                    : Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1));
            if (Double.isFinite(v) && v > 0) {
                return (float) v;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new UserError("cnnc: error: --scale takes a positive number or fraction, e.g. 1/255 or 0.5; got '"
                + text + "'", Main.EXIT_USAGE);
    }

    /** Names separated by commas, or a file of one name per line (blank lines skipped); {@code k} of them. */
    static List<String> parseClasses(String text, int k) {
        List<String> names;
        Path file = Path.of(text);
        if (!text.contains(",") && Files.isRegularFile(file)) {
            try {
                names = Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            } catch (IOException e) {
                throw Loaded.ioError(file, e);
            }
        } else {
            names = Arrays.stream(text.split(",", -1)).map(String::strip).toList();
            if (names.stream().anyMatch(String::isEmpty)) {
                throw new UserError("cnnc: error: --classes has an empty name in '" + text + "'; give names"
                        + " separated by commas, or a file with one name per line", Main.EXIT_USAGE);
            }
        }
        if (names.size() == 1 && k > 1 && !text.contains(",")) {
            throw new UserError("cnnc: error: --classes '" + text + "' is neither " + k + " names separated by commas"
                    + " nor a file with one name per line", Main.EXIT_USAGE);
        }
        if (names.size() != k) {
            throw new UserError("cnnc: error: --classes gives " + names.size() + " names, but the model has " + k
                    + " classes", Main.EXIT_USAGE);
        }
        return names;
    }

    /** The pixel scale the data set implies: see the command's description. */
    private static float dataScale(String spec, Dataset set) {
        DataSpec kind;
        try {
            kind = DataSpec.parse(spec, Path.of("").toAbsolutePath());
        } catch (IOException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        }
        if (kind instanceof IdxFiles) {
            return 1f / 255;
        }
        if (kind instanceof ImageFolder) {
            return 1f;
        }
        float[] example = new float[set.exampleLength()];
        try {
            for (int i = 0; i < set.size(); i++) {
                set.example(i, example, 0);
                for (float v : example) {
                    if (!(v >= 0 && v <= 1)) {
                        return 1f;
                    }
                }
            }
        } catch (IOException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        }
        return 1f / 255;
    }

    /** How the model's output becomes probabilities: as is, or through a softmax or sigmoid applied here. */
    private static final class Scores {
        final int classes;
        final boolean binary;
        final boolean apply;
        final String warning;

        private Scores(int classes, boolean binary, boolean apply, String warning) {
            this.classes = classes;
            this.binary = binary;
            this.apply = apply;
            this.warning = warning;
        }

        /** The {@code units} outputs of {@code out}: a softmax or sigmoid gives probabilities, anything else logits. */
        static Scores of(Node out, int units) {
            Activation act = out != null && out.attrs().has("activation")
                    && out.attrs().get("activation") instanceof Activation a ? a : null;
            boolean softmax = act == Activation.SOFTMAX || (out != null && out.op().name().equals("Softmax")
                    && (out.attrs().getInt("axis") == -1 || out.attrs().getInt("axis") == 1));
            boolean sigmoid = act == Activation.SIGMOID || act == Activation.HARD_SIGMOID;
            if (units == 1) {
                return new Scores(2, true, !sigmoid, sigmoid ? null
                        : "is not a sigmoid; its value is taken as a logit and the probability of class 1 is its"
                                + " sigmoid");
            }
            if (softmax || sigmoid) {
                return new Scores(units, false, false, null);
            }
            return new Scores(units, false, true, "is not a softmax; its values are taken as logits and"
                    + " probabilities are their softmax");
        }

        /** The probability of each class for one example's outputs. */
        float[] probabilities(float[] y) {
            if (binary) {
                double p = apply ? 1 / (1 + Math.exp(-y[0])) : y[0];
                return new float[] {(float) (1 - p), (float) p};
            }
            if (!apply) {
                return y;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (float v : y) {
                max = Math.max(max, v);
            }
            double sum = 0;
            double[] e = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                e[i] = Math.exp(y[i] - max);
                sum += e[i];
            }
            float[] p = new float[y.length];
            for (int i = 0; i < y.length; i++) {
                p[i] = (float) (e[i] / sum);
            }
            return p;
        }
    }
}
