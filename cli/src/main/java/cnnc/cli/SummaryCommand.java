package cnnc.cli;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.passes.Counting;
import cnnc.compiler.passes.Fuse;
import cnnc.compiler.passes.MemoryPlan;
import cnnc.compiler.passes.Pipeline;
import cnnc.compiler.report.KerasSummary;
import cnnc.compiler.report.SummaryJson;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cnnc summary FILE [--json]}: Keras' model.summary() table, or the summary JSON contract. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print the model's layers, output shapes, parameter and MAC counts (Keras' model.summary()).")
final class SummaryCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--json", description = "Print the summary as JSON (see spec/language.md).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Compiler.Result r = model.compile(Pipeline.analysis(), null, err);
        Counting.ModelCounts counts = Counting.count(r.graph());
        long peak = MemoryPlan.plan(new Fuse().run(r.graph(), new Diagnostics())).peakBytes(1);
        out.print(json ? SummaryJson.render(r.graph(), counts, peak) : KerasSummary.render(r.graph(), counts, peak));
        out.flush();
        return 0;
    }
}
