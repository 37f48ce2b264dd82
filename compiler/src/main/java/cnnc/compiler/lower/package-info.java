/**
 * Lowering from AST to IR: name resolution, argument binding against the op registry ({@code ArgBinder}), expression
 * evaluation ({@code Evaluator}), block and repeat expansion, Keras auto-naming ({@code Namer}), and error reporting
 * with the block instance an error arose in ({@code Errors}). Depends on {@code ast}, {@code ir}, {@code ops} and
 * {@code diag}.
 */
package cnnc.compiler.lower;
