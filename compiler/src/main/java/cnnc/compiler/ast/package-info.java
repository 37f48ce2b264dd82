/**
 * Text to AST and back. {@link cnnc.compiler.ast.Sources} turns bytes into source text (rejecting empty, binary and
 * non-UTF-8 files); {@link cnnc.compiler.ast.Parser} runs the ANTLR parser, after {@link cnnc.compiler.ast.NestingLimit}
 * has guarded against pathological nesting, with {@link cnnc.compiler.ast.LineRecovery} and
 * {@link cnnc.compiler.ast.SyntaxErrors} turning syntax errors into messages about the language; the AST is
 * immutable records carrying source spans, built by {@link cnnc.compiler.ast.AstBuilder} and printed back as
 * canonical text by {@link cnnc.compiler.ast.AstPrinter}. Depends on {@code cnnc.grammar} and
 * {@code cnnc.compiler.diag} only.
 */
package cnnc.compiler.ast;
