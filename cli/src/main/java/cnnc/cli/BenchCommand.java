package cnnc.cli;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Counting;
import cnnc.compiler.passes.Pipeline;
import cnnc.compiler.report.Json;
import cnnc.runtime.bench.Benchmark;
import cnnc.runtime.opencl.ClExecutable;
import java.util.ArrayList;
import java.util.List;
import cnnc.runtime.model.Initializers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cnnc bench MODEL.cnn [--weights W] [--batch N] [--threads T] [--backend java] [--json]}: warm-up, then
 * latency percentiles, throughput and achieved GFLOP/s (2 FLOPs per MAC) — cnnc's trtexec.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark inference: latency p50/p90/p99, images/s and GFLOP/s.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Mixin
    BackendOptions backend;

    @Option(names = "--weights", paramLabel = "W.safetensors", description = "Weights (default: random ones).")
    Path weights;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Batch size (default: 1).")
    int batch;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "2", description = "Warm-up time (default: 2).")
    double warmup;

    @Option(names = "--time", paramLabel = "SECONDS", defaultValue = "5", description = "Measured time (default: 5).")
    double time;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--profile", description = "With --backend opencl: the device time of each kernel per run.")
    boolean profile;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new UserError("cnnc: error: --batch must be at least 1, got " + batch, Main.EXIT_USAGE);
        }
        if (!(warmup >= 0) || !(time > 0)) {
            throw new UserError("cnnc: error: --warmup must be >= 0 and --time > 0", Main.EXIT_USAGE);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Graph g = model.compile(Pipeline.analysis(), null, err).graph();
        Map<String, Tensor> w = weights != null ? Loaded.weights(g, weights, err) : Initializers.keras(g, 0);
        if (profile && backend.backend != BackendOptions.Backend.opencl) {
            throw new UserError("cnnc: error: --profile times OpenCL kernels; add --backend opencl", Main.EXIT_USAGE);
        }
        cnnc.runtime.exec.Executable compiled = backend.compile(g, w, profile);
        long macs = Counting.count(g).macs();
        Benchmark.Result r;
        try {
            r = Benchmark.run(compiled, batch, warmup, time, macs);
        } catch (IllegalArgumentException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_USAGE);
        } catch (OutOfMemoryError e) {
            throw new UserError("cnnc: error: not enough memory for a batch of " + batch + "; use a smaller --batch"
                    + " or a larger heap (CNNC_JAVA_OPTS=-Xmx8g)", Main.EXIT_INVALID);
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("backend", backend.backend.name());
            o.put("batch", batch);
            if (compiled instanceof ClExecutable cl) {
                o.put("device", cl.device().name());
            } else {
                o.put("threads", backend.threads());
            }
            Map<String, Object> lat = new LinkedHashMap<>();
            lat.put("p50", r.p50Ms());
            lat.put("p90", r.p90Ms());
            lat.put("p99", r.p99Ms());
            o.put("latency_ms", lat);
            o.put("images_per_s", r.imagesPerSecond());
            o.put("gflops", r.gflops());
            if (profile) {
                List<Object> kernels = new ArrayList<>();
                for (ClExecutable.KernelTime t : ((ClExecutable) compiled).profile()) {
                    Map<String, Object> k = new LinkedHashMap<>();
                    k.put("kernel", t.kernel());
                    k.put("group", t.group());
                    k.put("ms_per_run", t.nanos() / 1e6 / Math.max(1, t.launches()));
                    kernels.add(k);
                }
                o.put("kernels", kernels);
            }
            out.println(Json.write(o));
        } else {
            out.printf("model %s, backend %s, batch %d, %s, %d runs in %.1f s%n", g.name(), backend.backend.name(),
                    batch, compiled instanceof ClExecutable cl ? "device " + cl.device().name()
                            : "threads " + backend.threads(), r.runs(), r.seconds());
            out.printf("latency ms: p50 %.4f  p90 %.4f  p99 %.4f%n", r.p50Ms(), r.p90Ms(), r.p99Ms());
            out.printf("throughput: %.0f images/s, %.2f GFLOP/s (%,d MACs per image)%n", r.imagesPerSecond(),
                    r.gflops(), macs);
            if (profile) {
                printProfile(out, ((ClExecutable) compiled).profile());
            }
        }
        out.flush();
        return 0;
    }

    /** Each kernel's device time per run, its share, and their sum (one run's device time). */
    private static void printProfile(PrintWriter out, List<ClExecutable.KernelTime> times) {
        double total = 0;
        for (ClExecutable.KernelTime t : times) {
            total += t.nanos() / 1e6 / Math.max(1, t.launches());
        }
        out.println("kernel device time per run:");
        for (ClExecutable.KernelTime t : times) {
            double ms = t.nanos() / 1e6 / Math.max(1, t.launches());
            out.printf(java.util.Locale.ROOT, "  %-5s %9.4f ms %5.1f%%  %s%n", t.kernel(), ms, total > 0 ? 100 * ms / total
                    : 0, t.group());
        }
        out.printf(java.util.Locale.ROOT, "  all   %9.4f ms%n", total);
    }
}
