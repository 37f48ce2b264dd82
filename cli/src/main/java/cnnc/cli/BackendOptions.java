package cnnc.cli;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.exec.Executable;
import cnnc.runtime.opencl.ClExecutable;
import cnnc.runtime.java.InMemoryJavac;
import cnnc.runtime.java.JavaBackend;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --backend} and {@code --threads}, shared by the commands that execute a model. */
final class BackendOptions {
    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "java",
            description = "Where to run: ${COMPLETION-CANDIDATES} (default: java).")
    Backend backend;

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: all processors; java only).")
    Integer threads;

    @Option(names = "--device", paramLabel = "N|NAME", description = "OpenCL device: its number in cnnc devices, or"
            + " text in its name or platform (default: the first GPU, else the first device).")
    String device;

    /** The backends cnnc has. */
    enum Backend { java, opencl }

    int threads() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new UserError("cnnc: error: --threads must be at least 1, got " + t, Main.EXIT_USAGE);
        }
        return t;
    }

    /** The model compiled for the chosen backend; {@code profiling} times OpenCL kernels. */
    Executable compile(Graph g, Map<String, Tensor> weights, boolean profiling) {
        if (backend == Backend.opencl) {
            return ClExecutable.compile(g, weights, device, profiling);
        }
        if (device != null) {
            throw new UserError("cnnc: error: --device picks an OpenCL device; add --backend opencl",
                    Main.EXIT_USAGE);
        }
        try {
            return JavaBackend.compile(g, weights, threads());
        } catch (InMemoryJavac.NoCompilerException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        }
    }
}
