package cnnc.compiler.ir;

/**
 * How an op combines with its neighbours in fusion, after TVM's {@code OpPatternKind}: the fusion pass groups ops by
 * these kinds, never by op name.
 */
public enum FusionKind {
    /** Each output element depends on the same input element (activations, bias, scale, inference dropout). */
    ELEMWISE,
    /** Elementwise over several inputs of one shape (Add). */
    BROADCAST,
    /** Each output element is one input element moved (reshape, flatten, padding, concatenation). */
    INJECTIVE,
    /** A window reduction over the spatial axes (max, average and L2 pooling). */
    REDUCE_WINDOW,
    /** A reduction over whole axes (global pooling, softmax). */
    REDUCE,
    /** A contraction whose output can absorb elementwise ops that follow (conv, depthwise, dense). */
    OUT_ELEMWISE_FUSABLE,
    /** Never fused. */
    OPAQUE
}
