package cnnc.compiler.passes;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.ir.FusedOp;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ops.Activation;
import cnnc.compiler.ops.grad.Grads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses the training graph's layers with their activations again, so that a training step runs conv or dense, bias
 * and activation as one kernel, as inference does. The autodiff pass splits each activation off its layer
 * ({@code X/linear}, then {@code X}), because the activation's derivative f'(x) reads the pre-activation x. For the
 * activations whose derivative is a function of their output y alone — relu (y > 0), relu6 (0 < y < 6), leaky_relu
 * (1 for y ≥ 0, else 0.2), elu (1 for y > 0, else y + 1), sigmoid (y(1 − y)), tanh (1 − y²) — this pass rewrites
 * the derivative to read y (attribute {@code of=output}) and, when nothing else reads {@code X/linear}, replaces the
 * pair with one {@link FusedOp} named {@code X}. Pure: the graph computes the same values (the derivatives equal
 * the pre-activation forms exactly, up to rounding for sigmoid, tanh and elu).
 */
public final class FuseTraining implements Pass {
    private static final Set<Activation> OF_OUTPUT = Set.of(Activation.RELU, Activation.RELU6,
            Activation.LEAKY_RELU, Activation.ELU, Activation.SIGMOID, Activation.TANH);

    @Override
    public String name() {
        return "fuse-training";
    }

    @Override
    public Graph run(Graph g, Diagnostics diags) {
        Map<String, Node> fused = new HashMap<>();
        Map<String, Node> rewritten = new HashMap<>();
        Set<String> dropped = new HashSet<>();
        for (Node act : g.nodes()) {
            if (!act.op().name().equals("Activation") || !OF_OUTPUT.contains(act.attrs().get("activation",
                    Activation.class))) {
                continue;
            }
            String pre = act.inputs().get(0);
            Node anchor = g.node(pre);
            if (anchor == null || !pre.equals(act.name() + "/linear") || g.outputs().contains(pre)) {
                continue;
            }
            String fn = act.attrs().get("activation", Activation.class).kerasName();
            List<Node> grads = new ArrayList<>();
            boolean alone = true;
            for (Node c : g.consumers(pre)) {
                if (c == act) {
                    continue;
                }
                if (c.op() == Grads.POINTWISE_GRAD && c.inputs().get(0).equals(pre) && !c.inputs().get(1).equals(pre)
                        && fn.equals(c.attrs().getString("fn"))) {
                    grads.add(c);
                } else {
                    alone = false;
                }
            }
            if (!alone) {
                continue;
            }
            for (Node d : grads) {
                rewritten.put(d.name(), new Node(d.name(), d.op(), d.attrs().toBuilder().put("of", "output").build(),
                        List.of(act.name(), d.inputs().get(1)), d.shape(), d.span()));
            }
            fused.put(act.name(), new Node(act.name(), new FusedOp(anchor, List.of(act), null, false),
                    cnnc.compiler.ir.Attrs.empty(), anchor.inputs(), act.shape(), act.span()));
            dropped.add(pre);
        }
        List<Node> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (dropped.contains(n.name())) {
                continue;
            }
            out.add(fused.getOrDefault(n.name(), rewritten.getOrDefault(n.name(), n)));
        }
        return g.withNodes(out);
    }
}
