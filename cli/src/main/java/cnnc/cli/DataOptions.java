package cnnc.cli;

import cnnc.compiler.ir.Graph;
import cnnc.runtime.data.DataSpec;
import cnnc.runtime.data.Split;
import java.io.IOException;
import java.nio.file.Path;

/** Resolving {@code --data SPEC} for a model: its images checked against the input, its labels against the classes. */
final class DataOptions {
    private DataOptions() {}

    static Split load(String spec, Graph g) {
        long[] shape = g.inputs().get(0).shape().dims();
        int classes = (int) g.shapeOf(g.outputs().get(0)).dim(-1);
        try {
            Split split = DataSpec.parse(spec, Path.of("").toAbsolutePath()).load(shape);
            split.train().checkShape(shape);
            split.train().checkLabels(classes);
            if (split.test().isPresent()) {
                split.test().get().checkLabels(classes);
            }
            if (split.train().size() == 0) {
                throw new UserError("cnnc: error: the data set " + spec + " is empty", Main.EXIT_INVALID);
            }
            return split;
        } catch (IOException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        }
    }
}
