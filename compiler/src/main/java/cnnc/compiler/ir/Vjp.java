package cnnc.compiler.ir;

import java.util.List;

/**
 * What an op's vector-Jacobian rule builds with: the forward node, the name of the value holding the gradient of the
 * loss with respect to its output, and ways to add backward nodes (ordinary IR) and to hand gradients back for its
 * inputs and weights. Used by the autodiff pass ({@code cnnc.compiler.passes.Grad}), once per forward node, in
 * reverse topological order.
 */
public interface Vjp {

    /** The forward node being differentiated. */
    Node node();

    /** The value holding dL/d(output of {@link #node()}), same shape as the output. */
    String grad();

    /** The per-example shape of forward input {@code i}. */
    Shape inputShape(int i);

    /** Whether the gradient of forward input {@code i} is needed (some trainable weight lies behind it). */
    boolean needsInput(int i);

    /** Whether the gradients of this layer's weights are needed (the layer is trainable). */
    boolean needsWeights();

    /**
     * Adds a backward node and returns the name of the value it produces.
     *
     * @param hint a short name part ({@code "dx"}, {@code "dkernel"}) for readable IR
     */
    String emit(String hint, Op op, Attrs attrs, List<String> inputs, Shape shape);

    /** Contributes {@code value} to the gradient of forward input {@code i} (contributions are summed). */
    void inputGrad(int i, String value);

    /** Sets the gradient of this layer's weight {@code weight} (a Keras weight name such as {@code kernel}). */
    void weightGrad(String weight, String value);
}
