package cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.CompileException;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.ir.WeightSpec;
import cnnc.runtime.io.Npy;
import cnnc.runtime.io.Safetensors;
import cnnc.runtime.model.ModelWeights;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Shared fixtures for the tests of the commands that execute models ({@code init}, {@code run}, {@code compile},
 * {@code bench}): small models, random weights and inputs, the CLI run in-process, the reference interpreter, and
 * the checks every failing command must pass (exit status, a {@code cnnc: error:} line, no stack trace).
 */
final class BackendFixtures {
    private BackendFixtures() {}

    /** One input, one output, every kind of kernel the Java backend fuses: conv+relu, batch norm, pool, dense. */
    static final String SMALL = """
            model Small {
              input [8, 8, 3]
              Conv2D(4, 3, padding=same, activation=relu)
              BatchNormalization()
              MaxPooling2D(2)
              DepthwiseConv2D(3, padding=same)
              Flatten()
              Dense(5, activation=softmax)
            }
            """;

    /** Two named inputs and two outputs. */
    static final String TWO = """
            model Two {
              input a: [6, 5, 2]
              input b: [6, 5, 2]
              s = Add()(a, b)
              c = Conv2D(3, 3, padding=same, activation=relu)(s)
              p = GlobalAveragePooling2D()(c)
              output p, s
            }
            """;

    /** What one in-process {@code cnnc} call did. */
    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    /** Runs {@code cnnc ARGS} through {@link Main#run}. */
    static Result cnnc(Object... args) {
        String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(a, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString().replace("\r\n", "\n"));
    }

    static Path examples(String file) {
        Path p = Path.of("..", "examples", file);
        assertTrue(Files.isRegularFile(p), "no example " + p.toAbsolutePath());
        return p;
    }

    static Path writeText(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Graph graph(String text) {
        try {
            return Compiler.compileText("test.cnn", text);
        } catch (CompileException e) {
            throw new AssertionError("test model does not compile:\n" + e.diagnostics().render(), e);
        }
    }

    /**
     * Random weights for every tensor the model expects: values in ±0.5, batch-norm variances in [0.5, 1.5] so that
     * the folded batch norm is not trivial.
     */
    static Map<String, Tensor> randomWeights(Graph g, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, WeightSpec> e : ModelWeights.expected(g).entrySet()) {
            long[] shape = e.getValue().shape().dims();
            Tensor t = Tensor.zeros(shape);
            float[] d = t.data();
            boolean variance = e.getKey().endsWith("variance");
            for (int i = 0; i < d.length; i++) {
                d[i] = variance ? (float) (0.5 + r.nextDouble()) : (float) (r.nextDouble() - 0.5);
            }
            out.put(e.getKey(), t);
        }
        return out;
    }

    static Tensor randomTensor(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return t;
    }

    static Path npy(Path file, Tensor t) {
        try {
            Npy.write(file, t);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Tensor readNpy(Path file) {
        try {
            return Npy.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path safetensors(Path file, Map<String, Tensor> weights) {
        try {
            Safetensors.write(file, weights, Map.of());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, Tensor> readSafetensors(Path file) {
        try {
            return Safetensors.read(file).tensors();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the files in {@code dir}, sorted (to see that a failed command left no temporary file). */
    static List<String> listing(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code |actual - expected| <= tol * max(1, |expected|)} element by element, with equal shapes. */
    static void assertClose(Tensor expected, Tensor actual, double tol, String what) {
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + ": shape");
        float[] e = expected.data();
        float[] a = actual.data();
        for (int i = 0; i < e.length; i++) {
            double allowed = tol * Math.max(1.0, Math.abs(e[i]));
            if (!(Math.abs(a[i] - e[i]) <= allowed)) {
                fail(what + ": element " + i + " is " + a[i] + ", expected " + e[i] + " (tolerance " + allowed + ")");
            }
        }
    }

    /**
     * A failed command: the exit status, a first line {@code cnnc: error: ...}, no stack trace, no internal error.
     * {@code oneLine} also requires the message to be a single line (a usage error may add picocli's "Try" line).
     */
    static void assertUserError(Result r, int code, boolean oneLine) {
        assertEquals(code, r.code(), () -> "exit status\n" + r);
        assertFalse(r.err().contains("\tat "), () -> "stack trace\n" + r);
        assertFalse(r.err().contains("internal error"), () -> "internal error\n" + r);
        assertFalse(r.err().contains("Exception"), () -> "a Java exception name in the message\n" + r);
        List<String> lines = r.errLines();
        assertFalse(lines.isEmpty(), () -> "no message\n" + r);
        assertTrue(lines.get(0).startsWith("cnnc: error: "), () -> "first line is not `cnnc: error: ...`\n" + r);
        if (oneLine) {
            List<String> rest = new ArrayList<>(lines.subList(1, lines.size()));
            rest.removeIf(l -> l.startsWith("Try '"));
            assertTrue(rest.isEmpty(), () -> "more than one line\n" + r);
        }
    }

    static void assertUserError(Result r, int code) {
        assertUserError(r, code, true);
    }

    /** A minimal JSON reader (objects, arrays, strings, numbers, true/false/null) keeping key order. */
    static Object parseJson(String text) {
        JsonReader reader = new JsonReader(text);
        Object v = reader.value();
        reader.skipSpace();
        if (reader.pos != text.length()) {
            throw new IllegalArgumentException("trailing text at " + reader.pos + ": " + text.substring(reader.pos));
        }
        return v;
    }

    private static final class JsonReader {
        private final String s;
        private int pos;

        JsonReader(String s) {
            this.s = s;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at " + pos + ": " + what + " in\n" + s);
        }

        private void expect(char c) {
            skipSpace();
            if (pos >= s.length() || s.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                skipSpace();
                if (s.charAt(pos) == '}') {
                    pos++;
                    return m;
                }
                while (true) {
                    skipSpace();
                    String k = string();
                    expect(':');
                    if (m.put(k, value()) != null) {
                        throw error("duplicate key " + k);
                    }
                    skipSpace();
                    if (s.charAt(pos) == ',') {
                        pos++;
                    } else {
                        expect('}');
                        return m;
                    }
                }
            }
            if (c == '[') {
                pos++;
                List<Object> l = new ArrayList<>();
                skipSpace();
                if (s.charAt(pos) == ']') {
                    pos++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    skipSpace();
                    if (s.charAt(pos) == ',') {
                        pos++;
                    } else {
                        expect(']');
                        return l;
                    }
                }
            }
            if (c == '"') {
                return string();
            }
            for (String word : List.of("true", "false", "null")) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word);
                }
            }
            int start = pos;
            while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
            if (start == pos) {
                throw error("unexpected '" + c + "'");
            }
            return Double.parseDouble(s.substring(start, pos));
        }

        private String string() {
            if (pos >= s.length() || s.charAt(pos) != '"') {
                throw error("expected a string");
            }
            pos++;
            StringBuilder b = new StringBuilder();
            while (s.charAt(pos) != '"') {
                char c = s.charAt(pos++);
                if (c == '\\') {
                    char e = s.charAt(pos++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                            pos += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            pos++;
            return b.toString();
        }
    }
}
