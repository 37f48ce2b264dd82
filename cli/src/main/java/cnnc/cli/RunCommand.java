package cnnc.cli;

import cnnc.compiler.Compiler;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Pipeline;
import cnnc.runtime.io.Npy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cnnc run MODEL.cnn --weights W --input X.npy --output Y.npy [--backend java]}. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a model on .npy inputs (inference).")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions backend;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "The weights.")
    Path weights;

    @Option(names = "--input", required = true, paramLabel = "[NAME=]X.npy",
            description = "An input batch [N, H, W, C] (any numeric dtype, read as float32); NAME= when the model"
                    + " has several inputs.")
    List<String> inputs;

    @Option(names = "--output", required = true, paramLabel = "[NAME=]Y.npy",
            description = "Where to write an output; NAME= when the model has several outputs.")
    List<String> outputs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Graph g = model.compile(Pipeline.analysis(), null, err).graph();
        Map<String, Path> in = Loaded.named(inputs, g.inputs().stream().map(i -> i.name()).toList(), "input", true);
        Map<String, Path> out = Loaded.named(outputs, g.outputs(), "output", false);
        Map<String, Tensor> w = Loaded.weights(g, weights, err);
        Map<String, Tensor> x = new LinkedHashMap<>();
        in.forEach((name, path) -> x.put(name, Loaded.array(path)));
        cnnc.runtime.exec.Executable compiled = backend.compile(g, w, false);
        Map<String, Tensor> y;
        try {
            y = compiled.run(x);
        } catch (IllegalArgumentException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        } catch (OutOfMemoryError e) {
            throw new UserError("cnnc: error: not enough memory to run this batch; split the input or give the JVM"
                    + " more heap (CNNC_JAVA_OPTS=-Xmx8g)", Main.EXIT_INVALID);
        }
        for (Map.Entry<String, Path> e : out.entrySet()) {
            try {
                Npy.write(e.getValue(), y.get(e.getKey()));
            } catch (IOException ex) {
                throw Loaded.ioError(e.getValue(), ex);
            }
        }
        return 0;
    }
}
