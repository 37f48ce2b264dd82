package cnnc.runtime.train;

/**
 * Stops training when a monitored metric has not improved for {@code patience} epochs, as Keras 2.12's
 * {@code tf.keras.callbacks.EarlyStopping(monitor, min_delta, patience, mode)} without baseline, weight restoring or
 * warm-up:
 *
 * <pre>
 *   improved = current - min_delta &lt; best     (mode min; max: current + min_delta &gt; best)
 *   wait += 1
 *   if improved: best = current; wait = 0; continue training
 *   stop when wait &gt;= patience and epoch &gt; 0
 * </pre>
 *
 * with {@code best} starting at the worst value, so the first epoch always improves, and {@code min_delta} taken as
 * its absolute value, as Keras does. An improving epoch never stops training, even with patience 0; a NaN metric
 * never improves.
 *
 * <p>Call {@link #update} once at the end of each epoch. To resume, {@link #restore} the best value and wait count
 * saved with the checkpoint.
 */
public final class EarlyStopping {
    private final int patience;
    private final double minDelta;
    private final MonitorMode mode;
    private double best;
    private int bestEpoch = -1;
    private int wait;
    private int stoppedEpoch = -1;

    /**
     * @param patience epochs without improvement to accept before stopping, at least 0
     * @param minDelta how much the metric must change to count as improving; its sign is ignored
     * @throws IllegalArgumentException for a negative patience or a min_delta that is not a finite number
     */
    public EarlyStopping(int patience, double minDelta, MonitorMode mode) {
        if (patience < 0) {
            throw new IllegalArgumentException("early stopping: `patience` must be at least 0 epochs, not " + patience);
        }
        if (!Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("early stopping: `min_delta` must be a finite number, not "
                    + PyRepr.number(minDelta));
        }
        this.patience = patience;
        this.minDelta = Math.abs(minDelta);
        this.mode = mode;
        this.best = mode.worst();
    }

    /**
     * Records the metric of a finished epoch.
     *
     * @param epoch 0-based
     * @return whether training should stop now
     */
    public boolean update(int epoch, double value) {
        wait++;
        double shifted = mode == MonitorMode.MIN ? value + minDelta : value - minDelta;
        if (mode.improves(shifted, best)) {
            best = value;
            bestEpoch = epoch;
            wait = 0;
            return false;
        }
        if (wait >= patience && epoch > 0) {
            stoppedEpoch = epoch;
            return true;
        }
        return false;
    }

    /** Sets the state saved at the end of an earlier run, to resume it. */
    public void restore(double best, int bestEpoch, int wait) {
        if (wait < 0) {
            throw new IllegalArgumentException("early stopping: a wait of " + wait + " epochs cannot be restored");
        }
        this.best = best;
        this.bestEpoch = bestEpoch;
        this.wait = wait;
        this.stoppedEpoch = -1;
    }

    /** The best value seen so far (the worst possible value before any epoch). */
    public double best() {
        return best;
    }

    /** The epoch of {@link #best()}, or -1 before any improvement. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** Epochs since the last improvement. */
    public int waited() {
        return wait;
    }

    /** The epoch at which {@link #update} said to stop, or -1. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    public int patience() {
        return patience;
    }

    public double minDelta() {
        return minDelta;
    }

    public MonitorMode mode() {
        return mode;
    }
}
