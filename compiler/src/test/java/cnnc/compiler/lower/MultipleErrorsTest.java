package cnnc.compiler.lower;

import static cnnc.compiler.TestCompile.errors;
import static cnnc.compiler.TestCompile.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.diag.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One compile reports every independent problem, each once, and no knock-on errors. */
class MultipleErrorsTest {

    private static List<Integer> lines(List<Diagnostic> ds) {
        return ds.stream().map(d -> d.span().line()).toList();
    }

    @Test
    void everyLoweringErrorIsReported() {
        List<Diagnostic> ds = errors(model(
                "Conv2d(16, 3)",
                "Dense(4, activaton=relu)",
                "Dropout(1.5)",
                "Dense(3)(nope)",
                "a = Dense(2)",
                "a = Dense(2)"));
        assertEquals(List.of(3, 4, 5, 6, 8), lines(ds), ds.toString());
    }

    @Test
    void everyShapeErrorOnIndependentBranchesIsReported() {
        List<Diagnostic> ds = errors("model M {\n  input x: [8, 8, 1]\n  a = Conv2D(2, 9)(x)\n"
                + "  b = MaxPooling2D(10)(x)\n  c = Conv2D(2, (1, 12))(x)\n}\n");
        assertEquals(List.of(3, 4, 5), lines(ds), ds.toString());
    }

    @Test
    void layersAfterABrokenOneAreNotBlamedForIt() {
        List<Diagnostic> ds = errors(model("Conv2d(16, 3)", "Flatten()", "Dense(10)"));
        assertEquals(1, ds.size(), ds.toString());
    }

    @Test
    void aMistakeInABlockUsedManyTimesIsReportedOnce() {
        List<Diagnostic> ds = errors("block B() {\n  input x\n  Conv2D(0, 1)\n}\n"
                + "model M {\n  input [8, 8, 1]\n  repeat 5 { B() }\n}\n");
        assertEquals(1, ds.size(), ds.toString());
        assertTrue(ds.get(0).message().endsWith("(in instance `b` of block `B`, used at 7:14)"), ds.toString());
    }

    @Test
    void thousandsOfErrorsStopAtTheLimit() {
        StringBuilder text = new StringBuilder("model M {\n  input [8, 8, 1]\n");
        for (int i = 0; i < 5_000; i++) {
            text.append("  Dense(4)(missing").append(i).append(")\n");
        }
        List<Diagnostic> ds = errors(text.append("}\n").toString());
        assertEquals(Errors.LIMIT + 1, ds.size());
        assertEquals("too many errors (more than 100); fix these first", ds.get(Errors.LIMIT).message());
    }
}
