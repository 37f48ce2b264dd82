package cnnc.compiler;

import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compiler.diag.CompileException;
import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.passes.Pipeline;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Compiles test text as the file {@code m.cnn} and returns the graph or the diagnostics. */
public final class TestCompile {
    public static final String FILE = "m.cnn";

    private TestCompile() {}

    /** The graph after shape inference; fails the test with the diagnostics when the model is invalid. */
    public static Graph shaped(String text) {
        return graph(text, "shapes");
    }

    /** The graph after the named pass of the inference pipeline. */
    public static Graph graph(String text, String after) {
        try {
            return Compiler.compile(FILE, text.getBytes(StandardCharsets.UTF_8), null, Pipeline.inference(), after)
                    .graph();
        } catch (CompileException e) {
            return fail("expected a valid model, got:\n" + e.diagnostics().render());
        }
    }

    /** Every error of an invalid model, in source order. */
    public static List<Diagnostic> errors(byte[] bytes) {
        try {
            Compiler.compile(FILE, bytes, null, Pipeline.analysis(), null);
        } catch (CompileException e) {
            return e.diagnostics().sorted();
        }
        return fail("expected a compile error");
    }

    public static List<Diagnostic> errors(String text) {
        return errors(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The first error's headline: {@code m.cnn:L:C: error: MESSAGE}. */
    public static String firstError(String text) {
        return errors(text).get(0).headline();
    }

    /** A model {@code M} with input {@code [28, 28, 1]} on line 2 and {@code statements} from line 3 on. */
    public static String model(String... statements) {
        StringBuilder out = new StringBuilder("model M {\n  input [28, 28, 1]\n");
        for (String s : statements) {
            out.append("  ").append(s).append('\n');
        }
        return out.append("}\n").toString();
    }
}
