package cnnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.ir.FusedOp;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Node;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link FuseTraining} on the Fashion-MNIST model: which pairs fuse, and how the derivatives are rewritten. */
class FuseTrainingTest {
    private static final String MODEL = """
            model FashionNet {
              input [28, 28, 1]
              Conv2D(16, kernel_size=3, padding=same, activation=relu)
              MaxPooling2D(2)
              Flatten()
              Dense(128, activation=relu)
              Dense(10, activation=softmax)
            }
            """;

    @Test
    void layersFuseWithTheirActivationsButNotWithTheSoftmaxTheLossReads() throws Exception {
        Graph train = new Grad(null).run(Compiler.compileText("f.cnn", MODEL), new Diagnostics());
        Graph fused = new FuseTraining().run(train, new Diagnostics());
        List<String> groups = fused.nodes().stream().filter(n -> n.op() instanceof FusedOp).map(Node::name).toList();
        assertEquals(List.of("conv2d", "dense"), groups);
        FusedOp conv = (FusedOp) fused.node("conv2d").op();
        assertEquals("conv2d/linear", conv.anchor().name());
        assertEquals(List.of("input"), fused.node("conv2d").inputs());
        assertTrue(fused.node("conv2d/linear") == null && fused.node("dense/linear") == null);
        assertTrue(fused.node("dense_1/linear") != null, "the logits feed the fused softmax cross-entropy");
        Node relu = fused.node("grad/conv2d/dx");
        assertEquals("output", relu.attrs().getString("of"));
        assertEquals("conv2d", relu.inputs().get(0));
        assertFalse(train.node("grad/conv2d/dx").attrs().has("of"), "the pass leaves its input unchanged");
        assertEquals(train.outputs(), fused.outputs());
    }

    @Test
    void anActivationWhoseDerivativeNeedsItsInputStaysSplit() throws Exception {
        Graph train = new Grad(null).run(Compiler.compileText("s.cnn", MODEL.replace("activation=relu)\n  MaxPool",
                "activation=swish)\n  MaxPool")), new Diagnostics());
        Graph fused = new FuseTraining().run(train, new Diagnostics());
        assertEquals(List.of("dense"), fused.nodes().stream().filter(n -> n.op() instanceof FusedOp)
                .map(Node::name).toList());
        assertEquals("conv2d/linear", fused.node("grad/conv2d/dx").inputs().get(0));
    }
}
