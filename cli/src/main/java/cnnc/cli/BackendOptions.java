package cnnc.cli;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.java.CompiledModel;
import cnnc.runtime.java.InMemoryJavac;
import cnnc.runtime.java.JavaBackend;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --threads}, shared by the commands that execute a model. */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "java",
            description = "Where to run: ${COMPLETION-CANDIDATES} (default: java).")
    Backend backend;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: all processors).")
    Integer threads;

    /** The backends cnnc has. */
    enum Backend { java }

    int threads() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new UserError("cnnc: error: --threads must be at least 1, got " + t, Main.EXIT_USAGE);
        }
        return t;
    }

    CompiledModel compile(Graph g, Map<String, Tensor> weights) {
        try {
            return JavaBackend.compile(g, weights, threads());
        } catch (InMemoryJavac.NoCompilerException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        }
    }
}
