/**
 * The Java backend: renders a fused, shaped IR graph as one specialized Java class per model with JavaPoet —
 * one method per fused group, every shape, stride and padding a literal, weights packed at construction. The
 * generated class depends on nothing but the JDK. Depends on {@code cnnc.compiler} (IR, passes) only.
 */
package cnnc.codegen.java;
