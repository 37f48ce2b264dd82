package cnnc.runtime.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compiler.Compiler;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The reference interpreter against PyTorch: each golden model is compiled, run by {@link Interpreter} on the
 * fixture's weights and inputs, and every output compared with the values PyTorch computed, within
 * |actual - expected| ≤ 1e-4 · max(1, |expected|).
 */
class ReferenceGoldenTest {
    private static final double TOLERANCE = 1e-4;

    static Stream<GoldenFixtures.Fixture> fixtures() {
        return GoldenFixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void interpreterMatchesPyTorch(GoldenFixtures.Fixture fixture) throws Exception {
        Graph graph = Compiler.compileText(fixture.name() + ".cnn", fixture.source());
        assertEquals(new TreeSet<>(fixture.outputs().keySet()), new TreeSet<>(graph.outputs()),
                fixture.name() + ": the model's outputs and the fixture's output files");
        Map<String, Tensor> actual = Interpreter.run(graph, fixture.weights(), fixture.inputs());
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : fixture.outputs().entrySet()) {
            String problem = compare(actual.get(e.getKey()), e.getValue());
            if (problem != null) {
                failures.add(fixture.name() + "/" + e.getKey() + ": " + problem);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + fixture.outputs().size() + " outputs differ from PyTorch:\n  "
                    + String.join("\n  ", failures));
        }
    }

    /** Null when {@code actual} matches {@code expected}, else where and how it first differs. */
    static String compare(Tensor actual, Tensor expected) {
        if (actual == null) {
            return "no such output";
        }
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            return "shape " + actual.shapeText() + ", expected " + expected.shapeText();
        }
        float[] a = actual.data();
        float[] b = expected.data();
        int first = -1;
        int count = 0;
        for (int i = 0; i < b.length; i++) {
            double diff = Math.abs((double) a[i] - b[i]);
            if (!(diff <= TOLERANCE * Math.max(1.0, Math.abs(b[i])))) {
                count++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (first < 0) {
            return null;
        }
        return "first mismatch at " + Arrays.toString(index(first, expected.shape())) + ": got " + a[first]
                + ", expected " + b[first] + " (" + count + " of " + b.length + " elements differ)";
    }

    /** The multi-index of flat (row-major) position {@code flat}. */
    static long[] index(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
        return idx;
    }
}
