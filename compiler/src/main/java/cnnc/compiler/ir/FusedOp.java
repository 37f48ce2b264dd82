package cnnc.compiler.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A fused group: one kernel made of an anchor op (a contraction, window or reduction; null for a group of
 * elementwise ops alone), the elementwise ops applied to its output in order (the epilogue: batch norm, activations,
 * scaling, residual adds), and optionally a trailing pooling computed straight from the anchor's output without
 * storing it. {@code bnFolded} says the epilogue's first op is a BatchNormalization folded into the anchor's weights
 * (inference only: kernel·gamma/sqrt(var+eps), (bias-mean)·gamma/sqrt(var+eps)+beta, per output channel).
 *
 * <p>The fused node's inputs are the anchor's (or first op's) inputs followed by the extra operands of epilogue adds;
 * its name is the name of the value it produces (its last member), so consumers and outputs are unchanged.
 */
public final class FusedOp implements Op {
    private final Node anchor;
    private final List<Node> epilogue;
    private final Node pool;
    private final boolean bnFolded;

    public FusedOp(Node anchor, List<Node> epilogue, Node pool, boolean bnFolded) {
        if (anchor == null && epilogue.isEmpty()) {
            throw new IllegalArgumentException("an empty group");
        }
        this.anchor = anchor;
        this.epilogue = List.copyOf(epilogue);
        this.pool = pool;
        this.bnFolded = bnFolded;
    }

    public Node anchor() {
        return anchor;
    }

    public List<Node> epilogue() {
        return epilogue;
    }

    public Node pool() {
        return pool;
    }

    public boolean bnFolded() {
        return bnFolded;
    }

    /** The members in execution order. */
    public List<Node> members() {
        List<Node> out = new ArrayList<>();
        if (anchor != null) {
            out.add(anchor);
        }
        out.addAll(epilogue);
        if (pool != null) {
            out.add(pool);
        }
        return out;
    }

    /** The value the group produces before its pool (the anchor's or last epilogue op's output). */
    public Node beforePool() {
        return epilogue.isEmpty() ? anchor : epilogue.get(epilogue.size() - 1);
    }

    @Override
    public String name() {
        return "Fused";
    }

    @Override
    public List<ArgSpec> args() {
        return List.of();
    }

    @Override
    public int maxInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Shape inferShape(Attrs attrs, List<Shape> inputs) {
        return members().get(members().size() - 1).shape();
    }

    /** The members' weights, named {@code <member>.<weight>} (already the full key). */
    @Override
    public List<WeightSpec> weights(Attrs attrs, List<Shape> inputs) {
        List<WeightSpec> out = new ArrayList<>();
        for (Node m : members()) {
            for (WeightSpec w : m.op().weights(m.attrs(), memberInputShapes(m, inputs))) {
                out.add(new WeightSpec(m.op().weightLayer(m.attrs(), m.name()) + "." + w.name(), w.shape(),
                        w.trainable()));
            }
        }
        return out;
    }

    private List<Shape> memberInputShapes(Node m, List<Shape> groupInputs) {
        // Members other than the first read their predecessor plus, for adds, group inputs; only the first member's
        // inputs matter for weights (anchors are first), and the shapes recorded on members cover the rest.
        if (m == members().get(0)) {
            return groupInputs.subList(0, m.inputs().size());
        }
        Node prev = members().get(members().indexOf(m) - 1);
        List<Shape> out = new ArrayList<>();
        for (int i = 0; i < m.inputs().size(); i++) {
            out.add(prev.shape());
        }
        return out;
    }

    @Override
    public long macs(Attrs attrs, List<Shape> inputs, Shape output) {
        return 0;
    }

    @Override
    public FusionKind fusionKind() {
        return FusionKind.OPAQUE;
    }

    /**
     * Runs the members' reference definitions in order; {@code weights} are keyed {@code <layer>.<weight>}, the layer
     * being the member's weight layer (its name, or its {@code layer} attribute in a training graph).
     */
    @Override
    public NDArray reference(Attrs attrs, List<NDArray> inputs, Map<String, NDArray> weights) {
        Map<String, NDArray> values = new HashMap<>();
        List<Node> ms = members();
        Node first = ms.get(0);
        for (int i = 0; i < first.inputs().size(); i++) {
            values.put(first.inputs().get(i), inputs.get(i));
        }
        int extra = first.inputs().size();
        NDArray cur = null;
        for (Node m : ms) {
            List<NDArray> ins = new ArrayList<>();
            for (String in : m.inputs()) {
                NDArray v = values.get(in);
                if (v == null) {
                    v = inputs.get(extra++);
                    values.put(in, v);
                }
                ins.add(v);
            }
            Map<String, NDArray> w = new HashMap<>();
            String prefix = m.op().weightLayer(m.attrs(), m.name()) + ".";
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                if (e.getKey().startsWith(prefix) && e.getKey().indexOf('.', prefix.length()) < 0) {
                    w.put(e.getKey().substring(prefix.length()), e.getValue());
                }
            }
            cur = m.op().reference(m.attrs(), ins, w);
            values.put(m.name(), cur);
        }
        return cur;
    }

    /** {@code Conv2D(...) -> BatchNormalization[folded] -> ReLU(...) -> MaxPooling2D(...)}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Node m : members()) {
            String s = m.op().name() + "[" + m.name() + "]";
            if (bnFolded && !epilogue.isEmpty() && m == epilogue.get(0)) {
                s += "{folded}";
            }
            parts.add(s);
        }
        return parts.stream().collect(Collectors.joining(" -> "));
    }
}
