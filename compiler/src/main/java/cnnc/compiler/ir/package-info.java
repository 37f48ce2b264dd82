/**
 * The IR: an immutable DAG of typed ops ({@link cnnc.compiler.ir.Graph}, {@link cnnc.compiler.ir.Node}), shapes,
 * bound attributes and the {@link cnnc.compiler.ir.Op} interface that every layer implements. Printable as text.
 * Depends only on {@code cnnc.compiler.diag}; the stages after the compiler share nothing else.
 */
package cnnc.compiler.ir;
