package cnnc.compiler.ir;

import java.util.List;

/**
 * One kind of layer, defined once: its Keras name and aliases, argument schema, shape rule, weights (from which
 * parameter counts follow), multiply-accumulate count and fusion kind. Implementations live in
 * {@code cnnc.compiler.ops} and are listed in its registry; passes only talk to this interface.
 *
 * <p>Call order for one node: {@link #args()} binds the arguments, {@link #validate} checks them together,
 * {@link #inferShape} gives the output shape from the input shapes, then {@link #weights} and {@link #macs}.
 */
public interface Op {

    /** The canonical Keras class name, e.g. {@code MaxPooling2D}. */
    String name();

    /** Other names the language accepts for this op, e.g. {@code MaxPool2D}. */
    default List<String> aliases() {
        return List.of();
    }

    /** Keras' automatic layer name stem: the snake_case class name ({@code max_pooling2d}). */
    default String autoName() {
        return Naming.snakeCase(name());
    }

    /** Arguments in the order of the Keras signature (the order positional arguments bind in). */
    List<ArgSpec> args();

    default int minInputs() {
        return 1;
    }

    default int maxInputs() {
        return 1;
    }

    /** Checks that need several arguments at once; throws naming the argument at fault. */
    default void validate(Attrs attrs) throws ShapeException {}

    /** The output shape (without the batch axis) for the given input shapes. */
    Shape inferShape(Attrs attrs, List<Shape> inputs) throws ShapeException;

    /** The layer's weights in Keras' order, names and layouts; parameter counts are their sizes. */
    default List<WeightSpec> weights(Attrs attrs, List<Shape> inputs) {
        return List.of();
    }

    /** Multiply-accumulates of one example's forward pass. */
    default long macs(Attrs attrs, List<Shape> inputs, Shape output) {
        return 0;
    }

    FusionKind fusionKind();

    /** The fusion kind of one application; differs from {@link #fusionKind()} where an argument changes it. */
    default FusionKind fusionKind(Attrs attrs) {
        return fusionKind();
    }

    /**
     * The op's definition at inference: plain loops in double precision over a batch. Inputs and the result carry
     * the batch axis first; {@code weights} holds this layer's weights by Keras name, in Keras layout.
     */
    NDArray reference(Attrs attrs, List<NDArray> inputs, java.util.Map<String, NDArray> weights);

    /**
     * The op's vector-Jacobian rule: given dL/d(output) in {@code ctx}, emits backward IR and hands back the
     * gradients of the inputs and weights that {@code ctx} says are needed. Returns false for ops with no rule
     * (backward ops themselves); the autodiff pass reports those.
     */
    default boolean vjp(Vjp ctx) {
        return false;
    }

    /** Whether the output has the batch axis (weight gradients, summed over the batch, do not). */
    default boolean batched() {
        return true;
    }

    /** The layer whose weights this node reads: its own name, or for backward ops the forward layer's. */
    default String weightLayer(Attrs attrs, String nodeName) {
        return attrs.has("layer") ? attrs.getString("layer") : nodeName;
    }
}
