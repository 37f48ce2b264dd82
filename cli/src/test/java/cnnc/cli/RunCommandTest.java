package cnnc.cli;

import static cnnc.cli.BackendFixtures.SMALL;
import static cnnc.cli.BackendFixtures.TWO;
import static cnnc.cli.BackendFixtures.assertClose;
import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.examples;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.npy;
import static cnnc.cli.BackendFixtures.randomTensor;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.readNpy;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** {@code cnnc run} on valid inputs: the Java backend's outputs equal the reference interpreter's. */
class RunCommandTest {
    @TempDir
    Path dir;

    @Test
    void smallModelBatch3MatchesTheInterpreter() {
        Path model = writeText(dir, "small.cnn", SMALL);
        Graph g = graph(SMALL);
        Map<String, Tensor> w = randomWeights(g, 11);
        Tensor x = randomTensor(12, 3, 8, 8, 3);
        Path y = dir.resolve("y.npy");
        Result r = cnnc("run", model, "--weights", safetensors(dir.resolve("w.safetensors"), w),
                "--input", npy(dir.resolve("x.npy"), x), "--output", y);
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals("", r.err(), r::toString);
        Tensor expected = Interpreter.run(g, w, Map.of("input", x)).get("dense");
        Tensor actual = readNpy(y);
        assertClose(expected, actual, 1e-4, "dense");
        // Softmax rows sum to one: the comparison is not vacuous.
        for (int n = 0; n < 3; n++) {
            double s = 0;
            for (int k = 0; k < 5; k++) {
                s += actual.data()[n * 5 + k];
            }
            assertEquals(1.0, s, 1e-5);
        }
    }

    @Test
    void namedInputAndOutputAndThreadCountsAgree() {
        Path model = writeText(dir, "small.cnn", SMALL);
        Graph g = graph(SMALL);
        Map<String, Tensor> w = randomWeights(g, 21);
        Path weights = safetensors(dir.resolve("w.safetensors"), w);
        Path x = npy(dir.resolve("x.npy"), randomTensor(22, 5, 8, 8, 3));
        Path y1 = dir.resolve("y1.npy");
        Path y4 = dir.resolve("y4.npy");
        assertEquals(0, cnnc("run", model, "--weights", weights, "--input", "input=" + x, "--output", "dense=" + y1,
                "--threads", 1, "--backend", "java").code());
        assertEquals(0, cnnc("run", model, "--weights", weights, "--input", x, "--output", y4, "--threads", 4).code());
        assertClose(readNpy(y1), readNpy(y4), 1e-6, "1 thread vs 4 threads");
    }

    @Test
    void fashionMnistWithInitWeightsMatchesTheInterpreter() throws Exception {
        Path model = examples("fashion_mnist.cnn");
        Path weights = dir.resolve("w.safetensors");
        assertEquals(0, cnnc("init", model, "-o", weights, "--seed", 3).code());
        Tensor x = randomTensor(4, 3, 28, 28, 1);
        Path y = dir.resolve("y.npy");
        Result r = cnnc("run", model, "--weights", weights, "--input", npy(dir.resolve("x.npy"), x), "--output", y);
        assertEquals(0, r.code(), r::toString);
        Graph g = graph(Files.readString(model));
        Tensor expected = Interpreter.run(g, BackendFixtures.readSafetensors(weights), Map.of("input", x))
                .get("dense_1");
        assertClose(expected, readNpy(y), 1e-4, "dense_1");
    }

    /** The small examples: every one, initialised by {@code cnnc init}, runs as the interpreter does. */
    @ParameterizedTest
    @ValueSource(strings = {"fashion_mnist", "lenet5", "seed001_conv_dense", "seed002_lenet", "seed002_pooled",
            "seed002_same", "seed002_strided", "seed002_valid"})
    void examplesMatchTheInterpreter(String name) throws Exception {
        Path model = examples(name + ".cnn");
        Graph g = graph(Files.readString(model));
        Path weights = dir.resolve("w.safetensors");
        assertEquals(0, cnnc("init", model, "-o", weights, "--seed", 9).code());
        assertEquals(1, g.inputs().size(), name);
        long[] shape = g.inputs().get(0).shape().dims();
        long[] full = new long[shape.length + 1];
        full[0] = 2;
        System.arraycopy(shape, 0, full, 1, shape.length);
        Tensor x = randomTensor(10, full);
        Path y = dir.resolve("y.npy");
        Result r = cnnc("run", model, "--weights", weights, "--input", npy(dir.resolve("x.npy"), x), "--output", y);
        assertEquals(0, r.code(), r::toString);
        Tensor expected = Interpreter.run(g, BackendFixtures.readSafetensors(weights),
                Map.of(g.inputs().get(0).name(), x)).get(g.outputs().get(0));
        assertClose(expected, readNpy(y), 1e-4, name);
    }

