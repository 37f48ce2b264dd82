/**
 * Runs the Java backend in-process: generated source compiled in memory (javax.tools), loaded, bound to weights and
 * called through one uniform {@code run(inputs, outputs, batch)}. Depends on codegen and the compiler IR.
 */
package cnnc.runtime.java;
