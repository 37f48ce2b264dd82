/**
 * Source files, spans and diagnostics in the {@code FILE:LINE:COL: error: MESSAGE} format. Depends on nothing else in
 * cnnc; every other compiler package reports through it.
 */
package cnnc.compiler.diag;
