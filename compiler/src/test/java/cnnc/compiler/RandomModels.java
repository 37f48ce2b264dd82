package cnnc.compiler;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Random valid models, with what each should compile to worked out here, independently of the compiler: every
 * expanded layer's output shape and parameter counts, by the Keras formulas (valid: ⌊(n − k')/s⌋ + 1, same:
 * ⌈n/s⌉, k' = (k − 1)·d + 1). Models chain image layers (convolutions, pooling, padding, normalization,
 * activations, residual Adds, Concatenates, repeats and a block) and may end in a flat head of Dense layers.
 */
public final class RandomModels {
    /** One layer as it should appear in the shaped graph: output shape, params and trainable params. */
    public record Layer(long[] shape, long params, long trainable) {}

    /** A model's text and its expected expanded layers, in definition order. */
    public record Model(String text, List<Layer> layers) {
        public long params() {
            return layers.stream().mapToLong(Layer::params).sum();
        }

        public long trainable() {
            return layers.stream().mapToLong(Layer::trainable).sum();
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final String BLOCK = """
            block Unit(f, k=3) {
              input x
              c = Conv2D(f, k, padding=same)(x)
              b = BatchNormalization()(c)
              output b
            }
            """;

    private final Random random;
    private final StringBuilder body = new StringBuilder();
    private final List<Layer> layers = new ArrayList<>();
    private long[] shape;
    private String current;
    private int counter;

    private RandomModels(Random random) {
        this.random = random;
    }

    public static Arbitrary<Model> models() {
        return Arbitraries.randomValue(r -> new RandomModels(r).build());
    }

    public static Arbitrary<String> texts() {
        return models().map(Model::text);
    }

    private Model build() {
        shape = new long[] {1 + random.nextInt(32), 1 + random.nextInt(32), 1 + random.nextInt(6)};
        current = "x";
        body.append("  input x: [").append(shape[0]).append(", ").append(shape[1]).append(", ").append(shape[2])
                .append("]\n");
        for (int n = 1 + random.nextInt(8); n > 0; n--) {
            imageStep();
        }
        if (random.nextBoolean()) {
            if (random.nextBoolean()) {
                add("Flatten()", new long[] {shape[0] * shape[1] * shape[2]}, 0);
            } else {
                add("GlobalAveragePooling2D()", new long[] {shape[2]}, 0);
            }
            for (int n = random.nextInt(3); n >= 0; n--) {
                flatStep();
            }
        }
        return new Model(BLOCK + "model R {\n" + body + "  output " + current + "\n}\n", List.copyOf(layers));
    }

    private void imageStep() {
        long h = shape[0];
        long w = shape[1];
        long c = shape[2];
        switch (random.nextInt(12)) {
            case 0, 1 -> conv(h, w, c);
            case 2 -> {
                int k = 1 + random.nextInt(3);
                int m = 1 + random.nextInt(2);
                boolean same = random.nextBoolean() || k > h || k > w;
                add("DepthwiseConv2D(" + k + ", depth_multiplier=" + m + ", padding=" + (same ? "same" : "valid") + ")",
                        new long[] {out(h, k, 1, 1, same), out(w, k, 1, 1, same), c * m}, k * k * c * m + c * m);
            }
            case 3 -> {
                int k = 1 + random.nextInt(3);
                int f = 1 + random.nextInt(8);
                add("SeparableConv2D(" + f + ", " + k + ", padding=same)", new long[] {h, w, f},
                        k * k * c + c * f + f);
            }
            case 4 -> {
                int p = 1 + random.nextInt(3);
                int s = 1 + random.nextInt(3);
                boolean same = random.nextBoolean() || p > h || p > w;
                String kind = random.nextBoolean() ? "MaxPooling2D" : "AveragePooling2D";
                add(kind + "(" + p + ", strides=" + s + ", padding=" + (same ? "same" : "valid") + ")",
                        new long[] {out(h, p, s, 1, same), out(w, p, s, 1, same), c}, 0);
            }
            case 5 -> {
                boolean frozen = random.nextBoolean();
                add("BatchNormalization(" + (frozen ? "trainable=false" : "") + ")", shape, 4 * c,
                        frozen ? 0 : 2 * c);
            }
            case 6 -> add(List.of("ReLU()", "LeakyReLU(0.1)", "Activation(tanh)", "Dropout(0.25)", "Rescaling(1 / 255)")
                    .get(random.nextInt(5)), shape, 0);
            case 7 -> {
                int p = random.nextInt(3);
                add("ZeroPadding2D(" + p + ")", new long[] {h + 2 * p, w + 2 * p, c}, 0);
            }
            case 8 -> {
                String in = current;
                add("Conv2D(" + c + ", 3, padding=same)", shape, 9 * c * c + c);
                add("Add()(" + in + ", " + current + ")", shape, 0);
            }
            case 9 -> {
                String in = current;
                int f1 = 1 + random.nextInt(4);
                int f2 = 1 + random.nextInt(4);
                add("Conv2D(" + f1 + ", 1)(" + in + ")", new long[] {h, w, f1}, c * f1 + f1);
                String a = current;
                add("Conv2D(" + f2 + ", 1)(" + in + ")", new long[] {h, w, f2}, c * f2 + f2);
                add("Concatenate()(" + a + ", " + current + ")", new long[] {h, w, f1 + f2}, 0);
            }
            case 10 -> {
                int n = 1 + random.nextInt(3);
                String name = "l" + counter++;
                body.append("  ").append(name).append(" = repeat ").append(n).append(" {\n    ReLU()\n    Conv2D(")
                        .append(c).append(", 1)\n  }\n");
                for (int i = 0; i < n; i++) {
                    layers.add(new Layer(shape, 0, 0));
                    layers.add(new Layer(shape, c * c + c, c * c + c));
                }
                current = name;
            }
            default -> {
                int f = 1 + random.nextInt(6);
                String name = "l" + counter++;
                body.append("  ").append(name).append(" = Unit(").append(f).append(")\n");
                layers.add(new Layer(new long[] {h, w, f}, 9 * c * f + f, 9 * c * f + f));
                layers.add(new Layer(new long[] {h, w, f}, 4L * f, 2L * f));
                shape = new long[] {h, w, f};
                current = name;
            }
        }
    }

    private void conv(long h, long w, long c) {
        int kh = 1 + random.nextInt(4);
        int kw = random.nextBoolean() ? kh : 1 + random.nextInt(4);
        int s = random.nextInt(3) == 0 ? 2 : 1;
        int d = s == 1 && random.nextInt(3) == 0 ? 2 : 1;
        int f = 1 + random.nextInt(8);
        boolean bias = random.nextInt(4) != 0;
        boolean frozen = random.nextInt(4) == 0;
        long effH = (long) (kh - 1) * d + 1;
        long effW = (long) (kw - 1) * d + 1;
        boolean same = random.nextBoolean() || effH > h || effW > w;
        String kernel = kh == kw && random.nextBoolean() ? Integer.toString(kh) : "(" + kh + ", " + kw + ")";
        long params = (long) kh * kw * c * f + (bias ? f : 0);
        add("Conv2D(" + f + ", " + kernel + ", strides=" + s + ", padding=" + (same ? "same" : "valid")
                + ", dilation_rate=" + d + ", activation=relu, use_bias=" + bias + ", trainable=" + !frozen + ")",
                new long[] {out(h, kh, s, d, same), out(w, kw, s, d, same), f}, params, frozen ? 0 : params);
    }

    private void flatStep() {
        long n = shape[0];
        switch (random.nextInt(4)) {
            case 0 -> add("Dropout(0.5)", shape, 0);
            case 1 -> add("Softmax()", shape, 0);
            default -> {
                int u = 1 + random.nextInt(16);
                boolean frozen = random.nextInt(4) == 0;
                long params = n * u + u;
                add("Dense(" + u + ", activation=relu" + (frozen ? ", trainable=false" : "") + ")", new long[] {u},
                        params, frozen ? 0 : params);
            }
        }
    }

    /** Output size along one axis: ⌈n/s⌉ for same, ⌊(n − k')/s⌋ + 1 for valid. */
    static long out(long n, int k, int s, int d, boolean same) {
        if (same) {
            return (n + s - 1) / s;
        }
        return (n - ((long) (k - 1) * d + 1)) / s + 1;
    }

    private void add(String call, long[] newShape, long params) {
        add(call, newShape, params, params);
    }

    /** Appends {@code name = call} (reading the current value unless the call lists inputs) and its expectation. */
    private void add(String call, long[] newShape, long params, long trainable) {
        String name = "l" + counter++;
        body.append("  ").append(name).append(" = ").append(call).append('\n');
        layers.add(new Layer(newShape.clone(), params, trainable));
        shape = newShape.clone();
        current = name;
    }
}
