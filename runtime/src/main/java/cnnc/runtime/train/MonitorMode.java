package cnnc.runtime.train;

import cnnc.compiler.diag.Suggestions;
import java.util.List;
import java.util.Locale;

/**
 * Which way a monitored metric improves, as Keras callbacks' {@code mode}: {@code min} for a loss, {@code max} for an
 * accuracy. Improvement is strict ({@code np.less} / {@code np.greater}), and NaN never improves on anything.
 */
public enum MonitorMode {
    MIN,
    MAX;

    /** Whether {@code current} is strictly better than {@code reference}. */
    public boolean improves(double current, double reference) {
        return this == MIN ? current < reference : current > reference;
    }

    /** The starting best, which every number beats: +inf for min, -inf for max. */
    public double worst() {
        return this == MIN ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
    }

    /**
     * Parses {@code min}, {@code max} or {@code auto}; {@code auto} picks {@code max} when {@code monitor} ends with
     * {@code acc}, {@code accuracy} or {@code auc} and {@code min} otherwise, as Keras 2.12's {@code EarlyStopping}.
     *
     * @throws IllegalArgumentException for another word
     */
    public static MonitorMode parse(String mode, String monitor) {
        String lower = mode.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "min" -> MIN;
            case "max" -> MAX;
            case "auto" -> monitor.endsWith("acc") || monitor.endsWith("accuracy") || monitor.endsWith("auc")
                    ? MAX : MIN;
            default -> throw new IllegalArgumentException("unknown mode `" + mode + "`"
                    + Suggestions.didYouMean(mode, List.of("min", "max", "auto")) + " (it is min, max or auto)");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
