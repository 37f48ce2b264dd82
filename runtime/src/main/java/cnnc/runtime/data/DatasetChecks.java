package cnnc.runtime.data;

import java.util.Arrays;

/** The checks of a data set against a model: {@link Dataset#checkLabels} and {@link Dataset#checkShape}. */
final class DatasetChecks {
    private DatasetChecks() {
    }

    static void checkLabels(Dataset data, int modelClasses) throws DataException {
        if (modelClasses < 1) {
            throw new IllegalArgumentException("a model has at least one class, not " + modelClasses);
        }
        // One output is a binary classifier (Keras' Dense(1, activation="sigmoid")): class numbers 0 and 1.
        boolean binary = modelClasses == 1 && !data.oneHotLabels();
        String outputs = binary ? "the model has one output, a binary classifier's (labels 0 or 1)"
                : "the model's output has " + modelClasses + (modelClasses == 1 ? " class" : " classes");
        if (data.oneHotLabels() && data.classes() != modelClasses) {
            throw new DataException(data.labelSource() + ": labels are one-hot rows of " + data.classes()
                    + " values, " + outputs);
        }
        int top = binary ? 1 : modelClasses - 1;
        for (int i = 0; i < data.size(); i++) {
            int label = data.label(i);
            if (label > top) {
                throw new DataException(data.labelSource() + ": label " + label + " at " + data.exampleName(i)
                        + " is outside 0.." + top + ", " + outputs);
            }
        }
    }

    static void checkShape(Dataset data, long[] modelInput) throws DataException {
        long[] have = data.exampleShape();
        long[] want = modelInput.length == have.length + 1 ? Arrays.copyOfRange(modelInput, 1, modelInput.length)
                : modelInput;
        if (matches(have, want)) {
            return;
        }
        String problem;
        if (have.length == 3 && want.length == 3 && matches(Arrays.copyOf(have, 2), Arrays.copyOf(want, 2))) {
            problem = "images have " + channels(have[2]) + ", the model's input has " + channels(want[2])
                    + " (shape " + text(want) + ")";
        } else if (have.length == 3 && want.length == 3 && matches(new long[] {have[2]}, new long[] {want[2]})) {
            problem = "images are " + have[0] + "x" + have[1] + ", the model's input is " + dim(want[0]) + "x"
                    + dim(want[1]) + " (shape " + text(want) + ")";
        } else {
            problem = "examples have shape " + text(have) + ", the model's input has shape " + text(want);
        }
        throw new DataException(data.source() + ": " + problem);
    }

    private static boolean matches(long[] have, long[] want) {
        if (have.length != want.length) {
            return false;
        }
        for (int i = 0; i < have.length; i++) {
            if (want[i] > 0 && want[i] != have[i]) {
                return false;
            }
        }
        return true;
    }

    private static String channels(long c) {
        return c == 1 ? "1 channel" : dim(c) + " channels";
    }

    private static String dim(long d) {
        return d > 0 ? Long.toString(d) : "?";
    }

    /** A shape as the IR prints it: {@code [28, 28, 1]}. */
    static String text(long[] shape) {
        return Arrays.toString(shape);
    }
}
