/**
 * Lowering from AST to IR: name resolution, argument binding against the op registry, block and repeat expansion,
 * Keras auto-naming. Depends on {@code ast}, {@code ir}, {@code ops} and {@code diag}.
 */
package cnnc.compiler.lower;
