package cnnc.cli;

import cnnc.compiler.Compiler;
import cnnc.compiler.passes.Pipeline;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cnnc ir FILE [--after PASS]}: the IR as text after a pass of the pipeline. */
@Command(name = "ir", mixinStandardHelpOptions = true, description = "Print the IR after a compiler pass (grad: the"
        + " training graph, with the loss of the model's train block, else the default loss).")
final class IrCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--after", paramLabel = "PASS", description = "The pass to stop after: ${COMPLETION-CANDIDATES}"
            + " (default: fuse; grad builds the training graph).", completionCandidates = PassNames.class)
    String after;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Pipeline pipeline = "grad".equals(after) ? Pipeline.training(null) : Pipeline.inference();
        if (after != null && !PassNames.all().contains(after)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown pass '" + after
                    + "'; the passes are: " + String.join(", ", PassNames.all()));
        }
        PrintWriter out = spec.commandLine().getOut();
        Compiler.Result r = model.compile(pipeline, after, spec.commandLine().getErr());
        out.print(r.graph());
        out.flush();
        return 0;
    }

    /** The pass names, for help and completion. */
    static final class PassNames implements Iterable<String> {
        /** Inference passes, then the training graph's autodiff pass. */
        static java.util.List<String> all() {
            java.util.List<String> names = new java.util.ArrayList<>(Pipeline.inference().names());
            names.add("grad");
            return names;
        }

        @Override
        public java.util.Iterator<String> iterator() {
            return all().iterator();
        }
    }
}
