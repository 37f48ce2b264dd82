package cnnc.compiler.report;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;

/** Facts about a graph's structure that reports need. */
public final class ModelView {
    private ModelView() {}

    /**
     * Whether the graph is a plain chain (one input; each layer reads exactly the previous one; the last layer is the
     * only output), which Keras prints like a {@code Sequential} model: no InputLayer row, no "Connected to" column.
     */
    public static boolean isSequential(Graph g) {
        if (g.inputs().size() != 1 || g.outputs().size() != 1 || g.nodes().isEmpty()) {
            return false;
        }
        String prev = g.inputs().get(0).name();
        for (Node n : g.nodes()) {
            if (n.inputs().size() != 1 || !n.inputs().get(0).equals(prev)) {
                return false;
            }
            prev = n.name();
        }
        return g.outputs().get(0).equals(prev);
    }
}
