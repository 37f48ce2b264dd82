package cnnc.compiler.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.CompileException;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.passes.Counting;
import org.junit.jupiter.api.Test;

/**
 * Keras counts the batch axis in {@code axis=} arguments: on a (None, H, W, C) tensor axis=3 (ResNet's and DenseNet's
 * bn_axis, written literally in resnet50.cnn and densenet121.cnn) is the channel axis, axis=1 is H and axis=2 is W.
 * Expected values are Keras' (hand-worked on an 8x6x4 input).
 */
class KerasAxisTest {
    static Graph compile(String body) {
        try {
            return Compiler.compileText("axis.cnn", "model T {\n  input x: [8, 6, 4]\n" + body + "\n}\n");
        } catch (CompileException e) {
            throw new AssertionError(e.diagnostics().render(), e);
        }
    }

    @Test
    void batchNormalizationAxis3IsTheChannelAxis() {
        Graph g = compile("  b = BatchNormalization(axis=3)(x)");
        assertEquals(Shape.of(8, 6, 4), g.shapeOf("b"));
        assertEquals(4 * 4, Counting.count(g).totalParams());   // gamma, beta, moving mean and variance per channel
    }

    @Test
    void concatenateAxis3IsTheChannelAxis() {
        assertEquals(Shape.of(8, 6, 8), compile("  c = Concatenate(axis=3)(x, x)").shapeOf("c"));
    }

    @Test
    void concatenateAxis1IsHeight() {
        assertEquals(Shape.of(16, 6, 4), compile("  c = Concatenate(axis=1)(x, x)").shapeOf("c"));
    }

    @Test
    void concatenateAxis2IsWidth() {
        assertEquals(Shape.of(8, 12, 4), compile("  c = Concatenate(axis=2)(x, x)").shapeOf("c"));
    }
}
