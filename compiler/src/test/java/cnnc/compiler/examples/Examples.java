package cnnc.compiler.examples;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.CompileException;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.passes.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds and compiles the models under the repository's examples/ folder (tests run in the module directory). */
final class Examples {
    static final Path DIR = Path.of("..", "examples");

    private Examples() {}

    /** The file names of every examples/*.cnn, sorted. */
    static List<String> all() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cnn")).sorted().toList();
        }
    }

    /** Compiles examples/{@code fileName} through shape inference; fails the test with the diagnostics on error. */
    static Graph compile(String fileName) throws IOException {
        byte[] bytes = Files.readAllBytes(DIR.resolve(fileName));
        try {
            return Compiler.compile(fileName, bytes, null, Pipeline.analysis(), null).graph();
        } catch (CompileException e) {
            throw new AssertionError(fileName + " does not compile:\n" + e.diagnostics().render(), e);
        }
    }
}
