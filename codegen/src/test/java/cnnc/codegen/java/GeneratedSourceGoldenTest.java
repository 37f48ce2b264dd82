package cnnc.codegen.java;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.FusedOp;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Fuse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java generator's output for one small fixed model, tested twice, as JavaPoet tests its own output: as text,
 * against the reviewed file {@code golden/GoldenNet.java}, so that every change to generated code is a diff someone
 * reads; and compiled in memory (with {@code -Xlint:all}: no warnings) and run, with one and two workers, against
 * the reference interpreter.
 *
 * <p>The model ({@code golden/GoldenNet.cnn}) has one group of each common kind: a Conv2D with its ReLU and the
 * MaxPooling2D after it computed in one loop nest, a linear 1×1 Conv2D whose BatchNormalization is folded into its
 * weights and whose epilogue adds the residual and applies a ReLU, a Flatten that is only a view, and a Dense with a
 * softmax. The class is generated with plain loops (no Vector API), so the text does not depend on the JVM.
 *
 * <p>When the generator changes on purpose, regenerate the expected file, then review and commit the diff:
 *
 * <pre>
 * mvn -o -pl codegen test -Dtest=GeneratedSourceGoldenTest -Dcnnc.golden.update=true
 * git diff codegen/src/test/resources/golden/GoldenNet.java
 * </pre>
 *
 * With {@code -Dcnnc.golden.update=true} the text test writes the file (under the module's
 * {@code src/test/resources}) instead of comparing, and passes.
 */
class GeneratedSourceGoldenTest {
    private static final String MODEL = "golden/GoldenNet.cnn";
    private static final String EXPECTED = "golden/GoldenNet.java";
    private static final String PACKAGE = "cnnc.golden";
    private static final String CLASS = "GoldenNet";

    private static Graph shaped;
    private static Graph fused;
    private static JavaModel generated;

    @BeforeAll
    static void generate() throws Exception {
        shaped = Compiler.compileText("GoldenNet.cnn", resource(MODEL));
        fused = new Fuse().run(shaped, new Diagnostics());
        generated = JavaGenerator.generate(fused, shapes(shaped), PACKAGE, CLASS);
    }

    @Test
    void generatedSourceIsTheReviewedFile() throws IOException {
        String actual = generated.source();
        if (Boolean.getBoolean("cnnc.golden.update")) {
            Path file = Path.of(System.getProperty("basedir", "."), "src/test/resources", EXPECTED);
            Files.createDirectories(file.getParent());
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        String expected = resource(EXPECTED);
        if (!expected.equals(actual)) {
            fail("the generated source differs from " + EXPECTED + " " + firstDifference(expected, actual)
                    + "\nIf the change is intended, regenerate it with -Dcnnc.golden.update=true and review the diff"
                    + " (see this test's Javadoc).");
        }
    }

    @Test
    void theModelFusesAsIntended() {
        // What the golden model is for: if fusion changes, this says so before anyone reads a golden diff.
        List<String> groups = new ArrayList<>();
        for (Node n : fused.nodes()) {
            groups.add(n.op() instanceof FusedOp f ? f.describe() : n.op().name() + "[" + n.name() + "]");
        }
        assertEquals(List.of("Conv2D[conv] -> MaxPooling2D[pool]",
                "Conv2D[proj] -> BatchNormalization[norm]{folded} -> Add[res] -> ReLU[act]", "Flatten[flat]",
                "Dense[probs]"), groups);
        assertFalse(generated.source().contains("_flat("), "the Flatten is a view, with no method of its own");
    }

    @Test
    void compilesWithoutLintWarnings() {
        InMemoryCompiler.Compiled compiled = InMemoryCompiler.compile(generated.qualifiedName(), generated.source());
        assertEquals(List.of(), compiled.warnings(), "javac -Xlint:all warnings in the generated class");
    }

    @Test
    void compiledClassMatchesTheInterpreter() throws Throwable {
        Class<?> type = InMemoryCompiler.compile(generated.qualifiedName(), generated.source()).type();
        assertArrayEquals(new String[] {"image"}, (String[]) type.getField("INPUT_NAMES").get(null));
        assertArrayEquals(new String[] {"probs"}, (String[]) type.getField("OUTPUT_NAMES").get(null));
        assertArrayEquals(new int[][] {{3}}, (int[][]) type.getField("OUTPUT_SHAPES").get(null));

        Map<String, Tensor> weights = randomWeights(generated, 42);
        float[][] w = generated.weightNames().stream().map(n -> weights.get(n).data()).toArray(float[][]::new);
        int batch = 5;
        Tensor image = randomTensor(new Random(7), batch, 8, 8, 2);
        float[] expected = Interpreter.run(shaped, weights, Map.of("image", image)).get("probs").data();
        for (int threads : new int[] {1, 2}) {
            Object model = type.getConstructor(float[][].class, int.class).newInstance(w, threads);
            float[] out = new float[batch * 3];
            type.getMethod("run", float[][].class, float[][].class, int.class)
                    .invoke(model, new float[][] {image.data()}, new float[][] {out}, batch);
            for (int i = 0; i < out.length; i++) {
                assertTrue(Math.abs(out[i] - expected[i]) <= 1e-4 * Math.max(1, Math.abs(expected[i])),
                        threads + " thread(s), output " + i + ": got " + out[i] + ", expected " + expected[i]);
            }
            float[] first = (float[]) type.getMethod("predict", float[].class)
                    .invoke(model, (Object) Arrays.copyOf(image.data(), 8 * 8 * 2));
            assertArrayEquals(Arrays.copyOf(out, 3), first, "predict on the first example is run's first row");
        }
    }

    /** Each value's per-example shape (the unfused graph's nodes and inputs), as the generator needs. */
    private static Map<String, Shape> shapes(Graph g) {
        Map<String, Shape> shapes = new HashMap<>();
        for (GraphInput in : g.inputs()) {
            shapes.put(in.name(), in.shape());
        }
        for (Node n : g.nodes()) {
            shapes.put(n.name(), n.shape());
        }
        return shapes;
    }

    /** N(0, 0.5) for every tensor, moving variances uniform in [0.3, 1.5]. */
    private static Map<String, Tensor> randomWeights(JavaModel model, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < model.weightNames().size(); i++) {
            String name = model.weightNames().get(i);
            Tensor t = randomTensor(random, model.weightShapes().get(i));
            if (name.endsWith(".moving_variance")) {
                float[] d = t.data();
                for (int j = 0; j < d.length; j++) {
                    d[j] = (float) (0.3 + 1.2 * random.nextDouble());
                }
            } else {
                float[] d = t.data();
                for (int j = 0; j < d.length; j++) {
                    d[j] *= 0.5f;
                }
            }
            out.put(name, t);
        }
        return out;
    }

    private static Tensor randomTensor(Random random, long... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) random.nextGaussian();
        }
        return t;
    }

    private static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : "<end of file>";
            String al = i < a.length ? a[i] : "<end of file>";
            if (!el.equals(al)) {
                return "at line " + (i + 1) + ":\n  expected: " + el + "\n  actual:   " + al;
            }
        }
        return "";
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = GeneratedSourceGoldenTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no test resource " + name
                        + (name.equals(EXPECTED) ? "; create it with -Dcnnc.golden.update=true" : ""));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
