package cnnc.compiler.passes;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.WeightSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter and multiply-accumulate counts of a shaped graph, per layer and in total, from the op registry's weight
 * specs and MAC rules. All counts are 64-bit and exact (overflow is an error, not a wrap).
 */
public final class Counting {
    private Counting() {}

    /** One layer's counts. */
    public record LayerCounts(long params, long trainableParams, long macs) {
        public long nonTrainableParams() {
            return params - trainableParams;
        }
    }

    /** A model's counts: per layer in definition order, and the totals. */
    public record ModelCounts(Map<String, LayerCounts> layers, long totalParams, long trainableParams, long macs) {
        public long nonTrainableParams() {
            return totalParams - trainableParams;
        }
    }

    public static LayerCounts count(Graph g, Node n) {
        List<Shape> ins = new ArrayList<>();
        for (String i : n.inputs()) {
            ins.add(g.shapeOf(i));
        }
        return count(n, ins);
    }

    /** One shaped node's counts given its input shapes; {@link ArithmeticException} on 64-bit overflow. */
    public static LayerCounts count(Node n, List<Shape> ins) {
        long params = 0;
        long trainable = 0;
        for (WeightSpec w : n.op().weights(n.attrs(), ins)) {
            long size = w.shape().size();
            params = Math.addExact(params, size);
            if (w.trainable()) {
                trainable = Math.addExact(trainable, size);
            }
        }
        return new LayerCounts(params, trainable, n.op().macs(n.attrs(), ins, n.shape()));
    }

    /** Counts every layer of a graph whose shapes are inferred. */
    public static ModelCounts count(Graph g) {
        Map<String, LayerCounts> layers = new LinkedHashMap<>();
        long params = 0;
        long trainable = 0;
        long macs = 0;
        for (Node n : g.nodes()) {
            LayerCounts c = count(g, n);
            layers.put(n.name(), c);
            params = Math.addExact(params, c.params());
            trainable = Math.addExact(trainable, c.trainableParams());
            macs = Math.addExact(macs, c.macs());
        }
        return new ModelCounts(layers, params, trainable, macs);
    }
}
