package cnnc.cli;

import static cnnc.cli.BackendFixtures.SMALL;
import static cnnc.cli.BackendFixtures.TWO;
import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.bytes;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.examples;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.listing;
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
import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnnc run} on bad inputs, weights and paths: each is exit 1 (2 for usage) with one clear {@code cnnc: error:}
 * line, no stack trace, and no output file (nor a temporary one) left behind; an existing output file is untouched.
 */
class RunErrorsTest {
    @TempDir
    Path dir;

    Path small;
    Path two;
    Map<String, Tensor> smallWeights;
    Path smallW;
    Path twoW;
    Path y;

    @BeforeEach
    void setUp() {
        small = writeText(dir, "small.cnn", SMALL);
        two = writeText(dir, "two.cnn", TWO);
        smallWeights = randomWeights(graph(SMALL), 1);
        smallW = safetensors(dir.resolve("small.safetensors"), smallWeights);
        twoW = safetensors(dir.resolve("two.safetensors"), randomWeights(graph(TWO), 2));
        y = dir.resolve("y.npy");
    }

    /** Runs a command that must fail; checks that it wrote no file at all in {@code dir}. */
    private Result failing(int code, Object... args) {
        return check(code, true, args);
    }

    /** Like {@link #failing} but the message may list several problems, one per line. */
    private Result failingList(int code, Object... args) {
        return check(code, false, args);
    }

    private Result check(int code, boolean oneLine, Object... args) {
        List<String> before = listing(dir);
        Result r = cnnc(args);
        assertUserError(r, code, oneLine);
        assertEquals(before, listing(dir), () -> "files changed\n" + r);
        assertFalse(Files.exists(y), () -> "output written\n" + r);
        return r;
    }

    private Result runSmall(Object input, int code) {
        return failing(code, "run", small, "--weights", smallW, "--input", input, "--output", y);
    }

    private static void assertMentions(Result r, String... parts) {
        for (String p : parts) {
            assertTrue(r.err().contains(p), () -> "message lacks `" + p + "`\n" + r);
        }
    }

