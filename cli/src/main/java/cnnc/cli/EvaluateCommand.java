package cnnc.cli;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Pipeline;
import cnnc.compiler.report.Json;
import cnnc.runtime.data.Dataset;
import cnnc.runtime.data.Split;
import cnnc.runtime.java.InMemoryJavac;
import cnnc.runtime.train.Evaluation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cnnc evaluate MODEL.cnn --weights W --data SPEC [--loss NAME] [--json]}: loss, accuracy and the confusion
 * matrix on the data set's test split (its only split when it has one).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Loss, accuracy and confusion matrix on a data set (its test split where it has one).")
final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions backend;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "The weights.")
    Path weights;

    @Option(names = "--data", required = true, paramLabel = "SPEC", description = "As for train.")
    String data;

    @Option(names = "--loss", paramLabel = "NAME", description = "Keras loss to report (default: the model's train"
            + " block's, else sparse_categorical_crossentropy after a softmax, else mean_squared_error).")
    String loss;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "256", description = "Batch size (default: 256).")
    int batchSize;

    @Option(names = "--json", description = "Print {\"loss\", \"accuracy\", \"confusion_matrix\", \"examples\"}.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (loss != null && !cnnc.compiler.passes.Grad.LOSSES.contains(loss)) {
            throw new UserError("cnnc: error: unknown loss " + loss + cnnc.compiler.diag.Suggestions.didYouMean(loss,
                    cnnc.compiler.passes.Grad.LOSSES) + "; known: "
                    + String.join(", ", cnnc.compiler.passes.Grad.LOSSES), Main.EXIT_USAGE);
        }
        if (batchSize < 1) {
            throw new UserError("cnnc: error: --batch-size must be at least 1", Main.EXIT_USAGE);
        }
        cnnc.compiler.Compiler.Result compiled = model.compile(Pipeline.analysis(), null, err);
        Graph g = compiled.graph();
        String loss = this.loss != null ? this.loss : compiled.training() != null && compiled.training().loss() != null
                ? compiled.training().loss() : cnnc.compiler.passes.Grad.defaultLoss(g);
        Map<String, Tensor> w = Loaded.weights(g, weights, err);
        Split split = DataOptions.load(data, g);
        Dataset set = split.test().orElse(split.train());
        Evaluation e;
        try {
            e = Evaluation.of(g, backend.compile(g, w, false), set, batchSize, loss);
        } catch (IOException ex) {
            throw new UserError("cnnc: error: " + ex.getMessage(), Main.EXIT_INVALID);
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("loss", e.loss());
            o.put("accuracy", e.accuracy());
            List<Object> rows = new ArrayList<>();
            for (long[] row : e.confusion()) {
                List<Object> r = new ArrayList<>();
                for (long v : row) {
                    r.add(v);
                }
                rows.add(r);
            }
            o.put("confusion_matrix", rows);
            o.put("examples", e.examples());
            out.println(Json.write(o));
        } else {
            out.printf(Locale.ROOT, "%s on %,d examples: loss %.4f, accuracy %.4f%n", g.name(), e.examples(),
                    e.loss(), e.accuracy());
            out.println("confusion matrix (rows: true class, columns: predicted):");
            List<String> names = set.classNames();
            for (int t = 0; t < e.confusion().length; t++) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%14s",
                        t < names.size() ? names.get(t) : Integer.toString(t)));
                for (long v : e.confusion()[t]) {
                    line.append(String.format(Locale.ROOT, " %5d", v));
                }
                out.println(line);
            }
        }
        out.flush();
        return 0;
    }
}
