package cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cnnc.compiler.ir.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Stopping, saving the state, loading it into a new optimizer and going on gives what never stopping gives. */
class OptimizerStateTest {
    static List<String> specs() {
        return List.of(
                "sgd(learning_rate=0.1)",
                "sgd(learning_rate=0.1, momentum=0.9)",
                "sgd(learning_rate=0.1, momentum=0.9, nesterov=true)",
                "adam(learning_rate=0.1)",
                "adam(learning_rate=0.1, amsgrad=true)",
                "rmsprop(learning_rate=0.01)",
                "rmsprop(learning_rate=0.01, momentum=0.5, centered=true)",
                "adam(learning_rate=cosine(initial_learning_rate=0.1, decay_steps=4, alpha=0.1))",
                "sgd(learning_rate=step(initial_learning_rate=0.1, every=1, factor=0.5), momentum=0.5)");
    }

    @ParameterizedTest
    @MethodSource("specs")
    void resumingEqualsNotStopping(String spec) {
        assertResumeEqualsUninterrupted(spec, grads(new Random(7), 8), 3, 2);
    }

    @Property(tries = 60)
    void resumingEqualsNotStoppingAnywhere(@ForAll("spec") String spec, @ForAll @IntRange(min = 0, max = 6) int stop,
                                           @ForAll long seed) {
        assertResumeEqualsUninterrupted(spec, grads(new Random(seed), 6), stop, 3);
    }

    @Provide
    Arbitrary<String> spec() {
        return Arbitraries.of(specs());
    }

