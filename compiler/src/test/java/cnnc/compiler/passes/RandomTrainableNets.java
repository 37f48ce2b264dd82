package cnnc.compiler.passes;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.CompileException;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Shape;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Small random trainable models as text, for the autodiff properties ({@link GradProperties}); adapted from the
 * runtime's {@code RandomNets}. A model is an input [h, w, c], a list of steps, each drawn from its own seed (so that
 * jqwik shrinks a failing model by dropping steps), and a head that fits a loss drawn from the head seed:
 * sparse or dense categorical cross-entropy after a softmax (fused with the loss) or a sigmoid (not fused), binary
 * cross-entropy after a sigmoid or softmax, mean squared error after anything. Steps cover every layer: the three
 * convolutions with random kernel, strides, dilation, padding, bias and activation; max/average/L2 pooling, valid and
 * same; global pooling with and without keepdims; BatchNormalization (trainable or frozen, with or without its
 * affine parts); Dropout; Dense on vectors, rows and images; Add; Concatenate; ZeroPadding2D; Reshape and Flatten;
 * Rescaling; ReLU, LeakyReLU, Activation and Softmax on any axis.
 *
 * <p>Every line names its inputs, so lines can be inserted anywhere after their inputs (the dead branch of
 * {@link Net#withDeadBranch}). Layers with weights are frozen ({@code trainable=false}) with the probability given.
 * The compiler is the oracle of shape validity: a step whose shapes it rejects is drawn again, up to four times, then
 * dropped; a step that does not even lower is a bug here and fails at once.
 */
final class RandomTrainableNets {
    static final String SPARSE = "sparse_categorical_crossentropy";
    static final String CATEGORICAL = "categorical_crossentropy";
    static final String BINARY = "binary_crossentropy";
    static final String MSE = "mean_squared_error";

    /** Whether a line may carry {@code trainable=false}, and of which kind. */
    enum Freeze { NONE, LAYER, BATCH_NORM }

    /**
     * One statement {@code name = Op(args)(inputs)}; for op {@code repeat}, {@code name = repeat N { body }} with
     * args N and the body's statements (which chain from the current value, so nothing may be inserted before it).
     */
    record Line(String name, String op, List<String> args, List<String> inputs, Freeze frozen) {
        String render(boolean freezeLayers) {
            if (op.equals("repeat")) {
                return name + " = repeat " + args.get(0) + " {\n" + String.join("", args.subList(1, args.size())
                        .stream().map(b -> "    " + b + "\n").toList()) + "  }";
            }
            List<String> a = new ArrayList<>(args);
            if (frozen == Freeze.BATCH_NORM || (frozen == Freeze.LAYER && freezeLayers)) {
                a.add(op.equals("Unit") ? "t=false" : "trainable=false");
            }
            return name + " = " + op + "(" + String.join(", ", a) + ")(" + String.join(", ", inputs) + ")";
        }

        /** The frozen layer's full name: a block instance freezes its convolution. */
        String frozenLayer() {
            return op.equals("Unit") ? name + "/c" : name;
        }
    }

    /** A block (so that weights are keyed by instance prefix), its convolution frozen by {@code t=false}. */
    static final String BLOCK = """
            block Unit(f, k=3, t=true) {
              input x
              c = Conv2D(f, k, padding=same, activation=tanh, trainable=t)(x)
              b = BatchNormalization()(c)
              output b
            }

            """;

    /** A generated model: its lines, the value the loss reads, and the loss (null: the pass's default). */
    static final class Net {
        final String header;
        final List<Line> lines;
        final String output;
        final String loss;
        final Map<String, Shape> shapes;

        Net(String header, List<Line> lines, String output, String loss, Map<String, Shape> shapes) {
            this.header = header;
            this.lines = List.copyOf(lines);
            this.output = output;
            this.loss = loss;
            this.shapes = shapes;
        }

        /** The model text, frozen layers included. */
        String text() {
            return render(true);
        }

        /** The text with {@code trainable=false} dropped from convolutions and Dense (not BatchNormalization). */
        String textWithLayersUnfrozen() {
            return render(false);
        }

        /** The names of the lines that carry {@code trainable=false}. */
        List<String> frozen() {
            return lines.stream().filter(l -> l.frozen() != Freeze.NONE).map(Line::frozenLayer).toList();
        }

        boolean hasFrozenBatchNorm() {
            return lines.stream().anyMatch(l -> l.frozen() == Freeze.BATCH_NORM);
        }

        /**
         * The same model with a branch whose value reaches no loss: one to three layers with weights (and sometimes a
         * Dropout and an Add with its source) reading an earlier value, inserted after that value; the model's output
         * is named by an {@code output} statement, which sometimes lists the branch as a second output.
         */
        String withDeadBranch(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            List<String> sources = new ArrayList<>();
            sources.add("x");
            for (int i = 0; i < lines.size() - 1; i++) {
                sources.add(lines.get(i).name());
            }
            int at;
            do {
                at = r.nextInt(sources.size());
            } while (lines.get(at).op().equals("repeat"));
            String src = sources.get(at);
            Shape s = shapes.get(src);
            List<String> branch = new ArrayList<>();
            String cur = src;
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                String name = "dead" + i;
                String call = switch (r.nextInt(5)) {
                    case 0 -> s.rank() == 3 ? "Conv2D(" + s.dim(-1) + ", " + (1 + 2 * r.nextInt(2))
                            + ", padding=same, activation=tanh)" : "Dense(" + s.dim(-1) + ", activation=tanh)";
                    case 1 -> "BatchNormalization()";
                    case 2 -> "Dropout(0.5)";
                    case 3 -> s.rank() == 3 ? "SeparableConv2D(" + s.dim(-1) + ", 1)" : "Dense(" + s.dim(-1) + ")";
                    default -> "Dense(" + s.dim(-1) + ", use_bias=false)";
                };
                branch.add("  " + name + " = " + call + "(" + cur + ")");
                cur = name;
            }
            if (r.nextBoolean()) {
                branch.add("  deadsum = Add()(" + src + ", " + cur + ")");
                cur = "deadsum";
            }
            StringBuilder text = new StringBuilder(header);
            for (int i = 0; i < lines.size(); i++) {
                if (i == at) {
                    branch.forEach(b -> text.append(b).append('\n'));
                }
                text.append("  ").append(lines.get(i).render(true)).append('\n');
            }
            text.append("  output ").append(output).append(r.nextInt(3) == 0 ? ", " + cur : "").append('\n');
            return text.append("}\n").toString();
        }

        private String render(boolean freezeLayers) {
            StringBuilder text = new StringBuilder(header);
            for (Line l : lines) {
                text.append("  ").append(l.render(freezeLayers)).append('\n');
            }
            return text.append("}\n").toString();
        }

        @Override
        public String toString() {
            return text() + "loss: " + (loss == null ? "default" : loss) + "\n";
        }
    }

    private static final String[] POINTWISE = {"linear", "relu", "relu6", "leaky_relu", "elu", "tanh", "sigmoid",
        "hard_sigmoid", "swish", "silu"};
    private static final String[] ACTIVATIONS = {"linear", "relu", "relu6", "leaky_relu", "elu", "tanh", "sigmoid",
        "hard_sigmoid", "swish", "silu", "softmax", "None"};
    private static final String[] LOSSES = {SPARSE, CATEGORICAL, BINARY, MSE, null};

    private final String header;
    private final double freezeRate;
    private final List<Line> lines = new ArrayList<>();
    private final Map<String, Shape> shapes = new LinkedHashMap<>();
    private SplittableRandom random;
    private String current = "x";
    private Shape shape;
    private int counter;

    private RandomTrainableNets(int h, int w, int c, double freezeRate) {
        this.header = BLOCK + "model R {\n  input x: [" + h + ", " + w + ", " + c + "]\n";
        this.freezeRate = freezeRate;
        this.shape = Shape.of(h, w, c);
        shapes.put("x", shape);
    }

    /**
     * A model with input [h, w, c], one step per seed, and a head drawn from {@code headSeed}; weighted layers are
     * frozen with probability {@code freezeRate}; {@code leadTrainable} starts the model with a trainable convolution
     * (so that a frozen layer after it has something to pass gradients to).
     */
    static Net build(int h, int w, int c, List<Long> steps, long headSeed, double freezeRate, boolean leadTrainable) {
        return new RandomTrainableNets(h, w, c, freezeRate).model(steps, headSeed, leadTrainable);
    }

    private Net model(List<Long> steps, long headSeed, boolean leadTrainable) {
        if (leadTrainable) {
            random = new SplittableRandom(headSeed ^ 0x5DEECE66DL);
            layer("conv", "Conv2D", List.of(Integer.toString(1 + random.nextInt(3)), "3", "padding=same",
                    "activation=" + pick("tanh", "elu", "swish", "linear")), List.of(current), Freeze.NONE);
            shape = compile().shapeOf(current);
        }
        for (long seed : steps) {
            random = new SplittableRandom(seed);
            attempt(this::step);
        }
        random = new SplittableRandom(headSeed);
        String loss = LOSSES[random.nextInt(LOSSES.length)];
        int mark = lines.size();
        String before = current;
        Shape beforeShape = shape;
        for (int attempt = 0; ; attempt++) {
            head(loss);
            Graph g = tryCompile();
            if (g != null) {
                shape = g.shapeOf(current);
                break;
            }
            if (attempt == 8) {
                throw new IllegalStateException("no head fits:\n" + text());
            }
            lines.subList(mark, lines.size()).clear();
            current = before;
            shape = beforeShape;
        }
        if (leadTrainable && lines.stream().allMatch(l -> l.frozen() == Freeze.NONE)) {
            // Freeze the last layer with weights after the lead, so that a frozen layer has one to pass gradients to.
            for (int i = lines.size() - 1; i > 0; i--) {
                Line l = lines.get(i);
                if (hasWeights(l)) {
                    lines.set(i, new Line(l.name(), l.op(), l.args(), l.inputs(),
                            l.op().equals("BatchNormalization") ? Freeze.BATCH_NORM : Freeze.LAYER));
                    break;
                }
            }
        }
        Graph g = compile();
        Shape last = shapes.get("x");
        for (Line l : lines) {
            last = shapeOf(g, l.name(), last);
            shapes.put(l.name(), last);
        }
        return new Net(header, lines, current, loss, shapes);
    }

    /**
     * A value's shape. Block instances and repeats name no node of the graph: an instance's value is its layer
     * {@code INSTANCE/b}, and a repeat's body keeps the shape it is given.
     */
    private static Shape shapeOf(Graph g, String value, Shape before) {
        Shape s = g.shapeOf(value);
        Shape block = g.shapeOf(value + "/b");
        return s != null ? s : block != null ? block : before;
    }

    /** Runs a step, drawing it again (up to four times) while the compiler rejects its shapes, else dropping it. */
    private void attempt(Runnable step) {
        int mark = lines.size();
        String before = current;
        Shape beforeShape = shape;
        for (int attempt = 0; attempt < 4; attempt++) {
            step.run();
            Graph g = tryCompile();
            if (g != null) {
                shape = shapeOf(g, current, beforeShape);
                return;
            }
            lines.subList(mark, lines.size()).clear();
            current = before;
            shape = beforeShape;
        }
    }

    private void step() {
        int rank = shape.rank();
        int k = random.nextInt(rank == 3 ? 21 : 10);
        if (rank != 3) {
            switch (k) {
                case 0, 1 -> dense(width(6), null);
                case 2 -> {
                    dense(width(6), "linear");
                    batchNorm();
                }
                case 3, 4 -> elementwise();
                case 5 -> residual();
                case 6 -> concat();
                case 7 -> layer("softmax", "Softmax", random.nextBoolean() ? List.of()
                        : List.of("axis=" + pick(Integer.toString(rank), "-1", "1")));
                case 8 -> repeat();
                default -> reshapeFlat();
            }
            return;
        }
        switch (k) {
            case 0, 1 -> conv(-1, false, null);
            case 2 -> {
                conv(-1, false, null);
                pool();
            }
            case 3, 4, 17, 20 -> pool();
            case 5 -> {
                conv(-1, false, random.nextBoolean() ? "linear" : null);
                batchNorm();
            }
            case 6, 7, 16 -> elementwise();
            case 8 -> residual();
            case 9 -> concat();
            case 10 -> layer("pad", "ZeroPadding2D", random.nextInt(4) == 0 ? List.of() : List.of(random.nextBoolean()
                    ? "((" + random.nextInt(3) + ", " + random.nextInt(3) + "), (" + random.nextInt(3) + ", "
                    + random.nextInt(3) + "))" : padding()));
            case 11 -> {
                if (random.nextInt(4) == 0) {
                    layer("softmax", "Activation", List.of("softmax"));
                } else {
                    layer("softmax", "Softmax", random.nextBoolean() ? List.of()
                            : List.of("axis=" + pick("1", "2", "3", "-1", "-2")));
                }
            }
            case 12 -> dense(width(4), null);
            case 13 -> layer("gpool", random.nextBoolean() ? "GlobalAveragePooling2D" : "GlobalMaxPooling2D",
                    List.of("keepdims=" + random.nextBoolean()));
            case 14 -> toFlat();
            case 18 -> layer("unit", "Unit", List.of(Integer.toString(1 + random.nextInt(3)), "k=" + pick("1", "3")),
                    freezable());
            case 19 -> repeat();
            default -> reshapeImage();
        }
    }

    /** The head that fits the loss; cross-entropies need a vector of class scores. */
    private void head(String loss) {
        boolean categorical = loss == null || loss.equals(SPARSE) || loss.equals(CATEGORICAL);
        boolean scores = shape.rank() == 1 && shape.dim(0) >= 2 && weighted();
        if (categorical && shape.rank() != 1) {
            toFlat();
        }
        int classes = 2 + random.nextInt(3);
        if (categorical) {
            switch (random.nextInt(loss != null && loss.equals(CATEGORICAL) ? 5 : 4)) {
                case 0 -> dense(classes, "softmax");
                case 1 -> {
                    dense(classes, "linear");
                    layer("softmax", "Softmax", random.nextBoolean() ? List.of() : List.of("axis=1"));
                }
                case 2 -> {
                    dense(classes, pick("linear", "tanh", "None"));
                    layer("softmax", "Activation", List.of("softmax"));
                }
                case 3 -> {
                    if (scores) {
                        layer("softmax", "Softmax", List.of());
                    } else {
                        dense(classes, "softmax");
                    }
                }
                default -> dense(classes, "sigmoid");
            }
            return;
        }
        if (loss.equals(BINARY)) {
            switch (random.nextInt(4)) {
                case 0 -> dense(classes, "sigmoid");
                case 1 -> {
                    if (shape.rank() == 3) {
                        layer("conv", "Conv2D", List.of(Integer.toString(classes), "1", "activation=sigmoid"),
                                freezable());
                    } else {
                        dense(classes, "sigmoid");
                    }
                }
                case 2 -> {
                    if (!weighted()) {
                        dense(classes, "linear");
                    }
                    layer("sigmoid", "Activation", List.of("sigmoid"));
                }
                default -> {
                    dense(classes, "linear");
                    layer("softmax", "Softmax", List.of());
                }
            }
            return;
        }
        switch (random.nextInt(3)) {
            case 0 -> dense(classes, pick(POINTWISE));
            case 1 -> {
                if (shape.rank() == 3) {
                    conv(classes, false, pick(POINTWISE));
                } else {
                    dense(classes, null);
                }
            }
            default -> {
                if (!weighted()) {
                    dense(classes, null);
                }
            }
        }
    }

    private boolean weighted() {
        return lines.stream().anyMatch(RandomTrainableNets::hasWeights);
    }

    private static boolean hasWeights(Line l) {
        return l.op().endsWith("Conv2D") || l.op().equals("Dense") || l.op().equals("BatchNormalization")
                || l.op().equals("Unit");
    }

    private Freeze freezable() {
        return random.nextDouble() < freezeRate ? Freeze.LAYER : Freeze.NONE;
    }

    /** A convolution of any kind; {@code filters} -1 is random; {@code keepSize} forces same padding, stride 1. */
    private void conv(long filters, boolean keepSize, String activation) {
        long c = shape.dim(-1);
        int kind = random.nextInt(3);
        if (filters > 0 && kind == 1 && filters != c) {
            kind = 0;
        }
        int mult = kind == 1 && filters > 0 ? 1 : random.nextInt(3) == 0 ? 2 : 1;
        long f = filters > 0 ? filters : 1 + random.nextInt(4);
        List<String> args = new ArrayList<>();
        String op;
        switch (kind) {
            case 1 -> {
                op = "DepthwiseConv2D";
                args.add(kernel());
                if (mult > 1 || random.nextInt(4) == 0) {
                    args.add("depth_multiplier=" + mult);
                }
            }
            case 2 -> {
                op = "SeparableConv2D";
                args.add(Long.toString(f));
                args.add(kernel());
                if (mult > 1 || random.nextInt(4) == 0) {
                    args.add("depth_multiplier=" + mult);
                }
            }
            default -> {
                op = "Conv2D";
                args.add(Long.toString(f));
                args.add(kernel());
            }
        }
        if (!keepSize && random.nextInt(20) < 7) {
            args.add("strides=" + pick("2", "(1, 2)", "(2, 1)", "(2, 2)"));
        } else if (random.nextInt(10) < 3) {
            args.add("dilation_rate=" + pick("2", "(2, 1)", "(1, 2)"));
        }
        if (keepSize) {
            args.add("padding=same");
        } else {
            switch (random.nextInt(8)) {
                case 0 -> { }
                case 1 -> args.add("padding=valid");
                case 2, 3 -> args.add("padding=same");
                case 4 -> args.add("padding=full");
                default -> args.add("padding=" + padding());
            }
        }
        if (random.nextInt(10) < 3) {
            args.add("use_bias=false");
        }
        String act = activation != null ? activation : random.nextInt(6) == 0 ? null : pick(ACTIVATIONS);
        if (act != null) {
            args.add("activation=" + act);
        }
        layer("conv", op, args, freezable());
    }

    private String kernel() {
        int kh = 1 + random.nextInt(3);
        int kw = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : kh;
        return kh == kw && random.nextBoolean() ? Integer.toString(kh) : "(" + kh + ", " + kw + ")";
    }

    /** An explicit padding: an int, a pair, or ((top, bottom), (left, right)). */
    private String padding() {
        return switch (random.nextInt(3)) {
            case 0 -> Integer.toString(random.nextInt(3));
            case 1 -> "(" + random.nextInt(3) + ", " + random.nextInt(3) + ")";
            default -> "((" + random.nextInt(3) + ", " + random.nextInt(3) + "), (" + random.nextInt(3) + ", "
                    + random.nextInt(3) + "))";
        };
    }

    private void pool() {
        String op = pick("MaxPooling2D", "AveragePooling2D", "L2Pooling2D", "MaxPool2D", "AvgPool2D", "L2Pool2D");
        int ph = 1 + random.nextInt(3);
        int pw = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : ph;
        List<String> args = new ArrayList<>();
        args.add(ph == pw ? Integer.toString(ph) : "(" + ph + ", " + pw + ")");
        if (random.nextBoolean()) {
            int sh = 1 + random.nextInt(ph + 1);
            int sw = 1 + random.nextInt(pw + 1);
            args.add("strides=" + (sh == sw ? Integer.toString(sh) : "(" + sh + ", " + sw + ")"));
        }
        int p = random.nextInt(4);
        if (p > 0) {
            args.add("padding=" + (p == 1 ? "valid" : "same"));
        }
        layer("pool", op, args);
    }

    private void batchNorm() {
        List<String> args = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            args.add("epsilon=" + pick("0.01", "0.1", "0.001"));
        }
        if (random.nextInt(4) == 0) {
            args.add("center=false");
        }
        if (random.nextInt(4) == 0) {
            args.add("scale=false");
        }
        // Frozen batch norms run in inference mode, a different rule: freeze them at least a third of the time.
        layer("bn", "BatchNormalization", args, random.nextDouble() < Math.max(freezeRate, 0.35) ? Freeze.BATCH_NORM
                : Freeze.NONE);
    }

    /** Two or three chained iterations of a body that keeps the shape: weights keyed with iteration suffixes. */
    private void repeat() {
        long c = shape.dim(-1);
        List<String> args = new ArrayList<>(List.of(Integer.toString(2 + random.nextInt(2))));
        if (shape.rank() == 3) {
            args.add("Conv2D(" + c + ", " + pick("1", "3") + ", padding=same, activation=" + pick(POINTWISE) + ")");
        } else {
            args.add("Dense(" + c + ", activation=" + pick(POINTWISE) + ")");
        }
        if (random.nextBoolean()) {
            args.add(random.nextBoolean() ? "BatchNormalization()" : "Rescaling(0.5)");
        }
        layer("rep", "repeat", args, List.of(), Freeze.NONE);
    }

    private void elementwise() {
        switch (random.nextInt(6)) {
            case 0 -> layer("act", "Activation", List.of(pick(POINTWISE)));
            case 1 -> layer("relu", "ReLU", pickList(List.of(), List.of("6"), List.of("max_value=1.5",
                    "negative_slope=0.1"), List.of("threshold=0.5"), List.of("negative_slope=0.2", "threshold=0.25")));
            case 2 -> layer("leaky", "LeakyReLU", pickList(List.of(), List.of("0.1"), List.of("alpha=0.5")));
            case 3 -> layer("rescale", "Rescaling", pickList(List.of("1 / 4"), List.of("0.5", "offset=-1"),
                    List.of("2", "0.25")));
            case 4 -> batchNorm();
            default -> layer("drop", "Dropout", List.of(Double.toString((1 + random.nextInt(7)) / 10.0)));
        }
    }

    private void dense(int units, String activation) {
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(units));
        String act = activation != null ? activation : random.nextInt(4) == 0 ? null : pick(ACTIVATIONS);
        if (act != null) {
            args.add("activation=" + act);
        }
        if (random.nextInt(4) == 0) {
            args.add("use_bias=false");
        }
        layer("dense", "Dense", args, freezable());
    }

    /** Add()(x, f(x)) (or of three values), f keeping the shape. */
    private void residual() {
        String in = current;
        long c = shape.dim(-1);
        boolean image = shape.rank() == 3;
        if (image) {
            conv(c, true, null);
        } else {
            dense((int) c, null);
        }
        List<String> terms = new ArrayList<>(List.of(in, current));
        if (random.nextInt(4) == 0) {
            current = in;
            if (image) {
                conv(c, true, null);
            } else {
                dense((int) c, null);
            }
            terms.add(current);
        }
        if (random.nextBoolean()) {
            java.util.Collections.swap(terms, 0, terms.size() - 1);
        }
        layer("add", "Add", List.of(), terms, Freeze.NONE);
    }

    /** Concatenate of two branches from the current value, along a random axis where shapes allow. */
    private void concat() {
        String in = current;
        if (shape.rank() != 3) {
            dense(1 + random.nextInt(3), null);
            String d = current;
            layer("concat", "Concatenate", List.of(), random.nextBoolean() ? List.of(in, d) : List.of(d, in),
                    Freeze.NONE);
            return;
        }
        switch (random.nextInt(3)) {
            case 0 -> layer("concat", "Concatenate", List.of(), List.of(in, in), Freeze.NONE);
            case 1 -> {
                int axis = 1 + random.nextInt(2);
                layer("conv", "Conv2D", List.of(Long.toString(shape.dim(-1)), "1", "activation=" + pick(POINTWISE)),
                        freezable());
                layer("concat", "Concatenate", List.of("axis=" + pick(Integer.toString(axis),
                        Integer.toString(axis - 4))), List.of(in, current), Freeze.NONE);
            }
            default -> {
                layer("conv", "Conv2D", List.of(Integer.toString(1 + random.nextInt(3)), "1"), freezable());
                String a = current;
                current = in;
                conv(-1, true, null);
                layer("concat", "Concatenate", random.nextBoolean() ? List.of() : List.of("axis=-1"),
                        List.of(a, current), Freeze.NONE);
            }
        }
    }

    private void toFlat() {
        switch (shape.rank() == 3 ? random.nextInt(4) : 3 * random.nextInt(2)) {
            case 0 -> layer("flat", "Flatten", List.of());
            case 1 -> layer("gap", "GlobalAveragePooling2D", List.of());
            case 2 -> layer("gmp", "GlobalMaxPooling2D", List.of());
            default -> layer("flat", "Reshape", List.of("(-1,)"));
        }
    }

    private void reshapeImage() {
        long[] d = shape.dims();
        layer("reshape", "Reshape", List.of(pick("(" + d[1] + ", " + d[0] + ", " + d[2] + ")",
                "(" + d[0] * d[1] + ", 1, " + d[2] + ")", "(-1, " + d[2] + ")", "(" + shape.size() + ",)")));
    }

    private void reshapeFlat() {
        long n = shape.size();
        if (n % 2 == 0 && random.nextBoolean()) {
            layer("reshape", "Reshape", List.of("(2, " + n / 2 + ", 1)"));
        } else {
            layer("reshape", "Reshape", List.of(pick("(1, 1, " + n + ")", "(" + n + ", 1, 1)", "(-1,)", "(1, -1)")));
        }
    }

    private int width(int max) {
        return 1 + random.nextInt(max);
    }

    private void layer(String stem, String op, List<String> args) {
        layer(stem, op, args, List.of(current), Freeze.NONE);
    }

    private void layer(String stem, String op, List<String> args, Freeze frozen) {
        layer(stem, op, args, List.of(current), frozen);
    }

    /** Appends {@code NAME = op(args)(inputs)} and makes it the current value. */
    private void layer(String stem, String op, List<String> args, List<String> inputs, Freeze frozen) {
        String name = stem + ++counter;
        lines.add(new Line(name, op, args, inputs, frozen));
        current = name;
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    @SafeVarargs
    private List<String> pickList(List<String>... options) {
        return options[random.nextInt(options.length)];
    }

    private String text() {
        StringBuilder text = new StringBuilder(header);
        for (Line l : lines) {
            text.append("  ").append(l.render(true)).append('\n');
        }
        return text.append("}\n").toString();
    }

    private Graph compile() {
        Graph g = tryCompile();
        if (g == null) {
            throw new IllegalStateException("the generator's fixed part does not compile:\n" + text());
        }
        return g;
    }

    /** The text so far through shape inference, or null when the compiler rejects its shapes. */
    private Graph tryCompile() {
        String text = text();
        try {
            Compiler.compile("random.cnn", text.getBytes(StandardCharsets.UTF_8), null, Pipeline.analysis(), "lower");
        } catch (CompileException e) {
            throw new IllegalStateException("the generator wrote a model that does not lower:\n" + text
                    + e.diagnostics().render());
        }
        try {
            return Compiler.compileText("random.cnn", text);
        } catch (CompileException e) {
            return null;
        }
    }
}
