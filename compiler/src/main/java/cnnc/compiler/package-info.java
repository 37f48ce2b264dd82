/**
 * The cnnc compiler: {@link cnnc.compiler.Compiler} runs text → AST ({@code ast}) → IR ({@code lower}, {@code ir},
 * {@code ops}) → passes ({@code passes}), reporting through {@code diag}; {@code report} renders summaries. Depends on
 * the {@code grammar} module only.
 */
package cnnc.compiler;
