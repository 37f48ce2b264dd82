/** The {@code cnnc} command line (picocli): thin commands over the compiler; no logic of its own. */
package cnnc.cli;
