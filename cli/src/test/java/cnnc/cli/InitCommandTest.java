package cnnc.cli;

import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.bytes;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.examples;
import static cnnc.cli.BackendFixtures.listing;
import static cnnc.cli.BackendFixtures.readSafetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.compiler.ir.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnnc init}: Keras' default initialisers, deterministic per seed, written atomically. */
class InitCommandTest {
    @TempDir
    Path dir;

    private Map<String, Tensor> init(Path model, long seed, String out) {
        Path w = dir.resolve(out);
        Result r = cnnc("init", model, "-o", w, "--seed", seed);
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.err(), r::toString);
        return readSafetensors(w);
    }

    private static Map<String, String> shapes(Map<String, Tensor> w) {
        Map<String, String> out = new LinkedHashMap<>();
        w.forEach((k, v) -> out.put(k, Arrays.toString(v.shape())));
        return out;
    }

    @Test
    void fashionMnistTensorNamesAndShapes() {
        Map<String, Tensor> w = init(examples("fashion_mnist.cnn"), 0, "w.safetensors");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("conv2d.kernel", "[3, 3, 1, 16]");
        expected.put("conv2d.bias", "[16]");
        expected.put("dense.kernel", "[3136, 128]");
        expected.put("dense.bias", "[128]");
        expected.put("dense_1.kernel", "[128, 10]");
        expected.put("dense_1.bias", "[10]");
        assertEquals(expected, shapes(w));
        long params = w.values().stream().mapToLong(Tensor::size).sum();
        assertEquals(402_986, params, "Keras' parameter count for FashionNet");
    }

    @Test
    void sameSeedSameBytesDifferentSeedDifferentBytes() {
        Path model = examples("fashion_mnist.cnn");
        init(model, 7, "a.safetensors");
        init(model, 7, "b.safetensors");
        init(model, 8, "c.safetensors");
        assertArrayEquals(bytes(dir.resolve("a.safetensors")), bytes(dir.resolve("b.safetensors")));
        assertFalse(Arrays.equals(bytes(dir.resolve("a.safetensors")), bytes(dir.resolve("c.safetensors"))),
                "seeds 7 and 8 gave identical weights");
        Map<String, Tensor> a = readSafetensors(dir.resolve("a.safetensors"));
        Map<String, Tensor> c = readSafetensors(dir.resolve("c.safetensors"));
        for (String k : List.of("conv2d.kernel", "dense.kernel", "dense_1.kernel")) {
            assertFalse(Arrays.equals(a.get(k).data(), c.get(k).data()), k + " did not change with the seed");
        }
    }

    @Test
    void defaultSeedIsDeterministic() {
        Path model = examples("fashion_mnist.cnn");
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        assertEquals(0, cnnc("init", model, "-o", a).code());
        assertEquals(0, cnnc("init", model, "--output", b).code());
        assertArrayEquals(bytes(a), bytes(b));
    }

    /** glorot_uniform: U(±sqrt(6 / (fan_in + fan_out))), fans counting the receptive field. */
    private static void assertGlorot(Tensor t, String name) {
        long[] s = t.shape();
        long receptive = 1;
        for (int i = 0; i < s.length - 2; i++) {
            receptive *= s[i];
        }
        double limit = Math.sqrt(6.0 / (s[s.length - 2] * receptive + s[s.length - 1] * receptive));
        float[] d = t.data();
        double sum = 0;
        double sq = 0;
        double max = -Double.MAX_VALUE;
        double min = Double.MAX_VALUE;
        int[] bins = new int[4];
        for (float v : d) {
            assertTrue(Math.abs(v) <= limit * (1 + 1e-6), name + ": " + v + " outside ±" + limit);
            sum += v;
            sq += (double) v * v;
            max = Math.max(max, v);
            min = Math.min(min, v);
            bins[(int) Math.max(0, Math.min(3, Math.floor((v / limit + 1) * 2)))]++;
        }
        int n = d.length;
        double mean = sum / n;
        double sd = limit / Math.sqrt(3);
        // Five standard errors: the checks fail by chance about once in a million.
        assertTrue(Math.abs(mean) <= 5 * sd / Math.sqrt(n), name + ": mean " + mean + " for limit " + limit);
        double variance = sq / n - mean * mean;
        assertEquals(sd * sd, variance, sd * sd * (0.05 + 5 * Math.sqrt(0.8 / n)), name + ": variance");
        // Extremes of n uniform draws lie within about limit * 2 * 10 / n of the ends.
        double slack = limit * Math.max(0.02, 20.0 / n);
        assertTrue(max >= limit - slack, name + ": max " + max + " far from the limit " + limit);
        assertTrue(min <= -limit + slack, name + ": min " + min + " far from -" + limit);
        for (int b = 0; b < 4; b++) {
            double expected = n / 4.0;
            assertTrue(Math.abs(bins[b] - expected) <= 5 * Math.sqrt(n * 0.25 * 0.75) + 2,
                    name + ": quarter " + b + " of the range holds " + bins[b] + " of " + n + " values");
        }
    }

    @Test
    void kernelsAreGlorotUniformAndBiasesZero() {
        Map<String, Tensor> w = init(examples("fashion_mnist.cnn"), 42, "w.safetensors");
        w.forEach((k, t) -> {
            if (k.endsWith(".kernel")) {
                assertGlorot(t, k);
            } else {
                assertTrue(k.endsWith(".bias"), k);
                for (float v : t.data()) {
                    assertEquals(0f, v, k);
                }
            }
        });
        // The largest of 401,408 draws lies within a hair of the limit sqrt(6 / (3136 + 128)).
        assertEquals(Math.sqrt(6.0 / (3136 + 128)), limitOf(w.get("dense.kernel")), 1e-3 * Math.sqrt(6.0 / 3264));
    }

    private static double limitOf(Tensor t) {
        double m = 0;
        for (float v : t.data()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void batchNormIsOnesAndZerosAndOtherKernelsAreGlorot() {
        Path model = writeText(dir, "bn.cnn", """
                model Bn {
                  input [10, 10, 3]
                  Conv2D(8, 5, use_bias=false)
                  BatchNormalization()
                  SeparableConv2D(6, 3)
                  BatchNormalization(center=false, scale=false)
                  Flatten()
                  Dense(7)
                }
                """);
        Map<String, Tensor> w = init(model, 1, "bn.safetensors");
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("conv2d.kernel", "[5, 5, 3, 8]");
        expected.put("batch_normalization.gamma", "[8]");
        expected.put("batch_normalization.beta", "[8]");
        expected.put("batch_normalization.moving_mean", "[8]");
        expected.put("batch_normalization.moving_variance", "[8]");
        assertEquals(expected.keySet(), new java.util.LinkedHashSet<>(
                w.keySet().stream().limit(5).toList()), "the first tensors, in layer order");
        expected.forEach((k, s) -> assertEquals(s, Arrays.toString(w.get(k).shape()), k));
        assertTrue(w.containsKey("batch_normalization_1.moving_mean"), w.keySet()::toString);
        assertTrue(w.containsKey("batch_normalization_1.moving_variance"), w.keySet()::toString);
        assertFalse(w.containsKey("batch_normalization_1.gamma"), "center=false, scale=false has no gamma");
        w.forEach((k, t) -> {
            String weight = k.substring(k.indexOf('.') + 1);
            switch (weight) {
                case "gamma", "moving_variance" -> {
                    for (float v : t.data()) {
                        assertEquals(1f, v, k);
                    }
                }
                case "beta", "moving_mean", "bias" -> {
                    for (float v : t.data()) {
                        assertEquals(0f, v, k);
                    }
                }
                default -> {
                    assertTrue(weight.endsWith("kernel"), k);
                    float[] d = t.data();
                    long[] s = t.shape();
                    long receptive = s.length == 4 ? s[0] * s[1] : 1;
                    double limit = Math.sqrt(6.0 / (s[s.length - 2] * receptive + s[s.length - 1] * receptive));
                    for (float v : d) {
                        assertTrue(Math.abs(v) <= limit * (1 + 1e-6), k + ": " + v + " outside ±" + limit);
                    }
                }
            }
        });
        assertGlorot(w.get("conv2d.kernel"), "conv2d.kernel");
    }

    @Test
    void aTensorDoesNotChangeWhenALayerIsAdded() {
        Path small = writeText(dir, "a.cnn", "model M {\n  input [4, 4, 2]\n  Conv2D(3, 3)\n}\n");
        Path bigger = writeText(dir, "b.cnn",
                "model M {\n  input [4, 4, 2]\n  Conv2D(3, 3)\n  Flatten()\n  Dense(4)\n}\n");
        Map<String, Tensor> a = init(small, 5, "a.safetensors");
        Map<String, Tensor> b = init(bigger, 5, "b.safetensors");
        assertArrayEquals(a.get("conv2d.kernel").data(), b.get("conv2d.kernel").data());
    }

    @Test
    void invalidModelIsExit1WithALocatedError() {
        Path model = writeText(dir, "bad.cnn", "model Bad {\n  input [8, 8, 3]\n  Conv2D(4, kernel_size=9)\n}\n");
        Path w = dir.resolve("w.safetensors");
        Result r = cnnc("init", model, "-o", w);
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("bad.cnn:3:"), r::toString);
        assertTrue(r.err().contains("error:"), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
        assertFalse(Files.exists(w));
    }

    @Test
    void outputInMissingDirectoryIsExit1AndWritesNothing() {
        Path w = dir.resolve("no/such/dir/w.safetensors");
        Result r = cnnc("init", examples("fashion_mnist.cnn"), "-o", w);
        assertUserError(r, 1);
        assertTrue(r.err().contains("w.safetensors"), r::toString);
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void usageErrors() {
        Path model = examples("fashion_mnist.cnn");
        assertUserError(cnnc("init", model), 2);
        assertUserError(cnnc("init", model, "-o", dir.resolve("w.safetensors"), "--seed", "abc"), 2);
        assertUserError(cnnc("init", dir.resolve("missing.cnn"), "-o", dir.resolve("w.safetensors")), 2);
        assertEquals(List.of(), listing(dir));
    }
}
