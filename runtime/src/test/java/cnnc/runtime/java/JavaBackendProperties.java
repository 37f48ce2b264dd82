package cnnc.runtime.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.CompileException;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.FusedOp;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Fuse;
import cnnc.compiler.passes.Verifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The Java backend against the reference interpreter on random models ({@link RandomNets}): for every output, the
 * generated class's values equal the interpreter's within 1e-4 relative (|a − b| ≤ 1e-4·max(1, |b|)) and its shape
 * is the inferred one, whatever the batch size (1–5), worker count (1–3) and Vector API width (none, 8 or 16 lanes;
 * channel counts are sometimes 8, 16 or 40 so that the vector kernels run, in chunks too). The fuse pass is checked
 * on the way: the fused graph passes the verifier, holds every layer of the model exactly once (Dropout aside), and
 * interpreted gives the unfused graph's values exactly. One property checks that the worker count changes no bit of
 * the result.
 *
 * <p>Each try compiles one generated class (30–200 ms), so the value properties run a few dozen tries on small
 * shapes; the fusion property, which needs no javac, runs more. A failure prints the model's text, shrunk.
 */
class JavaBackendProperties {
    /** A model as text and how to run it. */
    record Case(String text, int batch, int threads, int lanes, long seed) {
        @Override
        public String toString() {
            return "batch " + batch + ", " + threads + " thread(s), " + lanes + " vector lanes, weight seed " + seed
                    + ":\n" + text;
        }
    }

    @Property(tries = 80, shrinking = ShrinkingMode.BOUNDED)
    void randomModelsMatchTheInterpreter(@ForAll("mixed") Case c) throws Exception {
        checkAgainstInterpreter(c);
    }

    @Property(tries = 60, shrinking = ShrinkingMode.BOUNDED)
    void convolutionsMatchTheInterpreter(@ForAll("convolutions") Case c) throws Exception {
        checkAgainstInterpreter(c);
    }

    @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
    void poolingMatchesTheInterpreter(@ForAll("pooling") Case c) throws Exception {
        checkAgainstInterpreter(c);
    }

    @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
    void headsMatchTheInterpreter(@ForAll("heads") Case c) throws Exception {
        checkAgainstInterpreter(c);
    }

    /**
     * One, two and three workers give bitwise-identical outputs, a second call gives the first call's, and (for a
     * model of one input and one output) {@code predict} on each example gives {@code run}'s bits.
     */
    @Property(tries = 30, shrinking = ShrinkingMode.BOUNDED)
    void threadCountsAgreeBitwiseAndPredictIsRun(@ForAll("mixed") Case c) throws Throwable {
        Graph g = Compiler.compileText("random.cnn", c.text());
        Map<String, Tensor> weights = Numerics.weights(g, c.seed());
        Map<String, Tensor> inputs = Numerics.inputs(g, c.batch(), c.seed());
        List<GeneratedInstances.Instance> models = GeneratedInstances.compile(g, weights, c.lanes(), 1, 2, 3);
        JavaBackendThreadingTest.assertAllThreadCountsAgree(models, inputs);
        if (g.inputs().size() == 1 && g.outputs().size() == 1) {
            Tensor input = inputs.values().iterator().next();
            for (GeneratedInstances.Instance m : models) {
                JavaBackendThreadingTest.assertPredictIsRun(m, input, m.model().run(inputs).get(g.outputs().get(0)));
            }
        }
    }

