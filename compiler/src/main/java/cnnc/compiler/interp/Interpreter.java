package cnnc.compiler.interp;

import cnnc.compiler.ir.FusedOp;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.ir.WeightSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: runs a shaped graph node by node with each op's {@code reference} definition (a fused
 * group runs its members in turn), in double precision. Slow on purpose; it is what every backend is checked
 * against.
 */
public final class Interpreter {
    private Interpreter() {}

    /**
     * Runs {@code g} on a batch. {@code weights} are keyed {@code <layer>.<weight>} (Keras layouts); {@code inputs} by
     * input name, each [N, ...the input's shape]. Returns the outputs by output name.
     */
    public static Map<String, Tensor> run(Graph g, Map<String, Tensor> weights, Map<String, Tensor> inputs) {
        Map<String, NDArray> all = runAll(g, weights, inputs);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String o : g.outputs()) {
            out.put(o, all.get(o).toTensor());
        }
        return out;
    }

    /** Every value of the graph (inputs and node outputs) by name, in double precision. */
    public static Map<String, NDArray> runAll(Graph g, Map<String, Tensor> weights, Map<String, Tensor> inputs) {
        Map<String, NDArray> w = new HashMap<>();
        weights.forEach((k, v) -> w.put(k, NDArray.of(v)));
        Map<String, NDArray> x = new HashMap<>();
        inputs.forEach((k, v) -> x.put(k, NDArray.of(v)));
        return runExact(g, w, x);
    }

    /** Like {@link #runAll} with weights and inputs already in double precision (gradient checks need that). */
    public static Map<String, NDArray> runExact(Graph g, Map<String, NDArray> weights, Map<String, NDArray> inputs) {
        Map<String, NDArray> values = new HashMap<>();
        int batch = -1;
        for (GraphInput in : g.inputs()) {
            NDArray t = inputs.get(in.name());
            if (t == null) {
                throw new IllegalArgumentException("no value for input `" + in.name() + "`");
            }
            long[] expected = new long[in.shape().rank() + 1];
            expected[0] = t.dim(0);
            System.arraycopy(in.shape().dims(), 0, expected, 1, in.shape().rank());
            long[] got = Arrays.stream(t.shape()).asLongStream().toArray();
            if (!Arrays.equals(expected, got)) {
                throw new IllegalArgumentException("input `" + in.name() + "` has shape " + Arrays.toString(got)
                        + ", the model expects [N, " + in.shape().toString().substring(1));
            }
            if (batch >= 0 && batch != t.dim(0)) {
                throw new IllegalArgumentException("inputs disagree on the batch size");
            }
            batch = t.dim(0);
            values.put(in.name(), t);
        }
        for (Node n : g.nodes()) {
            List<NDArray> ins = new ArrayList<>();
            for (String i : n.inputs()) {
                ins.add(values.get(i));
            }
            Map<String, NDArray> w = new HashMap<>();
            for (WeightSpec spec : n.op().weights(n.attrs(), n.inputs().stream().map(g::shapeOf).toList())) {
                String key = n.op() instanceof FusedOp ? spec.name()
                        : n.op().weightLayer(n.attrs(), n.name()) + "." + spec.name();
                NDArray t = weights.get(key);
                if (t == null) {
                    throw new IllegalArgumentException("no weight `" + key + "`");
                }
                w.put(spec.name(), t);
            }
            values.put(n.name(), n.op().reference(n.attrs(), ins, w));
        }
        return values;
    }
}
