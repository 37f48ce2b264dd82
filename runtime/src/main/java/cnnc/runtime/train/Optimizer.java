package cnnc.runtime.train;

import cnnc.compiler.ir.Tensor;
import java.util.Map;

/**
 * Turns one step's gradients into weight updates, keeping per-weight state (momenta, moving averages) between steps.
 *
 * <p>Call order: optionally {@link #load} a checkpoint's state first; then, for each epoch, {@link #startEpoch} and,
 * for each batch, {@link #step} with that batch's gradients of the mean loss; {@link #state} at any time between steps
 * to save a checkpoint. A step reads the learning rate at ({@link #iterations()}, current epoch), updates every weight
 * that has a gradient, then adds one to {@code iterations}, as Keras' {@code apply_gradients} does.
 *
 * <p>State tensors are named {@code <layer>.<weight>/<slot>} with Keras' slot names ({@code conv2d.kernel/m},
 * {@code dense.bias/velocity}), flat (one axis), plus the scalar {@code iterations} (float32, so exact up to
 * 2<sup>24</sup> steps). Not thread-safe.
 */
public interface Optimizer {
    /**
     * Updates {@code weights} in place from {@code grads}: only the weights that have a gradient change (frozen weights
     * have none). Checks every gradient before changing anything.
     *
     * @throws IllegalArgumentException when a gradient names no weight, or its length differs from the weight's or
     *         from the state loaded for it
     */
    void step(Map<String, float[]> weights, Map<String, float[]> grads);

    /** Sets the epoch (0-based) that a schedule by epoch sees; 0 until called. */
    void startEpoch(int epoch);

    /** Steps taken so far, including those of a loaded state. */
    long iterations();

    /** The learning rate the next step will use. */
    double learningRate();

    /** The state, as fresh copies: one tensor per weight and slot, and {@code iterations}. */
    Map<String, Tensor> state();

    /**
     * Replaces the whole state with one saved by {@link #state()} of an optimizer of the same kind and slots.
     *
     * @throws IllegalArgumentException saying what does not fit (a missing or unknown slot, no {@code iterations})
     */
    void load(Map<String, Tensor> state);

    /** The kind, lower case: {@code sgd}, {@code adam}, {@code rmsprop}. */
    String name();

    /** The full configuration as a spec that {@link Optimizers#parse(String)} reads back to an equal optimizer. */
    String describe();
}