    @Test
    void wrongInputShape() {
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 3, 8, 8, 2));
        Result r = runSmall(x, 1);
        assertMentions(r, "input", "[3, 8, 8, 2]", "8, 8, 3]");
    }

    @Test
    void wrongRankWithoutBatchAxis() {
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 8, 8, 3));
        Result r = runSmall(x, 1);
        assertMentions(r, "[8, 8, 3]", "[N, 8, 8, 3]");
    }

    @Test
    void scalarInput() {
        Path x = npy(dir.resolve("x.npy"), new Tensor(new long[0], new float[] {1f}));
        Result r = runSmall(x, 1);
        assertMentions(r, "[N, 8, 8, 3]");
    }

    @Test
    void emptyBatch() throws IOException {
        // A batch of zero examples: either a clean error or an empty output, never a crash.
        Path x = npy(dir.resolve("x.npy"), Tensor.zeros(0, 8, 8, 3));
        Result r = cnnc("run", small, "--weights", smallW, "--input", x, "--output", y);
        if (r.code() == 0) {
            assertArrayEquals(new long[] {0, 5}, readNpy(y).shape());
        } else {
            assertUserError(r, 1);
            assertFalse(Files.exists(y));
        }
    }

    @Test
    void batchMismatchBetweenInputs() {
        Path a = npy(dir.resolve("a.npy"), randomTensor(1, 2, 6, 5, 2));
        Path b = npy(dir.resolve("b.npy"), randomTensor(2, 3, 6, 5, 2));
        Result r = failing(1, "run", two, "--weights", twoW, "--input", "a=" + a, "--input", "b=" + b,
                "--output", "p=" + y);
        assertMentions(r, "batch", "2", "3");
    }

    @Test
    void missingInput() {
        Path a = npy(dir.resolve("a.npy"), randomTensor(1, 2, 6, 5, 2));
        Result r = failing(2, "run", two, "--weights", twoW, "--input", "a=" + a, "--output", "p=" + y);
        assertMentions(r, "b");
    }

    @Test
    void unknownInputName() {
        Path a = npy(dir.resolve("a.npy"), randomTensor(1, 2, 6, 5, 2));
        Result r = failing(2, "run", two, "--weights", twoW, "--input", "a=" + a, "--input", "zz=" + a,
                "--output", "p=" + y);
        assertMentions(r, "zz", "a, b");
    }

    @Test
    void unknownOutputName() {
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        Result r = failing(2, "run", small, "--weights", smallW, "--input", x, "--output", "nope=" + y);
        assertMentions(r, "nope", "dense");
    }

    @Test
    void inputFileMissing() {
        Result r = runSmall(dir.resolve("absent.npy"), 1);
        assertMentions(r, "absent.npy");
    }

    @Test
    void corruptNpy() throws IOException {
        Path x = Files.write(dir.resolve("x.npy"), "this is not an array".getBytes(StandardCharsets.UTF_8));
        Result r = runSmall(x, 1);
        assertMentions(r, "x.npy");
    }

    @Test
    void truncatedNpy() throws IOException {
        Path good = npy(dir.resolve("good.npy"), randomTensor(1, 2, 8, 8, 3));
        byte[] b = bytes(good);
        Path x = Files.write(dir.resolve("x.npy"), Arrays.copyOf(b, b.length - 7));
        Result r = runSmall(x, 1);
        assertMentions(r, "x.npy", "truncated");
        Path header = Files.write(dir.resolve("h.npy"), Arrays.copyOf(b, 30));
        assertMentions(runSmall(header, 1), "h.npy");
        Path empty = Files.write(dir.resolve("e.npy"), new byte[0]);
        assertMentions(runSmall(empty, 1), "e.npy");
    }

    @Test
    void directoryAsInput() throws IOException {
        Path d = Files.createDirectory(dir.resolve("adir.npy"));
        assertMentions(runSmall(d, 1), "adir.npy");
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        byte[] b = bytes(smallW);
        for (int cut : new int[] {0, 5, 40, b.length - 4}) {
            Path w = Files.write(dir.resolve("cut" + cut + ".safetensors"), Arrays.copyOf(b, cut));
            Result r = failing(1, "run", small, "--weights", w, "--input", x, "--output", y);
            assertMentions(r, "cut" + cut + ".safetensors");
        }
    }

    @Test
    void corruptSafetensors() throws IOException {
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        byte[] b = bytes(smallW).clone();
        // Break the JSON header (just after the 8-byte length).
        b[8] = '[';
        b[9] = '!';
        Path w = Files.write(dir.resolve("corrupt.safetensors"), b);
        assertMentions(failing(1, "run", small, "--weights", w, "--input", x, "--output", y), "corrupt.safetensors");
        // A header length far past the end of the file.
        byte[] c = bytes(smallW).clone();
        c[7] = 0x7f;
        Path w2 = Files.write(dir.resolve("huge.safetensors"), c);
        assertMentions(failing(1, "run", small, "--weights", w2, "--input", x, "--output", y), "huge.safetensors");
        Path w3 = Files.write(dir.resolve("text.safetensors"), "hello".getBytes(StandardCharsets.UTF_8));
        assertMentions(failing(1, "run", small, "--weights", w3, "--input", x, "--output", y), "text.safetensors");
        assertMentions(failing(1, "run", small, "--weights", dir.resolve("none.safetensors"), "--input", x,
                "--output", y), "none.safetensors");
    }

    @Test
    void weightsForAnotherModelListMissingAndExtraTensors() {
        Path fw = dir.resolve("fashion.safetensors");
        assertEquals(0, cnnc("init", examples("fashion_mnist.cnn"), "-o", fw).code());
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        // Several problems: a multi-line list after the first line, each problem on its own line.
        Result r = failingList(1, "run", small, "--weights", fw, "--input", x, "--output", y);
        assertMentions(r, "fashion.safetensors", "Small");
        // Missing: the small model's layers that fashion_mnist lacks.
        assertMentions(r, "missing tensor batch_normalization.gamma", "missing tensor depthwise_conv2d.depthwise_kernel");
        // Both models have conv2d.kernel and dense.kernel, but in other shapes.
        assertMentions(r, "conv2d.kernel", "[3, 3, 1, 16]", "[3, 3, 3, 4]");
        // Twelve problems: the list is cut after ten, saying how many more there are (fashion_mnist's dense_1).
        assertTrue(r.err().contains("unexpected tensor dense_1.kernel") || r.err().contains("and 2 more"),
                r::toString);
    }

    @Test
    void weightsForAnotherModelShortList() {
        Path tiny = writeText(dir, "tiny.cnn", "model Tiny {\n  input [6, 5, 2]\n  Conv2D(3, 3)\n  Flatten()\n"
                + "  Dense(4)\n}\n");
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 6, 5, 2));
        Result r = failingList(1, "run", tiny, "--weights", twoW, "--input", x, "--output", y);
        assertMentions(r, "two.safetensors", "Tiny", "missing tensor conv2d.kernel [3, 3, 2, 3]",
                "missing tensor conv2d.bias [3]", "missing tensor dense.kernel [36, 4]", "missing tensor dense.bias [4]",
                "unexpected tensor c.kernel [3, 3, 2, 3]", "unexpected tensor c.bias [3]");
        assertEquals(7, r.errLines().size(), r::toString);
    }

    @Test
    void misShapedTensorNamesTheTensorAndBothShapes() {
        Map<String, Tensor> w = new LinkedHashMap<>(smallWeights);
        w.put("dense.kernel", Tensor.zeros(17, 5));
        Path bad = safetensors(dir.resolve("bad.safetensors"), w);
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        Result r = failingList(1, "run", small, "--weights", bad, "--input", x, "--output", y);
        assertMentions(r, "dense.kernel", "[17, 5]", "[64, 5]");
        List<String> problems = new ArrayList<>(r.errLines().subList(1, r.errLines().size()));
        assertEquals(1, problems.size(), () -> "one problem only\n" + r);
    }

    @Test
    void oneMissingTensor() {
        Map<String, Tensor> w = new LinkedHashMap<>(smallWeights);
        w.remove("batch_normalization.moving_variance");
        Path bad = safetensors(dir.resolve("bad.safetensors"), w);
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        Result r = failingList(1, "run", small, "--weights", bad, "--input", x, "--output", y);
        assertMentions(r, "batch_normalization.moving_variance", "[4]");
    }

    @Test
    void nanInWeightsIsAWarning() {
        Map<String, Tensor> w = new LinkedHashMap<>(smallWeights);
        float[] d = w.get("dense.bias").data().clone();
        d[2] = Float.NaN;
        d[3] = Float.POSITIVE_INFINITY;
        w.put("dense.bias", new Tensor(new long[] {5}, d));
        Path nan = safetensors(dir.resolve("nan.safetensors"), w);
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 2, 8, 8, 3));
        Result r = cnnc("run", small, "--weights", nan, "--input", x, "--output", y);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().startsWith("cnnc: warning: "), r::toString);
        assertMentions(r, "dense.bias", "2 NaN or infinite values");
        assertEquals(1, r.errLines().size(), r::toString);
        assertArrayEquals(new long[] {2, 5}, readNpy(y).shape());
    }

    @Test
    void outputInMissingDirectory() {
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        Path out = dir.resolve("no/such/dir/y.npy");
        Result r = failing(1, "run", small, "--weights", smallW, "--input", x, "--output", out);
        assertMentions(r, "y.npy", "does not exist");
    }

    @Test
    void outputIsADirectory() throws IOException {
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        Path out = Files.createDirectory(dir.resolve("out.npy"));
        Result r = failing(1, "run", small, "--weights", smallW, "--input", x, "--output", out);
        assertMentions(r, "out.npy");
    }

    @Test
    void existingOutputIsUntouchedWhenTheRunFails() throws IOException {
        byte[] old = "previous contents".getBytes(StandardCharsets.UTF_8);
        Files.write(y, old);
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 2));
        List<String> before = listing(dir);
        Result r = cnnc("run", small, "--weights", smallW, "--input", x, "--output", y);
        assertUserError(r, 1);
        assertArrayEquals(old, bytes(y));
        assertEquals(before, listing(dir));
        // Bad weights, too.
        Path cut = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(bytes(smallW), 20));
        Path good = npy(dir.resolve("good.npy"), randomTensor(1, 1, 8, 8, 3));
        assertUserError(cnnc("run", small, "--weights", cut, "--input", good, "--output", y), 1);
        assertArrayEquals(old, bytes(y));
    }

    @Test
    void existingOutputIsReplacedWhenTheRunSucceeds() throws IOException {
        Files.write(y, "previous contents".getBytes(StandardCharsets.UTF_8));
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        assertEquals(0, cnnc("run", small, "--weights", smallW, "--input", x, "--output", y).code());
        assertArrayEquals(new long[] {1, 5}, readNpy(y).shape());
    }

    @Test
    void twoOutputsOneUnwritable() {
        // When one of several outputs cannot be written, the command fails with exit 1 and no stack trace.
        Path a = npy(dir.resolve("a.npy"), randomTensor(1, 1, 6, 5, 2));
        Path s = dir.resolve("s.npy");
        Result r = cnnc("run", two, "--weights", twoW, "--input", "a=" + a, "--input", "b=" + a,
                "--output", "p=" + dir.resolve("missing/p.npy"), "--output", "s=" + s);
        assertUserError(r, 1);
    }

    @Test
    void anOutputTooLargeForOneArrayIsAUserError() {
        // 3,000 examples of a 1,000,000-wide output: 3e9 floats, more than a Java array holds. A clear error
        // (exit 1), not `internal error: java.lang.ArithmeticException: integer overflow` (exit 70).
        Path wide = writeText(dir, "wide.cnn", "model Wide {\n  input [1]\n  Dense(1000000)\n}\n");
        Path w = dir.resolve("wide.safetensors");
        assertEquals(0, cnnc("init", wide, "-o", w).code());
        Tensor x = Tensor.zeros(3000, 1);
        Path xp = npy(dir.resolve("x.npy"), x);
        Result r = failing(1, "run", wide, "--weights", w, "--input", xp, "--output", y);
        assertMentions(r, "3000");
    }

    @Test
    void usageErrors() {
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        failing(2, "run", small, "--weights", smallW, "--input", x);
        failing(2, "run", small, "--weights", smallW, "--output", y);
        failing(2, "run", small, "--input", x, "--output", y);
        failing(2, "run", small, "--weights", smallW, "--input", x, "--output", y, "--threads", 0);
        failing(2, "run", small, "--weights", smallW, "--input", x, "--output", y, "--threads", "many");
        failing(2, "run", small, "--weights", smallW, "--input", x, "--output", y, "--backend", "cuda");
        failing(2, "run", small, "--weights", smallW, "--input", x, "--input", "input=" + x, "--output", y);
        failing(2, "run", small, "--weights", smallW, "--input", x, "--output", y, "--output", "dense=" + y);
        failing(2, "run", dir.resolve("absent.cnn"), "--weights", smallW, "--input", x, "--output", y);
    }

    @Test
    void invalidModelFileIsExit1WithItsLocation() {
        Path bad = writeText(dir, "bad.cnn", "model Bad {\n  input [8, 8, 3]\n  Conv2D(4, 3\n}\n");
        Path x = npy(dir.resolve("x.npy"), randomTensor(1, 1, 8, 8, 3));
        Result r = cnnc("run", bad, "--weights", smallW, "--input", x, "--output", y);
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("bad.cnn:"), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
        assertFalse(Files.exists(y));
    }
}
