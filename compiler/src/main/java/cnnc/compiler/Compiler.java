package cnnc.compiler;

import cnnc.compiler.ast.ModelFile;
import cnnc.compiler.ast.Parser;
import cnnc.compiler.ast.Sources;
import cnnc.compiler.ast.Decl;
import cnnc.compiler.diag.CompileException;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.diag.SourceFile;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.lower.Lowering;
import cnnc.compiler.lower.TrainingSettings;
import cnnc.compiler.passes.Pipeline;

/**
 * The front end in one call: bytes → source → AST → IR → passes up to a named one. Every problem is collected into
 * diagnostics; a {@link CompileException} carries them all when there is an error.
 */
public final class Compiler {
    private Compiler() {}

    /**
     * The result of a successful compilation: the graph after the requested pass, any warnings, and the model's
     * training settings (null when it has no {@code train} block).
     */
    public record Result(Graph graph, Diagnostics diagnostics, TrainingSettings training) {}

    /**
     * Compiles {@code bytes} (the file named {@code fileName}), selecting {@code model} (null: the only model), and
     * runs {@code pipeline} up to pass {@code after} (null: all); an autodiff pass without a loss takes the model's
     * {@code train} block's.
     */
    public static Result compile(String fileName, byte[] bytes, String model, Pipeline pipeline, String after)
            throws CompileException {
        Diagnostics diags = new Diagnostics();
        SourceFile source = Sources.decode(fileName, bytes, diags);
        if (source == null) {
            throw new CompileException(diags);
        }
        ModelFile file = Parser.parse(source, diags);
        if (file == null) {
            throw new CompileException(diags);
        }
        Decl.Model selected = Lowering.select(file, model, diags);
        if (selected == null) {
            throw new CompileException(diags);
        }
        Graph g = Lowering.lower(file, selected, diags);
        TrainingSettings training = TrainingSettings.of(selected, diags);
        if (g == null || diags.hasErrors()) {
            throw new CompileException(diags);
        }
        g = pipeline.withModelLoss(training == null ? null : training.loss()).run(g, after, diags);
        if (g == null || diags.hasErrors()) {
            throw new CompileException(diags);
        }
        return new Result(g, diags, training);
    }

    /** Compiles source text through shape inference. */
    public static Graph compileText(String fileName, String text) throws CompileException {
        return compile(fileName, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), null, Pipeline.analysis(),
                null).graph();
    }
}
