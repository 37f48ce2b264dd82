/**
 * Passes over the IR, each a pure {@code Graph → Graph} function in its own file, run in order by
 * {@link cnnc.compiler.passes.Pipeline}; analyses (counting) and the IR verifier. Depends on {@code ir},
 * {@code diag}.
 */
package cnnc.compiler.passes;
