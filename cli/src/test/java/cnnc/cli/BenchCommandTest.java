package cnnc.cli;

import static cnnc.cli.BackendFixtures.SMALL;
import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.examples;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.parseJson;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.compiler.ir.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnnc bench}: the JSON contract and option checks. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(Result r) {
        assertEquals(0, r.code(), r::toString);
        Object o = parseJson(r.out());
        assertInstanceOf(Map.class, o, r::toString);
        return (Map<String, Object>) o;
    }

    private static double positive(Object v, String key) {
        assertInstanceOf(Double.class, v, key + " is not a number: " + v);
        double d = (Double) v;
        assertTrue(d > 0 && Double.isFinite(d), key + " = " + d);
        return d;
    }

    @SuppressWarnings("unchecked")
    private static void assertContract(Map<String, Object> o, int batch, int threads) {
        assertEquals(List.of("backend", "batch", "threads", "latency_ms", "images_per_s", "gflops"),
                List.copyOf(o.keySet()));
        assertEquals("java", o.get("backend"));
        assertEquals((double) batch, o.get("batch"));
        assertEquals((double) threads, o.get("threads"));
        assertInstanceOf(Map.class, o.get("latency_ms"));
        Map<String, Object> lat = (Map<String, Object>) o.get("latency_ms");
        assertEquals(List.of("p50", "p90", "p99"), List.copyOf(lat.keySet()));
        double p50 = positive(lat.get("p50"), "p50");
        double p90 = positive(lat.get("p90"), "p90");
        double p99 = positive(lat.get("p99"), "p99");
        assertTrue(p50 <= p90 && p90 <= p99, "percentiles out of order: " + lat);
        double ips = positive(o.get("images_per_s"), "images_per_s");
        positive(o.get("gflops"), "gflops");
        // Throughput and median latency describe the same runs: batch / p50 within a wide factor.
        double fromLatency = batch / (p50 / 1000);
        assertTrue(ips < fromLatency * 20 && ips > fromLatency / 20, "images_per_s " + ips + " vs p50 " + p50);
    }

    @Test
    void jsonHasExactlyTheContractKeys() {
        Path model = writeText(dir, "small.cnn", SMALL);
        Result r = cnnc("bench", model, "--json", "--time", "0.2", "--warmup", "0.1", "--batch", 3, "--threads", 2);
        assertEquals("", r.err(), r::toString);
        assertContract(json(r), 3, 2);
    }

    @Test
    void jsonForFashionMnistWithWeightsAndDefaults() {
        Path model = examples("fashion_mnist.cnn");
        Path w = dir.resolve("w.safetensors");
        assertEquals(0, cnnc("init", model, "-o", w).code());
        Result r = cnnc("bench", model, "--weights", w, "--json", "--time", "0.2", "--warmup", "0.1",
                "--backend", "java");
        assertContract(json(r), 1, Runtime.getRuntime().availableProcessors());
        Map<String, Object> o = json(r);
        // gflops = images/s * 2 * MACs per image; FashionNet has 524,800 MACs (Keras summary).
        double ips = (Double) o.get("images_per_s");
        double gflops = (Double) o.get("gflops");
        long macs = 3 * 3 * 16 * 28 * 28 + 3136 * 128 + 128 * 10;
        assertEquals(ips * 2 * macs / 1e9, gflops, 0.05 * gflops, "gflops from images/s and MACs");
    }

    @Test
    void textOutput() {
        Path model = writeText(dir, "small.cnn", SMALL);
        Result r = cnnc("bench", model, "--time", "0.1", "--warmup", "0", "--threads", 1);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("latency"), r::toString);
        assertTrue(r.out().contains("p50"), r::toString);
        assertTrue(r.out().contains("images/s"), r::toString);
    }

    @Test
    void badOptionsAreUsageErrors() {
        Path model = writeText(dir, "small.cnn", SMALL);
        for (List<Object> extra : List.<List<Object>>of(List.of("--batch", 0), List.of("--batch", -3),
                List.of("--batch", "x"), List.of("--threads", 0), List.of("--time", 0), List.of("--time", -1),
                List.of("--warmup", -1), List.of("--time", "NaN"), List.of("--backend", "tpu"))) {
            java.util.ArrayList<Object> args = new java.util.ArrayList<>(List.of("bench", model, "--json"));
            args.addAll(extra);
            if (!extra.contains("--time")) {
                args.addAll(List.of("--time", "0.05", "--warmup", "0"));
            }
            Result r = cnnc(args.toArray());
            assertUserError(r, 2);
            assertEquals("", r.out(), () -> extra + " printed to stdout\n" + r);
        }
    }

    @Test
    void aBatchTooLargeForMemoryIsAUserError() {
        // 10^9 examples of 192 floats overflow a Java array: a clear error, not `internal error: ...
        // ArithmeticException: integer overflow` (exit 70).
        Path model = writeText(dir, "small.cnn", SMALL);
        Result r = cnnc("bench", model, "--batch", 1_000_000_000, "--json", "--time", "0.05", "--warmup", "0");
        assertTrue(r.code() == 1 || r.code() == 2, r::toString);
        assertUserError(r, r.code());
        assertTrue(r.err().contains("1000000000") || r.err().contains("1,000,000,000"), r::toString);
    }

    @Test
    void weightsThatDoNotFitAreExit1() {
        Path model = writeText(dir, "small.cnn", SMALL);
        Map<String, Tensor> w = new LinkedHashMap<>(randomWeights(graph(SMALL), 3));
        w.remove("dense.kernel");
        Path bad = safetensors(dir.resolve("bad.safetensors"), w);
        Result r = cnnc("bench", model, "--weights", bad, "--json", "--time", "0.05", "--warmup", "0");
        assertUserError(r, 1, false);
        assertTrue(r.err().contains("dense.kernel"), r::toString);
        assertEquals("", r.out());
        assertUserError(cnnc("bench", model, "--weights", dir.resolve("none.safetensors"), "--time", "0.05"), 1);
    }
}
