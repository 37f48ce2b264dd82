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
@Command(name = "ir", mixinStandardHelpOptions = true, description = "Print the IR after a compiler pass.")
final class IrCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--after", paramLabel = "PASS", description = "The pass to stop after: ${COMPLETION-CANDIDATES}"
            + " (default: the last).", completionCandidates = PassNames.class)
    String after;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Pipeline pipeline = Pipeline.inference();
        if (after != null && !pipeline.names().contains(after)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "unknown pass '" + after
                    + "'; the passes are: " + String.join(", ", pipeline.names()));
        }
        PrintWriter out = spec.commandLine().getOut();
        Compiler.Result r = model.compile(pipeline, after, spec.commandLine().getErr());
        out.print(r.graph());
        out.flush();
        return 0;
    }

    /** The pass names, for help and completion. */
    static final class PassNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Pipeline.inference().names().iterator();
        }
    }
}
