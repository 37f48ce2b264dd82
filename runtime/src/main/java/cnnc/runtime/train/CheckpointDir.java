package cnnc.runtime.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A folder of two checkpoints: {@code last.safetensors}, rewritten after every epoch to resume from, and
 * {@code best.safetensors}, rewritten only when the monitored metric improves on the best so far, as Keras'
 * {@code ModelCheckpoint(save_best_only=True, monitor, mode)}: strictly better ({@code np.less} for min,
 * {@code np.greater} for max), starting from the worst value so the first epoch is always saved, a NaN metric never.
 *
 * <p>Both files carry the best value so far in their {@code best} metadata; to resume, pass the last checkpoint's
 * {@link Checkpoint#best()} to the constructor so that an epoch of the resumed run replaces {@code best.safetensors}
 * only when it beats the epochs before the interruption.
 */
public final class CheckpointDir {
    /** The checkpoint of the latest epoch. */
    public static final String LAST = "last.safetensors";
    /** The checkpoint of the best epoch. */
    public static final String BEST = "best.safetensors";

    private final Path dir;
    private final String monitor;
    private final MonitorMode mode;
    private double best;

    /**
     * A folder for a fresh run; it is created (with its parents) on the first save.
     *
     * @param monitor the metric's name, for messages and metadata ({@code val_loss})
     */
    public CheckpointDir(Path dir, String monitor, MonitorMode mode) {
        this(dir, monitor, mode, Double.NaN);
    }

    /**
     * A folder for a resumed run.
     *
     * @param best the best value before the interruption ({@link Checkpoint#best()}), or NaN for none
     */
    public CheckpointDir(Path dir, String monitor, MonitorMode mode, double best) {
        this.dir = dir;
        this.monitor = monitor;
        this.mode = mode;
        this.best = Double.isNaN(best) ? mode.worst() : best;
    }

    public Path last() {
        return dir.resolve(LAST);
    }

    public Path best() {
        return dir.resolve(BEST);
    }

    /** The best value saved so far: {@link MonitorMode#worst()} before any. */
    public double bestValue() {
        return best;
    }

    public String monitor() {
        return monitor;
    }

    public MonitorMode mode() {
        return mode;
    }

    /**
     * Saves the checkpoint of an epoch whose monitored metric is {@code value}: as {@code best.safetensors} first when
     * {@code value} improves on the best so far, then as {@code last.safetensors}; both with the best so far as their
     * {@code best} metadata and the monitor's name as {@code monitor}. Writing best first means a crash in between
     * leaves a {@code last} that does not claim a better best than {@code best.safetensors} holds.
     *
     * @return whether {@code best.safetensors} was written
     * @throws IOException when a file cannot be written; the previous files are then unchanged
     */
    public boolean save(Checkpoint checkpoint, double value) throws IOException {
        Files.createDirectories(dir);
        boolean improved = mode.improves(value, best);
        double newBest = improved ? value : best;
        Checkpoint stamped = checkpoint.withBest(newBest == mode.worst() ? Double.NaN : newBest)
                .withExtra(Map.of("monitor", monitor, "mode", mode.toString()));
        if (improved) {
            stamped.save(best());
            best = value;
        }
        stamped.save(last());
        return improved;
    }
}
