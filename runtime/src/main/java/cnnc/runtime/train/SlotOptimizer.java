package cnnc.runtime.train;

import cnnc.compiler.diag.Suggestions;
import cnnc.compiler.ir.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What every optimizer here shares: the step count, the learning rate, per-weight state as named float32 slots
 * created (zero) on a weight's first gradient, checking, and saving and loading that state. A subclass says which
 * slots it keeps and how one weight is updated.
 */
abstract class SlotOptimizer implements Optimizer {
    static final String ITERATIONS = "iterations";

    private final LearningRate learningRate;
    private final List<String> slotNames;
    private Map<String, float[][]> slots = new LinkedHashMap<>();
    private long iterations;
    private int epoch;

    SlotOptimizer(LearningRate learningRate, List<String> slotNames) {
        this.learningRate = learningRate;
        this.slotNames = List.copyOf(slotNames);
    }

    /** Weights at least this long are updated in slices on several threads. */
    private static final int SLICE = 1 << 15;

    /**
     * Updates elements [from, to) of one weight in place. Each element's update depends on that element only, so
     * slices may run concurrently and the result does not depend on how the weight was sliced.
     *
     * @param slots this weight's slots, in {@link #slotNames()} order, each as long as {@code w}
     * @param lr    the learning rate of this step
     * @param t     the step number, 1 for the first step ({@code iterations + 1}, Keras' {@code local_step})
     */
    abstract void update(float[] w, float[] g, float[][] slots, double lr, long t, int from, int to);

    /**
     * The same update as {@link #update} as OpenCL C: kernels with parameters (weight, gradient, the slots in
     * {@link #slotNames()} order, then {@link DeviceStep#scalars()} as floats, then {@code int size}), in float32 and
     * in the same operation order.
     */
    abstract String deviceSource();

    /** The kernel and its scalar arguments for a step at learning rate {@code lr}, step number {@code t}. */
    abstract DeviceStep deviceStep(double lr, long t);

    /** One step's update on a device: the kernel's name and its scalar arguments. */
    record DeviceStep(String kernel, float[] scalars) {}

    /** The slots of weight {@code key}, created (zero) on first use, for a device to start from and write back. */
    final float[][] slotsOf(String key, int length) {
        return slots.computeIfAbsent(key, k -> new float[slotNames.size()][length]);
    }

    /** Counts a step whose update ran elsewhere (on a device), as {@link #step} counts its own. */
    final void advance() {
        iterations++;
    }

    /** Keras' names of the slots this optimizer keeps per weight, in a fixed order; may be empty. */
    final List<String> slotNames() {
        return slotNames;
    }

    /** The learning rate or schedule. */
    public final LearningRate schedule() {
        return learningRate;
    }

    @Override
    public final void step(Map<String, float[]> weights, Map<String, float[]> grads) {
        for (Map.Entry<String, float[]> e : grads.entrySet()) {
            String key = e.getKey();
            float[] w = weights.get(key);
            if (w == null) {
                throw new IllegalArgumentException("there is a gradient for `" + key + "` but no weight of that name"
                        + Suggestions.didYouMean(key, weights.keySet()));
            }
            if (e.getValue().length != w.length) {
                throw new IllegalArgumentException("the gradient for `" + key + "` has " + e.getValue().length
                        + " values but the weight has " + w.length);
            }
            float[][] s = slots.get(key);
            if (s != null && s.length > 0 && s[0].length != w.length) {
                throw new IllegalArgumentException("the optimizer state for `" + key + "` has " + s[0].length
                        + " values but the weight has " + w.length + " (state from a checkpoint of another model?)");
            }
        }
        double lr = learningRate.at(iterations, epoch);
        for (Map.Entry<String, float[]> e : grads.entrySet()) {
            float[] w = weights.get(e.getKey());
            float[] g = e.getValue();
            float[][] s = slots.computeIfAbsent(e.getKey(), k -> new float[slotNames.size()][w.length]);
            long t = iterations + 1;
            if (w.length < 2 * SLICE) {
                update(w, g, s, lr, t, 0, w.length);
            } else {
                int parts = (w.length + SLICE - 1) / SLICE;
                IntStream.range(0, parts).parallel().forEach(p -> update(w, g, s, lr, t, p * SLICE,
                        Math.min(w.length, (p + 1) * SLICE)));
            }
        }
        iterations++;
    }

    @Override
    public final void startEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epochs count from 0, not " + epoch);
        }
        this.epoch = epoch;
    }

    @Override
    public final long iterations() {
        return iterations;
    }

    @Override
    public final double learningRate() {
        return learningRate.at(iterations, epoch);
    }

    @Override
    public final Map<String, Tensor> state() {
        Map<String, Tensor> state = new LinkedHashMap<>();
        state.put(ITERATIONS, new Tensor(new long[0], new float[] {(float) iterations}));
        for (Map.Entry<String, float[][]> e : slots.entrySet()) {
            for (int i = 0; i < slotNames.size(); i++) {
                float[] data = e.getValue()[i].clone();
                state.put(e.getKey() + "/" + slotNames.get(i), new Tensor(new long[] {data.length}, data));
            }
        }
        return state;
    }

    @Override
    public final void load(Map<String, Tensor> state) {
        Tensor count = state.get(ITERATIONS);
        if (count == null) {
            throw new IllegalArgumentException("the optimizer state has no `" + ITERATIONS + "`");
        }
        double n = count.size() == 1 ? count.data()[0] : Double.NaN;
        if (!(n >= 0 && n == Math.rint(n) && n < Long.MAX_VALUE)) {
            throw new IllegalArgumentException("the optimizer state's `" + ITERATIONS + "` must be one whole number "
                    + ">= 0, but it is " + (count.size() == 1 ? PyRepr.number(n) : count.size() + " numbers"));
        }
        Map<String, float[][]> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().equals(ITERATIONS)) {
                continue;
            }
            int slash = e.getKey().lastIndexOf('/');
            String slot = slash < 0 ? "" : e.getKey().substring(slash + 1);
            int index = slotNames.indexOf(slot);
            if (slash <= 0 || index < 0) {
                String keeps = slotNames.isEmpty() ? "keeps no state but `" + ITERATIONS + "`"
                        : "keeps the slots " + String.join(", ", slotNames) + " per weight";
                throw new IllegalArgumentException("the optimizer state has `" + e.getKey() + "`, but " + describe()
                        + " " + keeps + "; the state was saved by an optimizer with other settings");
            }
            String weight = e.getKey().substring(0, slash);
            float[] data = e.getValue().data().clone();
            float[][] s = loaded.computeIfAbsent(weight, k -> new float[slotNames.size()][]);
            s[index] = data;
        }
        for (Map.Entry<String, float[][]> e : loaded.entrySet()) {
            List<String> missing = new ArrayList<>();
            int length = -1;
            for (int i = 0; i < slotNames.size(); i++) {
                float[] data = e.getValue()[i];
                if (data == null) {
                    missing.add(slotNames.get(i));
                } else if (length >= 0 && data.length != length) {
                    throw new IllegalArgumentException("the optimizer state for `" + e.getKey() + "` has slots of "
                            + "different sizes (" + length + " and " + data.length + " values)");
                } else {
                    length = data.length;
                }
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("the optimizer state for `" + e.getKey() + "` lacks the slot"
                        + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing) + " that " + describe()
                        + " keeps; the state was saved by an optimizer with other settings");
            }
        }
        slots = loaded;
        iterations = (long) n;
    }
}
