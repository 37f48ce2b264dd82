package cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.passes.Counting;
import cnnc.compiler.report.KerasSummary;
import cnnc.compiler.report.SummaryJson;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Pathological-input guards, not benchmarks: each case must finish well within a generous limit, so that nothing in
 * the front end is quadratic in the number of layers or errors, and deep nesting is an error, not a stack overflow.
 */
class ScaleTest {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final int LAYERS = 20_000;

    private static String model(int n, IntFunction<String> line) {
        StringBuilder text = new StringBuilder("model Big {\n  input x: [8, 8, 4]\n");
        for (int i = 0; i < n; i++) {
            text.append("  ").append(line.apply(i)).append('\n');
        }
        return text.append("}\n").toString();
    }

    private static void compilesAndSummarises(String text, long layers, long params) {
        Graph g = TestCompile.graph(text, "shapes");
        Counting.ModelCounts counts = Counting.count(g);
        String summary = KerasSummary.render(g, counts);
        assertEquals(layers, g.nodes().size());
        assertEquals(params, counts.totalParams());
        assertTrue(summary.contains("Total params: " + KerasSummary.thousands(params)), summary);
        assertTrue(SummaryJson.render(g, counts).length() > layers);
    }

    @Test
    void aLongChainOfUnnamedLayers() {
        // Conv2D(4, 1) on 4 channels: 4·4 + 4 = 20 params; ReLU none.
        String text = model(LAYERS, i -> i % 2 == 0 ? "Conv2D(4, 1)" : "ReLU()");
        assertTimeoutPreemptively(LIMIT, () -> compilesAndSummarises(text, LAYERS, LAYERS / 2 * 20L));
    }

    @Test
    void aLongChainOfNamedLayersWithExplicitInputs() {
        String text = model(LAYERS, i -> "l" + i + " = Conv2D(4, 1)(" + (i == 0 ? "x" : "l" + (i - 1)) + ")");
        assertTimeoutPreemptively(LIMIT, () -> compilesAndSummarises(text, LAYERS, LAYERS * 20L));
    }

    @Test
    void aRepeatAndABlockExpandingToManyLayers() {
        String text = "block B(f) {\n  input x\n  c = Conv2D(f, 1)(x)\n  ReLU()\n}\n"
                + model(1, i -> "s = repeat " + LAYERS / 2 + " { b = B(4) }");
        assertTimeoutPreemptively(LIMIT, () -> compilesAndSummarises(text, LAYERS, LAYERS / 2 * 20L));
    }

    @Test
    void thousandsOfSyntaxErrors() {
        String text = model(LAYERS, i -> "Dense(3 3)");
        List<Diagnostic> errors = assertTimeoutPreemptively(LIMIT, () -> TestCompile.errors(text));
        assertEquals(LAYERS, errors.size());
    }

    @Test
    void thousandsOfUndefinedNamesStopAtTheErrorLimit() {
        String text = model(LAYERS, i -> "Conv2D(4, 1)(missing" + i + ")");
        List<Diagnostic> errors = assertTimeoutPreemptively(LIMIT, () -> TestCompile.errors(text));
        assertEquals(101, errors.size());
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        int n = 100_000;
        String parens = model(1, i -> "Dense(" + "(".repeat(n) + "1" + ")".repeat(n) + ")");
        String signs = model(1, i -> "Dense(" + "-".repeat(n) + "1)");
        String sum = model(1, i -> "Dense(1" + " + 1".repeat(n) + ")");
        String unclosed = model(1, i -> "Dense(" + "(".repeat(n));
        assertTimeoutPreemptively(LIMIT, () -> {
            assertEquals("m.cnn:3:263: error: brackets nested more than 256 deep", TestCompile.firstError(parens));
            assertEquals("m.cnn:3:263: error: expression too complex: more than 256 operators and nested brackets",
                    TestCompile.firstError(signs));
            assertEquals("m.cnn:3:1027: error: expression too complex: more than 256 operators and nested brackets",
                    TestCompile.firstError(sum));
            assertEquals("m.cnn:3:8: error: missing `)`: this `(` is never closed", TestCompile.firstError(unclosed));
        });
    }

    @Test
    void nestingJustBelowTheLimitCompiles() {
        // The model's `{` and Dense's `(` are open too: 254 more parentheses make 256.
        String text = model(1, i -> "Dense(" + "(".repeat(254) + "2" + ")".repeat(254) + " * 3)");
        assertEquals(6, TestCompile.shaped(text.replace("[8, 8, 4]", "[5]")).nodes().get(0).shape().dim(0));
    }

    @Test
    void deeplyNestedBlocksAreAnErrorNotAStackOverflow() {
        StringBuilder text = new StringBuilder();
        int n = 5_000;
        for (int i = 0; i < n; i++) {
            text.append("block B").append(i).append("() {\n  input x\n  ")
                    .append(i + 1 < n ? "B" + (i + 1) + "()" : "ReLU()").append("\n}\n");
        }
        text.append("model M {\n  input [4]\n  B0()\n}\n");
        List<Diagnostic> errors = assertTimeoutPreemptively(LIMIT, () -> TestCompile.errors(text.toString()));
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).message().startsWith("blocks nested more than 100 deep (in instance `b0/b1/"),
                errors.get(0).message());
    }
}
