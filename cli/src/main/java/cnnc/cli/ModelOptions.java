package cnnc.cli;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.CompileException;
import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.passes.Pipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The options every command that reads a model shares: the file, the model in it, and --debug. */
final class ModelOptions {
    @Parameters(index = "0", paramLabel = "FILE", description = "The .cnn model file.")
    Path file;

    @Option(names = "--model", paramLabel = "NAME", description = "Which model of the file (default: the only one).")
    String model;

    @Option(names = "--debug", description = "Show stack traces of internal errors.")
    boolean debug;

    /**
     * Compiles the model through {@code after} (null: the whole pipeline); prints warnings to {@code err}; throws a
     * {@link UserError} carrying every diagnostic when the model is invalid.
     */
    Compiler.Result compile(Pipeline pipeline, String after, PrintWriter err) {
        byte[] bytes = read(file);
        try {
            Compiler.Result r = Compiler.compile(file.toString(), bytes, model, pipeline, after);
            for (Diagnostic d : r.diagnostics().sorted()) {
                err.println(d.render());
            }
            return r;
        } catch (CompileException e) {
            int n = e.diagnostics().errorCount();
            throw new UserError(e.diagnostics().render() + n + (n == 1 ? " error" : " errors") + "\n",
                    Main.EXIT_INVALID);
        }
    }

    static byte[] read(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new UserError("cnnc: error: " + file + " is a directory, not a model file", Main.EXIT_USAGE);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserError("cnnc: error: no such file: " + file, Main.EXIT_USAGE);
        } catch (IOException e) {
            throw new UserError("cnnc: error: cannot read " + file + ": " + e.getMessage(), Main.EXIT_USAGE);
        }
    }
}