    /** Runs all steps in one go, and again stopping after {@code stop} (in epoch {@code stop / perEpoch}). */
    private static void assertResumeEqualsUninterrupted(String spec, List<Map<String, float[]>> grads, int stop,
                                                        int perEpoch) {
        Map<String, float[]> straight = weights();
        Optimizer one = Optimizers.parse(spec);
        for (int k = 0; k < grads.size(); k++) {
            one.startEpoch(k / perEpoch);
            one.step(straight, grads.get(k));
        }

        Map<String, float[]> resumed = weights();
        Optimizer before = Optimizers.parse(spec);
        for (int k = 0; k < stop; k++) {
            before.startEpoch(k / perEpoch);
            before.step(resumed, grads.get(k));
        }
        Map<String, Tensor> saved = before.state();
        Optimizer after = Optimizers.parse(before.describe());
        after.load(saved);
        assertEquals(stop, after.iterations());
        for (int k = stop; k < grads.size(); k++) {
            after.startEpoch(k / perEpoch);
            after.step(resumed, grads.get(k));
        }

        for (String name : straight.keySet()) {
            assertArrayEquals(straight.get(name), resumed.get(name), name);
        }
        Map<String, Tensor> a = one.state();
        Map<String, Tensor> b = after.state();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, t) -> assertArrayEquals(t.data(), b.get(name).data(), name));
    }

    private static Map<String, float[]> weights() {
        Map<String, float[]> w = new LinkedHashMap<>();
        w.put("conv2d.kernel", new float[] {0.5f, -0.25f, 0.125f, 1f, -2f, 0.75f});
        w.put("conv2d.bias", new float[] {0.1f, -0.1f});
        w.put("dense.kernel", new float[] {1f, 2f, 3f});
        return w;
    }

    /** Per step, gradients for the conv layer, and for dense only in some steps (frozen in the others). */
    private static List<Map<String, float[]>> grads(Random random, int steps) {
        List<Map<String, float[]>> out = new ArrayList<>();
        for (int k = 0; k < steps; k++) {
            Map<String, float[]> g = new LinkedHashMap<>();
            g.put("conv2d.kernel", randoms(random, 6));
            g.put("conv2d.bias", randoms(random, 2));
            if (k % 3 != 1) {
                g.put("dense.kernel", randoms(random, 3));
            }
            out.add(g);
        }
        return out;
    }

    private static float[] randoms(Random random, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) random.nextGaussian();
        }
        return f;
    }

    @Test
    void stateIsACopy() {
        Adam adam = new Adam();
        Map<String, float[]> w = weights();
        adam.step(w, Map.of("dense.kernel", new float[] {1, 1, 1}));
        Map<String, Tensor> state = adam.state();
        float before = state.get("dense.kernel/m").data()[0];
        adam.step(w, Map.of("dense.kernel", new float[] {1, 1, 1}));
        assertEquals(before, state.get("dense.kernel/m").data()[0]);
        state.get("dense.kernel/m").data()[0] = 99;
        assertNotEquals(99f, adam.state().get("dense.kernel/m").data()[0]);
    }

    @Test
    void loadTakesItsOwnCopy() {
        Adam adam = new Adam();
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put("iterations", new Tensor(new long[0], new float[] {5}));
        state.put("w/m", new Tensor(new long[] {1}, new float[] {0.5f}));
        state.put("w/v", new Tensor(new long[] {1}, new float[] {0.25f}));
        adam.load(state);
        adam.step(new LinkedHashMap<>(Map.of("w", new float[] {0})), Map.of("w", new float[] {1}));
        assertEquals(0.5f, state.get("w/m").data()[0]);
        assertEquals(6, adam.iterations());
    }

    @Test
    void loadErrorsSayWhatDoesNotFit() {
        Map<String, Tensor> noCount = Map.of("w/m", vector(1), "w/v", vector(1));
        assertLoadError(new Adam(), noCount, "the optimizer state has no `iterations`");

        Map<String, Tensor> badCount = new LinkedHashMap<>();
        badCount.put("iterations", new Tensor(new long[0], new float[] {2.5f}));
        assertLoadError(new Adam(), badCount, "the optimizer state's `iterations` must be one whole number >= 0, but "
                + "it is 2.5");

        Map<String, Tensor> amsgrad = state("w/m", "w/v", "w/vhat");
        assertLoadError(new Adam(), amsgrad, "the optimizer state has `w/vhat`, but adam(learning_rate=0.001, "
                + "beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false) keeps the slots m, v per weight; the state "
                + "was saved by an optimizer with other settings");
        assertLoadError(new Adam(new ConstantLearningRate(0.001), 0.9, 0.999, 1e-7, true), state("w/m", "w/v"),
                "the optimizer state for `w` lacks the slot vhat that adam(learning_rate=0.001, beta_1=0.9, "
                + "beta_2=0.999, epsilon=1e-07, amsgrad=true) keeps; the state was saved by an optimizer with other "
                + "settings");
        assertLoadError(new Sgd(), state("w/m"), "the optimizer state has `w/m`, but sgd(learning_rate=0.01, "
                + "momentum=0.0, nesterov=false) keeps no state but `iterations`; the state was saved by an optimizer "
                + "with other settings");

        Map<String, Tensor> uneven = state("w/m");
        uneven.put("w/v", vector(2));
        assertLoadError(new Adam(), uneven, "the optimizer state for `w` has slots of different sizes (1 and 2 "
                + "values)");
    }

    @Test
    void stateOfAnotherModelIsCaughtAtTheFirstStep() {
        Adam adam = new Adam();
        adam.load(state("dense.kernel/m", "dense.kernel/v"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.step(
                new LinkedHashMap<>(Map.of("dense.kernel", new float[4])), Map.of("dense.kernel", new float[4])));
        assertEquals("the optimizer state for `dense.kernel` has 1 values but the weight has 4 (state from a "
                + "checkpoint of another model?)", e.getMessage());
    }

    @Test
    void aFailedLoadKeepsTheOldState() {
        Adam adam = new Adam();
        adam.step(new LinkedHashMap<>(Map.of("w", new float[] {0})), Map.of("w", new float[] {1}));
        Map<String, Tensor> before = adam.state();
        assertThrows(IllegalArgumentException.class, () -> adam.load(state("w/m")));
        assertEquals(1, adam.iterations());
        assertArrayEquals(before.get("w/v").data(), adam.state().get("w/v").data());
    }

    private static Map<String, Tensor> state(String... names) {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("iterations", new Tensor(new long[0], new float[] {1}));
        for (String n : names) {
            s.put(n, vector(1));
        }
        return s;
    }

    private static Tensor vector(int n) {
        return new Tensor(new long[] {n}, new float[n]);
    }

    private static void assertLoadError(Optimizer optimizer, Map<String, Tensor> state, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> optimizer.load(state));
        assertEquals(message, e.getMessage());
    }
}
