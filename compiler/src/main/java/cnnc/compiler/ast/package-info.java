/**
 * The abstract syntax tree of a .cnn file: immutable records carrying source spans, built from the ANTLR parse tree
 * by {@link cnnc.compiler.ast.AstBuilder} and printed back as canonical text by {@link cnnc.compiler.ast.AstPrinter}.
 * Depends on {@code cnnc.grammar} and {@code cnnc.compiler.diag} only.
 */
package cnnc.compiler.ast;
