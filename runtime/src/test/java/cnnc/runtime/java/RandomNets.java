package cnnc.runtime.java;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.CompileException;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.passes.Pipeline;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small random models as readable text, for the Java backend's properties. A model is an input of a given size and
 * a list of steps; each step is drawn from a {@link Menu} by its own seed, so that jqwik shrinks a failing model by
 * dropping steps and shrinking the input. A step appends one to four layers (a convolution with a random kernel,
 * strides, dilation, padding, bias and activation; a convolution followed by a pool that fuses or does not; a
 * residual Add into a convolution's epilogue; a Concatenate of two branches; a flat Dense head; ...), all named,
 * so the IR names in a failure read like the text.
 *
 * <p>The compiler is the oracle of shape validity: after each step the text so far is compiled, and a step the
 * compiler rejects for shape reasons (a kernel larger than its padded input, a pool larger than the image) is drawn
 * again, up to four times, then dropped. A rejection at lowering (a bad argument, a syntax error) is a bug in this
 * generator and fails at once. {@link #attempts} and {@link #rejected} count the draws so that a property can check
 * that most of them are valid models.
 */
final class RandomNets {
    /** Which kinds of step a model is made of. */
    enum Menu {
        /** Everything, image and flat. */
        MIXED(Step.values()),
        /** Convolutions with everything that fuses into them. */
        CONVOLUTIONS(Step.CONV, Step.CONV, Step.CONV_POOL, Step.CONV_BN, Step.RESIDUAL, Step.ACT_BN),
        /** Pooling layers, alone and after convolutions, and padding. */
        POOLING(Step.POOL, Step.POOL, Step.CONV_POOL, Step.CONV_POOL, Step.GLOBAL, Step.PAD),
        /** Dense layers on images and vectors, flattening, reshapes, softmax and the other layout layers. */
        HEADS(Step.TO_FLAT, Step.DENSE, Step.DENSE, Step.DENSE_BN, Step.ELEMENTWISE, Step.SOFTMAX, Step.DROPOUT,
                Step.RESHAPE, Step.CONCAT, Step.RESIDUAL, Step.GLOBAL);

        final Step[] steps;

        Menu(Step... steps) {
            this.steps = steps;
        }
    }

    enum Step {
        CONV, CONV_POOL, CONV_BN, ACT_BN, POOL, RESIDUAL, CONCAT, PAD, ELEMENTWISE, SOFTMAX, DROPOUT, DENSE, DENSE_BN,
        RESHAPE, TO_FLAT, GLOBAL
    }

    static final AtomicLong attempts = new AtomicLong();
    static final AtomicLong rejected = new AtomicLong();

    private static final String[] ACTIVATIONS = {"linear", "relu", "relu6", "leaky_relu", "elu", "tanh", "sigmoid",
        "hard_sigmoid", "swish", "silu", "softmax", "None"};
    private static final String[] POINTWISE = {"linear", "relu", "relu6", "leaky_relu", "elu", "tanh", "sigmoid",
        "hard_sigmoid", "swish"};

    private final Menu menu;
    private final StringBuilder head = new StringBuilder();
    private final StringBuilder body = new StringBuilder();
    private final List<String> values = new ArrayList<>();
    private Random random;
    private String current;
    private Shape shape;
    private int counter;

    private RandomNets(Menu menu) {
        this.menu = menu;
    }

    /**
     * The text of a model with input [h, w, c] (and, when {@code twoInputs}, a second input of the same shape
     * merged into the first) followed by one step per seed; {@code extraOutput} (when non-negative) picks an earlier
     * value to list as a second output.
     */
    static String build(Menu menu, int h, int w, int c, boolean twoInputs, List<Long> steps, int extraOutput) {
        return new RandomNets(menu).model(h, w, c, twoInputs, steps, extraOutput);
    }

    private String model(int h, int w, int c, boolean twoInputs, List<Long> steps, int extraOutput) {
        head.append("model R {\n  input x: [").append(h).append(", ").append(w).append(", ").append(c).append("]\n");
        current = "x";
        shape = Shape.of(h, w, c);
        if (twoInputs) {
            head.append("  input y: [").append(h).append(", ").append(w).append(", ").append(c).append("]\n");
            random = new Random(steps.isEmpty() ? 0 : steps.get(0));
            String merge = switch (random.nextInt(3)) {
                case 0 -> "Add()(x, y)";
                case 1 -> "Concatenate()(x, y)";
                default -> "Conv2D(" + c + ", 1, activation=" + pick(POINTWISE) + ")(y)";
            };
            if (merge.endsWith("(y)")) {
                String conv = name("conv");
                line(conv + " = " + merge);
                line(name("add") + " = Add()(x, " + conv + ")");
            } else {
                line(name("merge") + " = " + merge);
            }
            shape = check().shapeOf(current);
        }
        for (long seed : steps) {
            random = new Random(seed);
            int mark = body.length();
            String before = current;
            Shape beforeShape = shape;
            int valuesBefore = values.size();
            for (int attempt = 0; attempt < 4; attempt++) {
                step(menuStep());
                attempts.incrementAndGet();
                Graph g = tryCompile();
                if (g != null) {
                    shape = g.shapeOf(current);
                    break;
                }
                rejected.incrementAndGet();
                body.setLength(mark);
                current = before;
                shape = beforeShape;
                values.subList(valuesBefore, values.size()).clear();
            }
        }
        if (body.length() == 0) {
            line(name("act") + " = Activation(relu)");
        }
        StringBuilder text = new StringBuilder(head).append(body);
        List<String> earlier = values.subList(0, values.size() - 1);
        if (extraOutput >= 0 && !earlier.isEmpty()) {
            text.append("  output ").append(current).append(", ").append(earlier.get(extraOutput % earlier.size()))
                    .append('\n');
        }
        return text.append("}\n").toString();
    }

    private Step menuStep() {
        for (int i = 0; i < 8; i++) {
            Step s = menu.steps[random.nextInt(menu.steps.length)];
            if (applies(s)) {
                return s;
            }
        }
        return shape.rank() == 3 ? Step.CONV : Step.DENSE;
    }

    private boolean applies(Step s) {
        boolean image = shape.rank() == 3;
        return switch (s) {
            case CONV, CONV_POOL, CONV_BN, POOL, PAD, GLOBAL, TO_FLAT -> image;
            default -> true;
        };
    }

    private void step(Step s) {
        long c = shape.dim(-1);
        switch (s) {
            case CONV -> layer("conv", conv(-1, false, null));
            case CONV_POOL -> {
                layer("conv", conv(-1, false, null));
                layer("pool", pool(random.nextInt(10) < 7));
            }
            case CONV_BN -> {
                layer("conv", conv(-1, false, random.nextBoolean() ? "linear" : null));
                layer("bn", batchNorm());
                if (random.nextBoolean()) {
                    layer("act", "Activation(" + pick(POINTWISE) + ")");
                }
            }
            case ACT_BN -> {
                if (random.nextBoolean() && shape.rank() == 3) {
                    layer("conv", conv(-1, false, "relu"));
                } else {
                    layer("act", "Activation(" + pick(POINTWISE) + ")");
                }
                layer("bn", batchNorm());
            }
            case POOL -> layer("pool", pool(random.nextBoolean()));
            case RESIDUAL -> residual(c);
            case CONCAT -> concat(c);
            case PAD -> layer("pad", "ZeroPadding2D(" + (random.nextInt(4) == 0 ? "" : padding()) + ")");
            case ELEMENTWISE -> layer("act", elementwise());
            case SOFTMAX -> {
                int rank = shape.rank();
                int axis = random.nextBoolean() ? -1 : 1 + random.nextInt(rank);
                layer("softmax", random.nextInt(4) == 0 ? "Activation(softmax)"
                        : axis == -1 && random.nextBoolean() ? "Softmax()" : "Softmax(axis=" + axis + ")");
            }
            case DROPOUT -> layer("drop", "Dropout(" + (1 + random.nextInt(8)) / 10.0 + ")");
            case DENSE -> layer("dense", dense(width(7), null));
            case DENSE_BN -> {
                layer("dense", dense(width(7), "linear"));
                layer("bn", batchNorm());
            }
            case RESHAPE -> layer("reshape", "Reshape(" + reshapeTarget() + ")");
            case TO_FLAT -> layer("flat", switch (random.nextInt(4)) {
                case 0 -> "Flatten()";
                case 1 -> "GlobalAveragePooling2D()";
                case 2 -> "GlobalMaxPooling2D()";
                default -> "Reshape((-1,))";
            });
            case GLOBAL -> layer("gpool", (random.nextBoolean() ? "GlobalAveragePooling2D" : "GlobalMaxPooling2D")
                    + "(keepdims=" + random.nextBoolean() + ")");
        }
    }

    /** A convolution of any kind; {@code filters} -1 is random; {@code keepSize} forces same padding, stride 1. */
    private String conv(long filters, boolean keepSize, String activation) {
        long c = shape.dim(-1);
        int kind = random.nextInt(4);
        int mult = random.nextInt(3) == 0 ? 2 : 1;
        if (filters > 0 && kind == 1) {
            mult = 1;
            if (filters != c) {
                kind = 0;
            }
        }
        long f = filters > 0 ? filters : width(5);
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
        boolean strided = !keepSize && random.nextInt(20) < 9;
        if (strided) {
            args.add("strides=" + pick("2", "(1, 2)", "(2, 1)", "3", "(2, 2)", "(3, 2)"));
        } else if (random.nextInt(10) < 3) {
            args.add("dilation_rate=" + pick("2", "(2, 1)", "(1, 2)", "3", "(1, 1)"));
        }
        if (keepSize) {
            args.add("padding=same");
        } else {
            String p = convPadding();
            if (p != null) {
                args.add("padding=" + p);
            }
        }
        int bias = random.nextInt(10);
        if (bias < 3) {
            args.add("use_bias=false");
        } else if (bias == 3) {
            args.add("use_bias=true");
        }
        String act = activation != null ? activation : random.nextInt(6) == 0 ? null : pick(ACTIVATIONS);
        if (act != null) {
            args.add("activation=" + act);
        }
        return op + "(" + String.join(", ", args) + ")";
    }

    /** A channel count: mostly 1..max, sometimes 8, 16 or 40 (multiples of the Vector API's 8 lanes, 40 not of 32). */
    private int width(int max) {
        return random.nextInt(6) == 0 ? pick(8, 16, 40) : 1 + random.nextInt(max);
    }

    private String kernel() {
        int kh = random.nextInt(8) == 0 ? 4 + random.nextInt(2) : 1 + random.nextInt(3);
        int kw = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : kh;
        return kh == kw && random.nextBoolean() ? Integer.toString(kh) : "(" + kh + ", " + kw + ")";
    }

    /** Convolution padding in every form, or null for the default (valid). */
    private String convPadding() {
        return switch (random.nextInt(8)) {
            case 0 -> null;
            case 1 -> "valid";
            case 2, 3 -> "same";
            case 4 -> "full";
            default -> padding();
        };
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

    /** A pooling layer; {@code tiled}: strides at least the window (so it fuses into a conv before it). */
    private String pool(boolean tiled) {
        String op = pick("MaxPooling2D", "AveragePooling2D", "L2Pooling2D", "MaxPool2D", "AvgPool2D");
        int ph = 1 + random.nextInt(3);
        int pw = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : ph;
        List<String> args = new ArrayList<>();
        args.add(ph == pw ? Integer.toString(ph) : "(" + ph + ", " + pw + ")");
        if (tiled) {
            if (random.nextBoolean()) {
                int sh = ph + random.nextInt(2);
                int sw = pw + random.nextInt(2);
                args.add("strides=" + (sh == sw ? Integer.toString(sh) : "(" + sh + ", " + sw + ")"));
            }
        } else {
            int sh = 1 + random.nextInt(Math.max(1, ph));
            int sw = 1 + random.nextInt(Math.max(1, pw));
            args.add("strides=" + (sh == sw ? Integer.toString(sh) : "(" + sh + ", " + sw + ")"));
        }
        int p = random.nextInt(3);
        if (p > 0) {
            args.add("padding=" + (p == 1 ? "valid" : "same"));
        }
        return op + "(" + String.join(", ", args) + ")";
    }

    private String batchNorm() {
        List<String> args = new ArrayList<>();
        if (random.nextInt(3) == 0) {
            args.add("epsilon=" + pick("0.01", "1e-5", "0.1"));
        }
        if (random.nextInt(4) == 0) {
            args.add("center=false");
        }
        if (random.nextInt(4) == 0) {
            args.add("scale=false");
        }
        return "BatchNormalization(" + String.join(", ", args) + ")";
    }

    private String elementwise() {
        return switch (random.nextInt(6)) {
            case 0 -> "Activation(" + pick(POINTWISE) + ")";
            case 1 -> "ReLU(" + pick("", "6", "max_value=1.5, negative_slope=0.1", "threshold=0.5",
                    "negative_slope=0.2, threshold=0.25") + ")";
            case 2 -> "LeakyReLU(" + pick("", "0.1", "alpha=0.5") + ")";
            case 3 -> "Rescaling(" + pick("1 / 255", "0.5, offset=-1", "2, 0.25") + ")";
            case 4 -> batchNorm();
            default -> "Dropout(0.5)";
        };
    }

    private String dense(int units, String activation) {
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(units));
        String act = activation != null ? activation : random.nextInt(4) == 0 ? null : pick(ACTIVATIONS);
        if (act != null) {
            args.add("activation=" + act);
        }
        if (random.nextInt(4) == 0) {
            args.add("use_bias=false");
        }
        return "Dense(" + String.join(", ", args) + ")";
    }

    /** Add()(x, f(x)) (or of three values), f keeping the shape; a trailing activation sometimes. */
    private void residual(long c) {
        String in = current;
        boolean image = shape.rank() == 3;
        String r1 = layer(image ? "conv" : "dense", image ? conv(c, true, null) : dense((int) c, null));
        List<String> terms = new ArrayList<>(List.of(in, r1));
        if (random.nextInt(5) == 0) {
            terms.add(layerOn(image ? "conv" : "dense", image ? conv(c, true, null) : dense((int) c, null), in));
        }
        if (random.nextBoolean()) {
            java.util.Collections.swap(terms, 0, terms.size() - 1);
        }
        layer("add", "Add()", terms);
        if (random.nextBoolean()) {
            layer("act", "Activation(" + pick(POINTWISE) + ")");
        }
    }

    /** Concatenate of two branches from the current value, along a random axis where shapes allow. */
    private void concat(long c) {
        String in = current;
        if (shape.rank() != 3) {
            String d = layer("dense", dense(1 + random.nextInt(4), null));
            layer("concat", "Concatenate()", random.nextBoolean() ? List.of(in, d) : List.of(d, in));
            return;
        }
        switch (random.nextInt(4)) {
            case 0 -> layer("concat", "Concatenate()", List.of(in, in));
            case 1 -> {
                int axis = 1 + random.nextInt(2);
                String b = layer("conv", "Conv2D(" + c + ", 1, activation=" + pick(POINTWISE) + ")");
                layer("concat", "Concatenate(axis=" + pick(Integer.toString(axis), Integer.toString(axis - 4)) + ")",
                        List.of(in, b));
            }
            default -> {
                String a = layer("conv", "Conv2D(" + (1 + random.nextInt(4)) + ", 1)");
                String b = layerOn("conv", conv(-1, true, null), in);
                layer("concat", "Concatenate(" + pick("", "axis=3", "axis=-1") + ")", List.of(a, b));
            }
        }
    }

    private String reshapeTarget() {
        long[] d = shape.dims();
        long n = shape.size();
        if (d.length == 3) {
            return pick("(" + d[1] + ", " + d[0] + ", " + d[2] + ")", "(" + d[0] * d[1] + ", 1, " + d[2] + ")",
                    "(1, -1, " + d[2] + ")", "(" + n + ",)");
        }
        if (n % 2 == 0 && random.nextBoolean()) {
            return "(2, " + n / 2 + ", 1)";
        }
        return pick("(1, 1, " + n + ")", "(" + n + ", 1, 1)", "(-1, 1, 1)");
    }

    private String layer(String stem, String call) {
        return layer(stem, call, List.of(current));
    }

    private String layerOn(String stem, String call, String input) {
        return layer(stem, call, List.of(input));
    }

    /** Appends {@code NAME = call(inputs)} and makes it the current value. */
    private String layer(String stem, String call, List<String> inputs) {
        String name = name(stem);
        line(name + " = " + call + "(" + String.join(", ", inputs) + ")");
        return name;
    }

    private String name(String stem) {
        String name = stem + ++counter;
        current = name;
        values.add(name);
        return name;
    }

    private void line(String text) {
        body.append("  ").append(text).append('\n');
    }

    private String pick(String... options) {
        return options[random.nextInt(options.length)];
    }

    private int pick(int... options) {
        return options[random.nextInt(options.length)];
    }

    /** The text so far compiled through shape inference, or null when the compiler rejects its shapes. */
    private Graph tryCompile() {
        String text = head.toString() + body + "}\n";
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

    private Graph check() {
        Graph g = tryCompile();
        if (g == null) {
            throw new IllegalStateException("the inputs' merge does not compile:\n" + head + body);
        }
        return g;
    }
}