    @Property(tries = 300)
    void fusionKeepsEveryLayerAndEveryValue(@ForAll("mixed") Case c) throws Exception {
        Graph g = Compiler.compileText("random.cnn", c.text());
        Graph fused = fuse(g);
        List<String> members = new ArrayList<>();
        for (Node n : fused.nodes()) {
            if (n.op() instanceof FusedOp f) {
                f.members().forEach(m -> members.add(m.name()));
                assertEquals(f.members().get(f.members().size() - 1).name(), n.name(),
                        "a group is named after its last member");
            } else {
                members.add(n.name());
            }
        }
        List<String> expected = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!n.op().name().equals("Dropout") || g.outputs().contains(n.name())) {
                expected.add(n.name());
            }
        }
        assertEquals(sorted(expected), sorted(members), "the layers in the fused graph");
        assertEquals(g.outputs(), fused.outputs());
        Map<String, Tensor> weights = Numerics.weights(g, c.seed());
        Map<String, Tensor> inputs = Numerics.inputs(g, c.batch(), c.seed());
        assertFusedInterpretsAlike(g, fused, weights, inputs);
    }

    /** Most random draws must be valid models, or the properties test little. */
    @AfterContainer
    static void mostDrawsAreValid() {
        long attempts = RandomNets.attempts.get();
        long rejected = RandomNets.rejected.get();
        assertTrue(attempts == 0 || rejected * 3 <= attempts,
                rejected + " of " + attempts + " random layer draws were rejected by shape inference");
    }

    private static void checkAgainstInterpreter(Case c) throws Exception {
        Graph g;
        try {
            g = Compiler.compileText("random.cnn", c.text());
        } catch (CompileException e) {
            throw new AssertionError("the generated model does not compile:\n" + e.diagnostics().render(), e);
        }
        Graph fused = fuse(g);
        Map<String, Tensor> weights = Numerics.weights(g, c.seed());
        Map<String, Tensor> inputs = Numerics.inputs(g, c.batch(), c.seed());
        Map<String, NDArray> reference = assertFusedInterpretsAlike(g, fused, weights, inputs);

        CompiledModel model = JavaBackend.compile(g, weights, c.threads(), c.lanes());
        Map<String, Tensor> actual = model.run(inputs);
        StringBuilder problems = new StringBuilder();
        assertEquals(g.outputs(), List.copyOf(actual.keySet()), "output names");
        for (int o = 0; o < g.outputs().size(); o++) {
            String name = g.outputs().get(o);
            long[] inferred = g.shapeOf(name).dims();
            if (!Arrays.equals(inferred, model.model().outputShapes().get(o))) {
                problems.append(name).append(": the generated class declares shape ")
                        .append(Arrays.toString(model.model().outputShapes().get(o))).append(", inferred ")
                        .append(Arrays.toString(inferred)).append('\n');
            }
            long[] withBatch = new long[inferred.length + 1];
            withBatch[0] = c.batch();
            System.arraycopy(inferred, 0, withBatch, 1, inferred.length);
            if (actual.get(name) != null && !Arrays.equals(withBatch, actual.get(name).shape())) {
                problems.append(name).append(": executed shape ").append(actual.get(name).shapeText())
                        .append(", inferred ").append(Arrays.toString(withBatch)).append('\n');
            }
            String diff = Numerics.compare(actual.get(name), reference.get(name).toTensor());
            if (diff != null) {
                problems.append(name).append(": ").append(diff).append('\n');
            }
        }
        if (problems.length() > 0) {
            throw new AssertionError("generated Java differs from the interpreter:\n" + problems + "IR after fuse:\n"
                    + fused);
        }
    }

    private static Graph fuse(Graph g) {
        Verifier.verify(g, true);
        Graph fused = new Fuse().run(g, new Diagnostics());
        Verifier.verify(fused, true);
        return fused;
    }

    /** The fused graph, interpreted, gives exactly the unfused graph's outputs; returns every unfused value. */
    private static Map<String, NDArray> assertFusedInterpretsAlike(Graph g, Graph fused, Map<String, Tensor> weights,
            Map<String, Tensor> inputs) {
        Map<String, NDArray> plain = Interpreter.runAll(g, weights, inputs);
        Map<String, NDArray> grouped = Interpreter.runAll(fused, weights, inputs);
        for (String o : g.outputs()) {
            NDArray want = plain.get(o);
            NDArray got = grouped.get(o);
            assertTrue(Arrays.equals(want.shape(), got.shape()), o + ": fused shape " + Arrays.toString(got.shape())
                    + ", unfused " + Arrays.toString(want.shape()));
            double[] w = want.data();
            double[] f = got.data();
            for (int i = 0; i < w.length; i++) {
                if (Double.doubleToLongBits(w[i]) != Double.doubleToLongBits(f[i])) {
                    throw new AssertionError(o + ": the fused graph interprets to " + f[i] + " at "
                            + Numerics.index(Arrays.stream(want.shape()).asLongStream().toArray(), i)
                            + ", the unfused to " + w[i] + "\nIR after fuse:\n" + fused);
                }
            }
        }
        return plain;
    }

    private static List<String> sorted(List<String> names) {
        List<String> s = new ArrayList<>(names);
        s.sort(null);
        return s;
    }

    @Provide
    Arbitrary<Case> mixed() {
        return cases(RandomNets.Menu.MIXED, 5);
    }

    @Provide
    Arbitrary<Case> convolutions() {
        return cases(RandomNets.Menu.CONVOLUTIONS, 3);
    }

    @Provide
    Arbitrary<Case> pooling() {
        return cases(RandomNets.Menu.POOLING, 3);
    }

    @Provide
    Arbitrary<Case> heads() {
        return cases(RandomNets.Menu.HEADS, 4);
    }

    static Arbitrary<Case> cases(RandomNets.Menu menu, int maxSteps) {
        Arbitrary<String> texts = Combinators.combine(
                Arbitraries.integers().between(1, 11),
                Arbitraries.integers().between(1, 11),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(0, 4).map(i -> i == 4),
                Arbitraries.longs().list().ofMinSize(1).ofMaxSize(maxSteps),
                Arbitraries.integers().between(-4, 6))
                .as((h, w, ch, two, steps, extra) -> RandomNets.build(menu, h, w, ch, two, steps, extra));
        return Combinators.combine(texts, Arbitraries.integers().between(1, 5), Arbitraries.integers().between(1, 3),
                Arbitraries.of(0, 8, 16), Arbitraries.longs()).as(Case::new);
    }
}
