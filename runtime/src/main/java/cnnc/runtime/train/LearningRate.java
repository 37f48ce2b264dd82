package cnnc.runtime.train;

/**
 * A learning rate that may change as training goes on: a constant, or a schedule of the step count or the epoch.
 *
 * <p>An {@link Optimizer} reads it once per step, before updating, at the number of steps it has already taken (its
 * {@code iterations}, 0 for the first step) and the current epoch (0-based): Keras 2.12 evaluates a
 * {@code LearningRateSchedule} at {@code optimizer.iterations} before incrementing it, so the first step uses
 * {@code at(0, 0)}.
 */
public interface LearningRate {
    /** The rate for the step taken after {@code iteration} earlier steps, in epoch {@code epoch} (0-based). */
    double at(long iteration, int epoch);

    /** The rate at the start, before any decay. */
    double initial();

    /** The spec that parses back to this schedule: {@code 0.001} or {@code cosine(initial_learning_rate=...)}. */
    String describe();
}
