package cnnc.compiler.report;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Node;
import cnnc.compiler.passes.Counting;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cnnc summary --json}, a contract read by tools: {@code {"model", "inputs": [{"name", "shape"}], "layers":
 * [{"name", "type", "inputs", "output_shape", "params", "trainable_params", "macs"}], "outputs", "total_params",
 * "trainable_params", "non_trainable_params", "total_macs"}}. Shapes exclude the batch axis; layers are in definition
 * order; {@code type} is the canonical Keras class name.
 */
public final class SummaryJson {
    private SummaryJson() {}

    public static Map<String, Object> object(Graph g, Counting.ModelCounts counts) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("model", g.name());
        List<Object> inputs = new ArrayList<>();
        for (GraphInput in : g.inputs()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", in.name());
            o.put("shape", dims(in.shape().dims()));
            inputs.add(o);
        }
        root.put("inputs", inputs);
        List<Object> layers = new ArrayList<>();
        for (Node n : g.nodes()) {
            Counting.LayerCounts c = counts.layers().get(n.name());
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", n.name());
            o.put("type", n.op().name());
            o.put("inputs", new ArrayList<>(n.inputs()));
            o.put("output_shape", dims(n.shape().dims()));
            o.put("params", c.params());
            o.put("trainable_params", c.trainableParams());
            o.put("macs", c.macs());
            layers.add(o);
        }
        root.put("layers", layers);
        root.put("outputs", new ArrayList<>(g.outputs()));
        root.put("total_params", counts.totalParams());
        root.put("trainable_params", counts.trainableParams());
        root.put("non_trainable_params", counts.nonTrainableParams());
        root.put("total_macs", counts.macs());
        return root;
    }

    public static String render(Graph g, Counting.ModelCounts counts) {
        return Json.write(object(g, counts)) + "\n";
    }

    /** The contract object plus {@code peak_activation_bytes}: one example's planned activation memory. */
    public static String render(Graph g, Counting.ModelCounts counts, long peakActivationBytes) {
        Map<String, Object> o = object(g, counts);
        o.put("peak_activation_bytes", peakActivationBytes);
        return Json.write(o) + "\n";
    }

    private static List<Object> dims(long[] dims) {
        List<Object> out = new ArrayList<>();
        for (long d : dims) {
            out.add(d);
        }
        return out;
    }
}
