package cnnc.cli;

import cnnc.compiler.Compiler;
import cnnc.compiler.passes.Pipeline;
import cnnc.runtime.io.Safetensors;
import cnnc.runtime.model.Initializers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cnnc init MODEL.cnn -o W.safetensors [--seed N]}: Keras' default initial weights. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write initial weights (Keras defaults: glorot_uniform kernels, zero biases, BN 1/0/0/1).")
final class InitCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "W.safetensors", description = "Where to write.")
    Path output;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Random seed (default: 0).")
    long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Compiler.Result r = model.compile(Pipeline.analysis(), null, spec.commandLine().getErr());
        try {
            Safetensors.write(output, Initializers.keras(r.graph(), seed), new java.util.TreeMap<>(Map.of("model", r.graph().name(),
                    "seed", Long.toString(seed))));
        } catch (IOException e) {
            throw Loaded.ioError(output, e);
        }
        return 0;
    }
}
