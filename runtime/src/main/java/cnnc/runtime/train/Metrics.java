package cnnc.runtime.train;

/**
 * Keras' default accuracy for a loss: categorical (arg-max equals the label) for the cross-entropies, binary
 * (each output thresholded at 0.5 equals its target, all outputs) for binary cross-entropy; mean squared error has
 * no accuracy (always false). A model with one output is a binary classifier: its target is the label, 0 or 1.
 */
final class Metrics {
    private Metrics() {}

    static boolean correct(String loss, float[] predictions, int example, int classes, int label, float[] targets) {
        int base = example * classes;
        if (classes == 1 && loss.equals("binary_crossentropy")) {
            return (predictions[example] > 0.5f) == (label > 0);
        }
        if (loss.equals("binary_crossentropy")) {
            for (int c = 0; c < classes; c++) {
                if ((predictions[base + c] > 0.5f) != (targets[base + c] > 0.5f)) {
                    return false;
                }
            }
            return true;
        }
        if (loss.equals("mean_squared_error")) {
            return false;
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (predictions[base + c] > predictions[base + best]) {
                best = c;
            }
        }
        return best == label;
    }

    /** The per-example loss from predictions (Keras 2's clipping, ε = 1e-7). */
    static double loss(String loss, float[] p, int example, int classes, int label, float[] targets) {
        int base = example * classes;
        double eps = 1e-7;
        double sum = 0;
        if (classes == 1 && (loss.equals("binary_crossentropy") || loss.equals("mean_squared_error"))) {
            double t = label;
            if (loss.equals("mean_squared_error")) {
                return (p[example] - t) * (p[example] - t);
            }
            double q = Math.min(Math.max(p[example], eps), 1 - eps);
            return -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
        }
        switch (loss) {
            case "mean_squared_error" -> {
                for (int c = 0; c < classes; c++) {
                    double d = p[base + c] - targets[base + c];
                    sum += d * d / classes;
                }
            }
            case "binary_crossentropy" -> {
                for (int c = 0; c < classes; c++) {
                    double q = Math.min(Math.max(p[base + c], eps), 1 - eps);
                    double t = targets[base + c];
                    sum -= (t * Math.log(q) + (1 - t) * Math.log(1 - q)) / classes;
                }
            }
            default -> {
                double total = 0;
                for (int c = 0; c < classes; c++) {
                    total += Math.min(Math.max(p[base + c], eps), 1 - eps);
                }
                for (int c = 0; c < classes; c++) {
                    double t = loss.equals("sparse_categorical_crossentropy") ? (c == label ? 1 : 0) : targets[base + c];
                    if (t != 0) {
                        sum -= t * Math.log(Math.min(Math.max(p[base + c], eps), 1 - eps) / total);
                    }
                }
            }
        }
        return sum;
    }
}
