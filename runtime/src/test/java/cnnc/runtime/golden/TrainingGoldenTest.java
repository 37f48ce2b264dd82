package cnnc.runtime.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Grad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The autodiff pass against PyTorch autograd: each training golden model is compiled, turned into its training graph
 * by {@link Grad} with the fixture's loss, and run by the reference interpreter (double precision) on the fixture's
 * batch. The mean loss, the per-example losses, the model outputs, every {@code grad/<layer>.<weight>} and every
 * {@code <bn>/moments} must match PyTorch within |actual − expected| ≤ 1e-5 · max(1, |expected|), and the graph must
 * have exactly the fixture's gradients (none for frozen or non-trainable weights) and moments.
 *
 * <p>Both sides compute in double precision from the same float32 data; the fixtures are PyTorch's float64 results
 * rounded to float32 once. So a second, strict check asks for agreement to that rounding: |actual − expected| ≤
 * 1e-6 · |expected| + 1e-12 (float32 rounding is at most 6e-8 relative). The first bound lets a small gradient entry
 * (most are 0.001 to 0.1 here) be off by a few per mille; the strict one does not.
 */
class TrainingGoldenTest {
    static final double TOLERANCE = 1e-5;
    static final double STRICT_RELATIVE = 1e-6;
    static final double STRICT_ABSOLUTE = 1e-12;

    static Stream<TrainingGoldenFixtures.Fixture> fixtures() {
        return TrainingGoldenFixtures.all();
    }

    static Stream<TrainingGoldenFixtures.Fixture> defaultLossFixtures() {
        return TrainingGoldenFixtures.all().filter(TrainingGoldenFixtures.Fixture::defaultLoss);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void gradientsMatchPyTorch(TrainingGoldenFixtures.Fixture fixture) throws Exception {
        check(fixture, fixture.loss(), false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void gradientsMatchPyTorchToFloat32Rounding(TrainingGoldenFixtures.Fixture fixture) throws Exception {
        check(fixture, fixture.loss(), true);
    }

    /** Grad(null): sparse cross-entropy after a softmax output, mean squared error otherwise. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("defaultLossFixtures")
    void defaultLossMatchesPyTorch(TrainingGoldenFixtures.Fixture fixture) throws Exception {
        check(fixture, null, false);
    }

    /** The optimizer fixtures hold one updated tensor per expected gradient, of the weight's shape. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void optimizerFixturesCoverEveryTrainableWeight(TrainingGoldenFixtures.Fixture fixture) {
        TreeSet<String> trainable = fixture.expected().keySet().stream().filter(k -> k.startsWith("grad/"))
                .map(k -> k.substring("grad/".length())).collect(Collectors.toCollection(TreeSet::new));
        for (var file : List.of(fixture.afterSgd(), fixture.afterAdam())) {
            assertEquals(trainable, new TreeSet<>(file.tensors().keySet()), fixture.name());
            assertNotNull(file.metadata().get("learning_rate"), fixture.name());
            for (String w : trainable) {
                assertTrue(Arrays.equals(fixture.weights().get(w).shape(), file.tensor(w).shape()), w);
            }
        }
    }

    static void check(TrainingGoldenFixtures.Fixture fixture, String loss, boolean strict) throws Exception {
        Map<String, NDArray> actual = train(fixture, loss);
        String what = fixture.name() + " (Grad(" + (loss == null ? "null" : loss) + "))";
        Map<String, Tensor> expected = fixture.expected();
        assertEquals(keys(expected, "grad/"), keys(actual, "grad/"), what + ": the weights that get a gradient");
        assertEquals(keys(expected, "/moments"), keys(actual, "/moments"), what + ": the batch-norm moments");
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            NDArray a = e.getKey().equals(TrainingGoldenFixtures.MEAN_LOSS) ? mean(actual.get("loss"))
                    : actual.get(e.getKey());
            String problem = compare(a, e.getValue(), strict);
            if (problem != null) {
                failures.add(e.getKey() + ": " + problem);
            }
        }
        if (!failures.isEmpty()) {
            fail(what + (strict ? ", strict bound" : "") + ": " + failures.size() + " of " + expected.size()
                    + " values differ from PyTorch:\n  " + String.join("\n  ", failures));
        }
    }

    /** Every output of the training graph, run in double precision on the fixture's float32 data. */
    static Map<String, NDArray> train(TrainingGoldenFixtures.Fixture fixture, String loss) throws Exception {
        Graph shaped = Compiler.compileText(fixture.name() + ".cnn", fixture.source());
        Diagnostics diags = new Diagnostics();
        Graph training = new Grad(loss).run(shaped, diags);
        assertNotNull(training, fixture.name() + ": Grad failed: " + diags);
        Map<String, NDArray> all = Interpreter.runExact(training, exact(fixture.weights()), exact(fixture.inputs()));
        Map<String, NDArray> out = new HashMap<>();
        for (String o : training.outputs()) {
            out.put(o, all.get(o));
        }
        return out;
    }

    private static Map<String, NDArray> exact(Map<String, Tensor> tensors) {
        Map<String, NDArray> out = new HashMap<>();
        tensors.forEach((k, v) -> out.put(k, NDArray.of(v)));
        return out;
    }

    private static TreeSet<String> keys(Map<String, ?> values, String marker) {
        return values.keySet().stream().filter(k -> marker.endsWith("/") ? k.startsWith(marker) : k.endsWith(marker))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static NDArray mean(NDArray perExample) {
        if (perExample == null) {
            return null;
        }
        double sum = 0;
        for (double v : perExample.data()) {
            sum += v;
        }
        return new NDArray(new int[0], new double[] {sum / perExample.size()});
    }

    /** Null when {@code actual} matches {@code expected}, else where and how it first differs. */
    static String compare(NDArray actual, Tensor expected, boolean strict) {
        if (actual == null) {
            return "no such output of the training graph";
        }
        long[] shape = Arrays.stream(actual.shape()).asLongStream().toArray();
        if (!Arrays.equals(shape, expected.shape())) {
            return "shape " + Arrays.toString(shape) + ", expected " + expected.shapeText();
        }
        double[] a = actual.data();
        float[] b = expected.data();
        int first = -1;
        int count = 0;
        for (int i = 0; i < b.length; i++) {
            double bound = strict ? STRICT_RELATIVE * Math.abs(b[i]) + STRICT_ABSOLUTE
                    : TOLERANCE * Math.max(1.0, Math.abs(b[i]));
            if (!(Math.abs(a[i] - b[i]) <= bound)) {
                count++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (first < 0) {
            return null;
        }
        return "first mismatch at " + Arrays.toString(ReferenceGoldenTest.index(first, expected.shape())) + ": got "
                + a[first] + ", expected " + b[first] + " (difference " + (a[first] - b[first]) + "; " + count + " of "
                + b.length + " elements differ)";
    }
}
