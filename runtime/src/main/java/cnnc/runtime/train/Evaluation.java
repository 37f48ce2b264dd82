package cnnc.runtime.train;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.data.Batch;
import cnnc.runtime.data.BatchOptions;
import cnnc.runtime.data.Batches;
import cnnc.runtime.data.Dataset;
import cnnc.runtime.java.InMemoryJavac;
import cnnc.runtime.java.JavaBackend;
import java.io.IOException;
import java.util.Map;

/**
 * A model's loss, accuracy and confusion matrix on a data set, computed with the inference model (moving
 * statistics, no dropout), as Keras' {@code evaluate}. {@code confusion[t][p]} counts examples of true class t
 * predicted as p; a model with one output is a binary classifier (2 classes, class 1 above 0.5).
 */
public record Evaluation(double loss, double accuracy, long[][] confusion, int examples) {

    public static Evaluation of(Graph model, Map<String, Tensor> weights, Dataset data, int batchSize, String loss)
            throws IOException, InMemoryJavac.NoCompilerException {
        return of(model, JavaBackend.compile(model, weights, Runtime.getRuntime().availableProcessors()), data,
                batchSize, loss);
    }

    /** As {@link #of(Graph, Map, Dataset, int, String)} with the model already compiled by some backend. */
    public static Evaluation of(Graph model, cnnc.runtime.exec.Executable m, Dataset data, int batchSize, String loss)
            throws IOException {
        int classes = (int) model.shapeOf(model.outputs().get(0)).dim(-1);
        batchSize = Math.max(1, Math.min(batchSize, data.size()));
        // One output is a binary classifier: class 1 where it is above 0.5.
        boolean binary = classes == 1;
        long[][] confusion = binary ? new long[2][2] : new long[classes][classes];
        double sum = 0;
        long correct = 0;
        int seen = 0;
        float[][] out = {new float[batchSize * classes]};
        try (Batches it = Batches.open(data, BatchOptions.inOrder(batchSize), 0)) {
            while (it.hasNext()) {
                Batch b = it.next();
                m.run(new float[][] {b.images()}, out, b.size());
                for (int i = 0; i < b.size(); i++) {
                    sum += Metrics.loss(loss, out[0], i, classes, b.labels()[i], b.targets());
                    if (Metrics.correct(loss, out[0], i, classes, b.labels()[i], b.targets())) {
                        correct++;
                    }
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (out[0][i * classes + c] > out[0][i * classes + best]) {
                            best = c;
                        }
                    }
                    if (binary) {
                        best = out[0][i] > 0.5f ? 1 : 0;
                    }
                    if (b.labels()[i] >= 0 && b.labels()[i] < confusion.length) {
                        confusion[b.labels()[i]][best]++;
                    }
                    seen++;
                }
            }
        }
        return new Evaluation(sum / Math.max(1, seen), (double) correct / Math.max(1, seen), confusion, seen);
    }
}
