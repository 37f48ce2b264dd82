/**
 * Reports over a shaped graph: Keras' summary table, the summary JSON contract and a JSON writer. Depends on
 * {@code ir} and {@code passes}.
 */
package cnnc.compiler.report;
