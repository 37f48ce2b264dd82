/**
 * The reference interpreter: the slow, plain-loop, double-precision definition of every op, against which the
 * generated backends are tested. Depends on {@code ir} (ops supply their own reference definitions).
 */
package cnnc.compiler.interp;
