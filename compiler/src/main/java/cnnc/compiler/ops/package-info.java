/**
 * The op registry: every layer cnnc knows, each defined once in its own file (Keras name and aliases, argument
 * schema, shape rule, weights, MAC count, fusion kind), plus the argument types and window arithmetic they share.
 * Depends on {@code cnnc.compiler.ir} and {@code cnnc.compiler.diag}.
 */
package cnnc.compiler.ops;