    @Test
    void twoInputsTwoOutputs() {
        Path model = writeText(dir, "two.cnn", TWO);
        Graph g = graph(TWO);
        Map<String, Tensor> w = randomWeights(g, 31);
        Tensor a = randomTensor(32, 3, 6, 5, 2);
        Tensor b = randomTensor(33, 3, 6, 5, 2);
        Path weights = safetensors(dir.resolve("w.safetensors"), w);
        Path pa = npy(dir.resolve("a.npy"), a);
        Path pb = npy(dir.resolve("b.npy"), b);
        Path yp = dir.resolve("p.npy");
        Path ys = dir.resolve("s.npy");
        // Inputs in the other order than declared.
        Result r = cnnc("run", model, "--weights", weights, "--input", "b=" + pb, "--input", "a=" + pa,
                "--output", "s=" + ys, "--output", "p=" + yp);
        assertEquals(0, r.code(), r::toString);
        Map<String, Tensor> expected = Interpreter.run(g, w, Map.of("a", a, "b", b));
        assertClose(expected.get("p"), readNpy(yp), 1e-4, "p");
        assertClose(expected.get("s"), readNpy(ys), 1e-4, "s");
        assertArrayEquals(new long[] {3, 3}, readNpy(yp).shape());

        // Only one of the outputs asked for: only that one is written.
        Path only = dir.resolve("only.npy");
        Path other = dir.resolve("other.npy");
        assertEquals(0, cnnc("run", model, "--weights", weights, "--input", "a=" + pa, "--input", "b=" + pb,
                "--output", "p=" + only).code());
        assertClose(expected.get("p"), readNpy(only), 1e-4, "p alone");
        assertFalse(Files.exists(other));
    }

    @Test
    void bareInputOnATwoInputModelIsAUsageError() {
        Path model = writeText(dir, "two.cnn", TWO);
        Path weights = safetensors(dir.resolve("w.safetensors"), randomWeights(graph(TWO), 1));
        Path pa = npy(dir.resolve("a.npy"), randomTensor(1, 1, 6, 5, 2));
        Path y = dir.resolve("y.npy");
        Result r = cnnc("run", model, "--weights", weights, "--input", pa, "--input", "b=" + pa, "--output", "p=" + y);
        assertUserError(r, 2);
        assertTrue(r.err().contains("a, b"), r::toString);
        Result r2 = cnnc("run", model, "--weights", weights, "--input", "a=" + pa, "--input", "b=" + pa,
                "--output", y);
        assertUserError(r2, 2);
        assertTrue(r2.err().contains("p, s"), r2::toString);
        assertFalse(Files.exists(y));
    }

    @Test
    void integerAndFloat64InputsAreConverted() throws Exception {
        // .npy inputs of other dtypes are read as float32 (Npy.read converts).
        Path model = writeText(dir, "small.cnn", SMALL);
        Graph g = graph(SMALL);
        Map<String, Tensor> w = randomWeights(g, 41);
        Path weights = safetensors(dir.resolve("w.safetensors"), w);
        // A hand-written <f8 .npy of shape (1, 8, 8, 3) holding 0, 1, 2, ...
        String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 8, 8, 3), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + 8 * 192)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 1)
                .put((byte) 0).putShort((short) header.length())
                .put(header.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        float[] xs = new float[192];
        for (int i = 0; i < 192; i++) {
            b.putDouble(i / 192.0);
            xs[i] = (float) (i / 192.0);
        }
        Path x = Files.write(dir.resolve("x.npy"), b.array());
        Path y = dir.resolve("y.npy");
        Result r = cnnc("run", model, "--weights", weights, "--input", x, "--output", y);
        assertEquals(0, r.code(), r::toString);
        Tensor expected = Interpreter.run(g, w, Map.of("input", new Tensor(new long[] {1, 8, 8, 3}, xs)))
                .get("dense");
        assertClose(expected, readNpy(y), 1e-4, "dense");
    }
}
