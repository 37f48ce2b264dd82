package cnnc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit status 0 for a good model, 1 for an invalid one (located errors, no stack trace), 2 for bad usage. */
class ExitStatusTest {
    static final String GOOD = """
            model Tiny {
              input [4, 4, 1]
              Conv2D(2, 3, padding=same)
              Flatten()
              Dense(3, trainable=false)
            }
            """;

    @TempDir
    Path dir;

    private static void noStackTrace(Cli r) {
        assertFalse(r.err().contains("at cnnc."), r::toString);
        assertFalse(r.err().contains("Exception"), r::toString);
    }

    @Test
    void aGoodModelExitsZero() throws IOException {
        Cli r = Cli.run("summary", Cli.file(dir, "good.cnn", GOOD).toString());
        assertEquals(0, r.status(), r::toString);
        assertTrue(r.out().contains("Total params: 119\n"), r::toString);
        assertEquals("", r.err());
    }

    @Test
    void aBadModelExitsOneWithEveryErrorLocated() throws IOException {
        Path bad = Cli.file(dir, "bad.cnn", "model M {\n  input [28, 28, 1]\n  Conv2d(16, 3)\n  Dense(0)\n}\n");
        Cli r = Cli.run("summary", bad.toString());
        assertEquals(1, r.status(), r::toString);
        assertEquals("", r.out());
        assertEquals(bad + ":3:3: error: unknown layer `Conv2d`; did you mean `Conv2D`?\n"
                + "  Conv2d(16, 3)\n"
                + "  ^~~~~~\n"
                + bad + ":4:9: error: bad value for `units`: expected a positive integer, got 0\n"
                + "  Dense(0)\n"
                + "        ^\n"
                + "2 errors\n", r.err());
        noStackTrace(r);
    }

    @Test
    void aSyntaxErrorExitsOne() throws IOException {
        Path bad = Cli.file(dir, "bad.cnn", "model M {\n  input [28, 28, 1]\n  Conv2D(16, 3\n}\n");
        Cli r = Cli.run("ir", bad.toString());
        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().startsWith(bad + ":3:15: error: missing `)` to close `Conv2D(`\n"), r::toString);
        assertTrue(r.err().endsWith("1 error\n"), r::toString);
        noStackTrace(r);
    }

    @Test
    void aBinaryFileExitsOne() throws IOException {
        Path bin = dir.resolve("model.bin");
        Files.write(bin, new byte[] {'m', 0, 1, 2});
        Cli r = Cli.run("summary", bin.toString());
        assertEquals(1, r.status(), r::toString);
        assertEquals(bin + ":1:2: error: file is binary (it holds a NUL byte), not a .cnn model\n1 error\n", r.err());
    }

    @Test
    void deepNestingExitsOneNotSeventy() throws IOException {
        Path deep = Cli.file(dir, "deep.cnn", "model M {\n  input [4]\n  Dense(" + "(".repeat(50_000) + "1"
                + ")".repeat(50_000) + ")\n}\n");
        Cli r = Cli.run("summary", deep.toString());
        assertEquals(1, r.status(), r::toString);
        noStackTrace(r);
    }

    @Test
    void anUnknownOptionIsBadUsage() throws IOException {
        Cli r = Cli.run("summary", "--bogus", Cli.file(dir, "good.cnn", GOOD).toString());
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("cnnc: error: "), r::toString);
        noStackTrace(r);
    }

    @Test
    void aMissingFileIsBadUsage() {
        Path missing = dir.resolve("missing.cnn");
        Cli r = Cli.run("summary", missing.toString());
        assertEquals(2, r.status(), r::toString);
        assertEquals("cnnc: error: no such file: " + missing + "\n", r.err());
    }

    @Test
    void aDirectoryIsBadUsage() {
        Cli r = Cli.run("summary", dir.toString());
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("cnnc: error: "), r::toString);
    }

    @Test
    void noFileArgumentIsBadUsage() {
        Cli r = Cli.run("summary");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("cnnc: error: "), r::toString);
    }

    @Test
    void noCommandIsBadUsage() {
        Cli r = Cli.run();
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("cnnc: error: "), r::toString);
    }

    @Test
    void anUnknownPassIsBadUsage() throws IOException {
        Cli r = Cli.run("ir", Cli.file(dir, "good.cnn", GOOD).toString(), "--after", "nope");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().startsWith("cnnc: error: unknown pass 'nope'; the passes are: lower, shapes"),
                r::toString);
        assertEquals("", r.out());
    }

    @Test
    void irAfterGradUsesTheTrainBlocksLoss() throws IOException {
        String model = "model M {\n  input [4, 4, 1]\n  Flatten()\n  Dense(3, activation=softmax)\n%s}\n";
        Cli block = Cli.run("ir", Cli.file(dir, "mse.cnn", model.formatted("  train { loss = mean_squared_error }\n"))
                .toString(), "--after", "grad");
        assertEquals(0, block.status(), block::toString);
        assertTrue(block.out().contains("%loss = Loss(kind=mean_squared_error"), block::toString);
        Cli none = Cli.run("ir", Cli.file(dir, "plain.cnn", model.formatted("")).toString(), "--after", "grad");
        assertTrue(none.out().contains("%loss = SoftmaxCrossEntropy("), none::toString);
    }

    @Test
    void irAfterLowerPrintsTheGraph() throws IOException {
        Cli r = Cli.run("ir", Cli.file(dir, "good.cnn", GOOD).toString(), "--after", "lower");
        assertEquals(0, r.status(), r::toString);
        assertEquals("""
                graph Tiny(%input: [4, 4, 1]) {
                  %conv2d = Conv2D(filters=2, kernel_size=(3, 3), strides=(1, 1), padding=same, \
                data_format=channels_last, dilation_rate=(1, 1), activation=linear, use_bias=true, \
                trainable=true)(%input)
                  %flatten = Flatten(data_format=channels_last)(%conv2d)
                  %dense = Dense(units=3, activation=linear, use_bias=true, trainable=false)(%flatten)
                  return %dense
                }
                """, r.out());
    }

    @Test
    void irAfterLowerSucceedsWithOnlyShapeErrors() throws IOException {
        Path p = Cli.file(dir, "shape.cnn", "model M {\n  input [4, 4, 1]\n  Conv2D(2, 5)\n}\n");
        assertEquals(0, Cli.run("ir", p.toString(), "--after", "lower").status());
        Cli r = Cli.run("ir", p.toString(), "--after", "shapes");
        assertEquals(1, r.status(), r::toString);
        assertTrue(r.err().startsWith(p + ":3:13: error: layer `conv2d`: the kernel height 5 is larger than the input"
                + " height 4\n"), r::toString);
    }
}
