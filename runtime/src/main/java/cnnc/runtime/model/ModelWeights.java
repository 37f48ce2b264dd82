package cnnc.runtime.model;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.ir.WeightSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights a model needs — {@code <layer>.<weight>} with Keras' names and layouts — and the check of a weights
 * file against them: a missing, extra or mis-shaped tensor is an error naming the tensor and both shapes; NaN or
 * infinite values are a warning.
 */
public final class ModelWeights {
    private ModelWeights() {}

    /** A weights file that does not fit the model. */
    public static final class MismatchException extends Exception {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message, null, false, false);
        }
    }

    /** Every weight of a shaped (unfused) graph, in layer order, with whether it is trainable. */
    public static Map<String, WeightSpec> expected(Graph g) {
        Map<String, WeightSpec> out = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            List<Shape> ins = n.inputs().stream().map(g::shapeOf).toList();
            for (WeightSpec w : n.op().weights(n.attrs(), ins)) {
                out.put(n.name() + "." + w.name(), w);
            }
        }
        return out;
    }

    /** Checks {@code weights} against the model; returns warnings (non-finite values). */
    public static List<String> check(Graph g, Map<String, Tensor> weights, String file) throws MismatchException {
        Map<String, WeightSpec> expected = expected(g);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, WeightSpec> e : expected.entrySet()) {
            Tensor t = weights.get(e.getKey());
            long[] want = e.getValue().shape().dims();
            if (t == null) {
                problems.add("missing tensor " + e.getKey() + " " + Shape.of(want));
            } else if (!Arrays.equals(t.shape(), want)) {
                problems.add("tensor " + e.getKey() + " has shape " + t.shapeText() + ", the model needs "
                        + Shape.of(want));
            }
        }
        for (String k : weights.keySet()) {
            if (!expected.containsKey(k)) {
                problems.add("unexpected tensor " + k + " " + weights.get(k).shapeText()
                        + " (no such layer weight in model " + g.name() + ")");
            }
        }
        if (!problems.isEmpty()) {
            // Unexpected tensors first when many: they say most clearly that the file is for another model.
            problems.sort(java.util.Comparator.comparing((String p) -> !p.startsWith("unexpected")));
            int shown = Math.min(problems.size(), 20);
            StringBuilder msg = new StringBuilder(file + ": the weights do not fit model " + g.name() + ":");
            for (String p : problems.subList(0, shown)) {
                msg.append("\n  ").append(p);
            }
            if (problems.size() > shown) {
                msg.append("\n  ... and ").append(problems.size() - shown).append(" more");
            }
            throw new MismatchException(msg.toString());
        }
        List<String> warnings = new ArrayList<>();
        for (String k : expected.keySet()) {
            float[] d = weights.get(k).data();
            int bad = 0;
            for (float v : d) {
                if (!Float.isFinite(v)) {
                    bad++;
                }
            }
            if (bad > 0) {
                warnings.add(file + ": tensor " + k + " has " + bad + " NaN or infinite value" + (bad == 1 ? "" : "s"));
            }
        }
        return warnings;
    }
}
