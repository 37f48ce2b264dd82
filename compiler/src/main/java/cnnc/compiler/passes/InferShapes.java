package cnnc.compiler.passes;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.Span;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives every node its output shape, in one forward walk, from its op's shape rule. A node whose rule fails is
 * reported (at the argument at fault where the rule names one) and the nodes that depend on it are skipped silently,
 * so that one mistake yields one error. Linear in the number of nodes.
 */
public final class InferShapes implements Pass {
    @Override
    public String name() {
        return "shapes";
    }

    @Override
    public Graph run(Graph g, Diagnostics diags) {
        java.util.Map<String, Shape> shapes = new java.util.HashMap<>();
        for (var in : g.inputs()) {
            shapes.put(in.name(), in.shape());
        }
        List<Node> out = new ArrayList<>(g.nodes().size());
        boolean failed = false;
        long params = 0;
        long macs = 0;
        for (Node n : g.nodes()) {
            List<Shape> ins = new ArrayList<>();
            boolean known = true;
            for (String i : n.inputs()) {
                Shape s = shapes.get(i);
                if (s == null) {
                    known = false;
                    break;
                }
                ins.add(s);
            }
            if (!known) {
                failed = true;
                out.add(n);
                continue;
            }
            try {
                Shape s = n.op().inferShape(n.attrs(), ins);
                for (long d : s.dims()) {
                    if (d < 1) {
                        throw new ShapeException("the output shape " + s + " has an empty dimension");
                    }
                }
                s.size();
                Node shaped = n.withShape(s);
                Counting.LayerCounts c = Counting.count(shaped, ins);
                params = Math.addExact(params, c.params());
                macs = Math.addExact(macs, c.macs());
                shapes.put(n.name(), s);
                out.add(shaped);
            } catch (ShapeException e) {
                Span at = e.argument() != null && n.attrs().span(e.argument()) != null
                        ? n.attrs().span(e.argument()) : n.span();
                diags.error(at, "layer `" + n.name() + "`: " + e.getMessage());
                failed = true;
                out.add(n);
            } catch (ArithmeticException e) {
                diags.error(n.span(), "layer `" + n.name() + "`: its size, parameter or MAC count (or the model's"
                        + " running total) overflows 64 bits");
                failed = true;
                out.add(n);
            }
        }
        return failed ? null : g.withNodes(out);
    }
}
