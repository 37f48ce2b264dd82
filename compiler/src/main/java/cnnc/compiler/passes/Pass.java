package cnnc.compiler.passes;

import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.ir.Graph;

/** A pure IR → IR function with a name ({@code cnnc ir FILE --after NAME}). Reports problems through diagnostics. */
public interface Pass {
    String name();

    /** The transformed graph, or null when the pass reported errors that leave no meaningful graph. */
    Graph run(Graph graph, Diagnostics diags);
}
