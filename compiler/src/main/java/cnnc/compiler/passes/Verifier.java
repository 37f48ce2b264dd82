package cnnc.compiler.passes;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Node;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks the IR's invariants between passes (tests run it after every pass): unique value names, inputs defined
 * before use (topological order), input counts within the op's arity, outputs defined, and — once shapes are
 * inferred — every node shaped consistently with its op's rule. Fails naming the node and its inputs.
 */
public final class Verifier {
    private Verifier() {}

    /** Thrown when the IR breaks an invariant: a compiler bug, never a user error. */
    public static final class IrInvariantException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        IrInvariantException(String message) {
            super(message);
        }
    }

    public static void verify(Graph g, boolean shaped) {
        Set<String> defined = new HashSet<>();
        for (GraphInput in : g.inputs()) {
            if (!defined.add(in.name())) {
                fail("input %" + in.name() + " is defined twice");
            }
        }
        for (Node n : g.nodes()) {
            for (String i : n.inputs()) {
                if (!defined.contains(i)) {
                    fail("%" + n.name() + " = " + n.op().name() + n.inputs() + " reads %" + i
                            + ", which is not defined before it");
                }
            }
            if (n.inputs().size() < n.op().minInputs() || n.inputs().size() > n.op().maxInputs()) {
                fail("%" + n.name() + " = " + n.op().name() + " has " + n.inputs().size() + " inputs " + n.inputs());
            }
            if (!defined.add(n.name())) {
                fail("%" + n.name() + " is defined twice");
            }
            if (shaped) {
                if (n.shape() == null) {
                    fail("%" + n.name() + " has no shape");
                }
                try {
                    var ins = n.inputs().stream().map(g::shapeOf).toList();
                    var expected = n.op().inferShape(n.attrs(), ins);
                    if (!expected.equals(n.shape())) {
                        fail("%" + n.name() + " has shape " + n.shape() + " but its rule gives " + expected
                                + " for inputs " + n.inputs());
                    }
                } catch (cnnc.compiler.ir.ShapeException e) {
                    fail("%" + n.name() + " fails its shape rule: " + e.getMessage());
                }
            }
        }
        for (String o : g.outputs()) {
            if (!defined.contains(o)) {
                fail("output %" + o + " is not defined");
            }
        }
    }

    private static void fail(String message) {
        throw new IrInvariantException(message);
    }
}
