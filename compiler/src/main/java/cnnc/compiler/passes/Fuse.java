package cnnc.compiler.passes;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.ir.Attrs;
import cnnc.compiler.ir.FusedOp;
import cnnc.compiler.ir.FusionKind;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.IntPair;
import cnnc.compiler.ir.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups ops into kernels by fusion kind, after TVM's FuseOps (inference): an {@code OUT_ELEMWISE_FUSABLE} anchor
 * (conv, depthwise, separable, dense), a {@code REDUCE_WINDOW} (pooling) or a global pooling absorbs the chain of
 * {@code ELEMWISE} and {@code BROADCAST} ops that follow it, as long as each value has that op as its only consumer
 * and is not a model output; a conv-like anchor also absorbs a following pool with non-overlapping windows
 * (strides ≥ pool size), so each pooled value is computed straight from the conv. A BatchNormalization directly
 * after a linear anchor is folded into the anchor's weights. Elementwise ops with no anchor before them group
 * together; injective ops and softmax stay alone. Dropout, the identity at inference, is removed first.
 */
public final class Fuse implements Pass {
    @Override
    public String name() {
        return "fuse";
    }

    @Override
    public Graph run(Graph g, Diagnostics diags) {
        g = removeDropout(g);
        Map<String, Integer> uses = new HashMap<>();
        for (Node n : g.nodes()) {
            for (String i : n.inputs()) {
                uses.merge(i, 1, Integer::sum);
            }
        }
        Set<String> outputs = new HashSet<>(g.outputs());
        Map<String, Node> consumer = new HashMap<>();
        for (Node n : g.nodes()) {
            for (String i : n.inputs()) {
                consumer.put(i, n);
            }
        }
        Set<String> taken = new HashSet<>();
        Map<String, Node> groupAt = new HashMap<>();
        for (Node n : g.nodes()) {
            if (taken.contains(n.name())) {
                continue;
            }
            FusionKind kind = n.op().fusionKind(n.attrs());
            Node anchor = null;
            List<Node> epilogue = new ArrayList<>();
            boolean absorbs;
            switch (kind) {
                case OUT_ELEMWISE_FUSABLE, REDUCE_WINDOW -> {
                    anchor = n;
                    absorbs = true;
                }
                case REDUCE -> {
                    anchor = n;
                    absorbs = n.op().name().startsWith("Global");
                }
                case ELEMWISE, BROADCAST -> {
                    epilogue.add(n);
                    absorbs = true;
                }
                default -> {
                    anchor = n;
                    absorbs = false;
                }
            }
            taken.add(n.name());
            Node cur = n;
            Node pool = null;
            while (absorbs) {
                Node c = consumer.get(cur.name());
                if (c == null || uses.getOrDefault(cur.name(), 0) != 1 || outputs.contains(cur.name())
                        || taken.contains(c.name())) {
                    break;
                }
                FusionKind ck = c.op().fusionKind(c.attrs());
                if (ck == FusionKind.ELEMWISE || (ck == FusionKind.BROADCAST && readsOnce(c, cur.name()))) {
                    epilogue.add(c);
                } else if (ck == FusionKind.REDUCE_WINDOW && anchor != null && anchor == n
                        && kind == FusionKind.OUT_ELEMWISE_FUSABLE && isConvLike(anchor) && nonOverlapping(c)) {
                    pool = c;
                } else {
                    break;
                }
                taken.add(c.name());
                cur = c;
                if (pool != null) {
                    break;
                }
            }
            if (anchor != null && epilogue.isEmpty() && pool == null) {
                groupAt.put(n.name(), n);
                continue;
            }
            boolean fold = anchor != null && kind == FusionKind.OUT_ELEMWISE_FUSABLE && !epilogue.isEmpty()
                    && epilogue.get(0).op().name().equals("BatchNormalization")
                    && anchor.attrs().get("activation").toString().equals("linear");
            FusedOp op = new FusedOp(anchor, epilogue, pool, fold);
            List<String> inputs = new ArrayList<>(op.members().get(0).inputs());
            Set<String> internal = new HashSet<>();
            for (Node m : op.members()) {
                internal.add(m.name());
            }
            for (Node m : op.members().subList(1, op.members().size())) {
                for (String i : m.inputs()) {
                    if (!internal.contains(i) && !inputs.contains(i)) {
                        inputs.add(i);
                    }
                }
            }
            groupAt.put(cur.name(), new Node(cur.name(), op, Attrs.empty(), inputs, cur.shape(), n.span()));
        }
        List<Node> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            Node grouped = groupAt.get(n.name());
            if (grouped != null) {
                out.add(grouped);
            }
        }
        return g.withNodes(out);
    }

    private static boolean readsOnce(Node c, String value) {
        return c.inputs().stream().filter(value::equals).count() == 1;
    }

    private static boolean isConvLike(Node n) {
        String op = n.op().name();
        return op.equals("Conv2D") || op.equals("DepthwiseConv2D") || op.equals("SeparableConv2D");
    }

    private static boolean nonOverlapping(Node pool) {
        IntPair k = pool.attrs().getPair("pool_size");
        Object s = pool.attrs().get("strides");
        IntPair st = s == null ? k : (IntPair) s;
        return st.h() >= k.h() && st.w() >= k.w();
    }

    /** Dropout is the identity at inference: its readers read its input instead (unless it is a model output). */
    private static Graph removeDropout(Graph g) {
        Map<String, String> replace = new HashMap<>();
        List<Node> out = new ArrayList<>();
        Set<String> outputs = new HashSet<>(g.outputs());
        for (Node n : g.nodes()) {
            List<String> ins = n.inputs().stream().map(i -> replace.getOrDefault(i, i)).toList();
            if (n.op().name().equals("Dropout") && !outputs.contains(n.name())) {
                replace.put(n.name(), ins.get(0));
                continue;
            }
            out.add(ins.equals(n.inputs()) ? n : n.withInputs(ins));
        }
        return g.withNodes(out);
    }
}
