package cnnc.runtime.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Times a compiled model: random inputs, a warm-up (so that the JIT has compiled the kernels), then back-to-back runs
 * for a fixed time. Reports latency percentiles per batch, throughput and achieved GFLOP/s (2 FLOPs per MAC).
 */
public final class Benchmark {
    private Benchmark() {}

    public record Result(int runs, double seconds, double p50Ms, double p90Ms, double p99Ms, double imagesPerSecond,
            double gflops) {}

    /**
     * @throws IllegalArgumentException when a batch's inputs or outputs do not fit in Java arrays
     */
    public static Result run(cnnc.runtime.exec.Executable model, int batch, double warmupSeconds, double seconds,
            long macsPerImage) {
        checkFits(model.inputShapes(), batch, "input");
        checkFits(model.outputShapes(), batch, "output");
        SplittableRandom r = new SplittableRandom(42);
        float[][] in = new float[model.inputNames().size()][];
        for (int i = 0; i < in.length; i++) {
            in[i] = new float[Math.toIntExact(size(model.inputShapes().get(i)) * batch)];
            for (int k = 0; k < in[i].length; k++) {
                in[i][k] = (float) r.nextDouble(-1, 1);
            }
        }
        float[][] out = new float[model.outputNames().size()][];
        for (int o = 0; o < out.length; o++) {
            out[o] = new float[Math.toIntExact(size(model.outputShapes().get(o)) * batch)];
        }
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        int warmRuns = 0;
        while (System.nanoTime() < warmEnd || warmRuns < 3) {
            model.run(in, out, batch);
            warmRuns++;
        }
        long[] samples = new long[1 << 16];
        int n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now = start;
        while ((now < end || n < 5) && n < samples.length) {
            long t0 = System.nanoTime();
            model.run(in, out, batch);
            now = System.nanoTime();
            samples[n++] = now - t0;
        }
        double total = (now - start) / 1e9;
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        double images = (double) n * batch;
        return new Result(n, total, pct(s, 0.50), pct(s, 0.90), pct(s, 0.99), images / total,
                2.0 * macsPerImage * images / total / 1e9);
    }

    private static void checkFits(java.util.List<long[]> shapes, int batch, String what) {
        for (long[] shape : shapes) {
            long size = size(shape);
            if (size > (Integer.MAX_VALUE - 8L) / batch) {
                throw new IllegalArgumentException("a batch of " + batch + " needs " + size + " values per example for"
                        + " each " + what + ", more than one Java array holds; use a smaller --batch");
            }
        }
    }

    private static double pct(long[] sorted, double p) {
        int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    private static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
