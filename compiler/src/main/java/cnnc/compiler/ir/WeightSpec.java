package cnnc.compiler.ir;

/**
 * One weight tensor of a layer, with Keras' name and layout (Conv2D {@code kernel} is [kh, kw, cin, filters]).
 * Weights are keyed {@code <layer>.<name>} in weight files.
 */
public record WeightSpec(String name, Shape shape, boolean trainable) {}
