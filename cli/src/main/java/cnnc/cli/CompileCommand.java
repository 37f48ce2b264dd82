package cnnc.cli;

import cnnc.codegen.java.JavaGenerator;
import cnnc.codegen.java.JavaModel;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Pipeline;
import cnnc.runtime.io.AtomicFiles;
import cnnc.runtime.java.InMemoryJavac;
import cnnc.runtime.java.JarBuilder;
import cnnc.runtime.java.JavaBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.lang.model.SourceVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cnnc compile MODEL.cnn --weights W --target java -o model.jar [--emit-source DIR] [--package P]
 * [--class C]}: a self-contained jar (generated classes, weights, a main); {@code --target opencl -o DIR}: the
 * OpenCL kernels, their weight buffers and a manifest of buffers and launches ({@link cnnc.runtime.opencl.ClBundle}).
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile a model and its weights to a self-contained jar (java -jar model.jar --input X.npy"
                + " --output Y.npy), or to OpenCL kernels with a manifest (--target opencl).")
final class CompileCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors", description = "The weights.")
    Path weights;

    @Option(names = "--target", paramLabel = "TARGET", defaultValue = "java",
            description = "What to produce: ${COMPLETION-CANDIDATES} (default: java).")
    Target target;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "model.jar|DIR",
            description = "The jar to write (java), or the folder (opencl: model.cl, manifest.json, weights).")
    Path output;

    @Option(names = "--emit-source", paramLabel = "DIR", description = "Also write the generated Java source here.")
    Path emitSource;

    @Option(names = "--package", paramLabel = "P",
            description = "Java package of the class (default: the model name in lower case).")
    String packageName;

    @Option(names = "--class", paramLabel = "C", description = "Java class name (default: the model name).")
    String className;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The targets cnnc compiles to. */
    enum Target { java, opencl }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Graph g = model.compile(Pipeline.analysis(), null, err).graph();
        if (className != null && (!SourceVersion.isIdentifier(className) || SourceVersion.isKeyword(className))) {
            throw new UserError("cnnc: error: --class " + className + " is not a Java class name", Main.EXIT_USAGE);
        }
        if (packageName != null && (!SourceVersion.isName(packageName) || packageName.equals("java")
                || packageName.startsWith("java."))) {
            throw new UserError("cnnc: error: --package " + packageName + " is not a Java package name a jar may use"
                    + (packageName.startsWith("java") ? " (java.* is reserved for the JDK)" : ""), Main.EXIT_USAGE);
        }
        String pkg = packageName != null ? packageName : JavaGenerator.packageName(g.name().toLowerCase());
        String cls = className != null ? className : JavaGenerator.className(g.name());
        Map<String, Tensor> w = Loaded.weights(g, weights, err);
        if (target == Target.opencl) {
            if (emitSource != null || packageName != null || className != null) {
                throw new UserError("cnnc: error: --emit-source, --package and --class are for --target java",
                        Main.EXIT_USAGE);
            }
            Graph fused = new cnnc.compiler.passes.Fuse().run(g, new cnnc.compiler.diag.Diagnostics());
            String missing = cnnc.codegen.opencl.OpenClGenerator.unsupported(fused);
            if (missing != null) {
                throw new UserError("cnnc: error: the OpenCL backend has no kernel for " + missing, Main.EXIT_INVALID);
            }
            if (Files.exists(output) && !Files.isDirectory(output)) {
                throw new UserError("cnnc: error: " + output + " is a file; --target opencl writes a folder",
                        Main.EXIT_USAGE);
            }
            try {
                cnnc.runtime.opencl.ClBundle.write(cnnc.codegen.opencl.OpenClGenerator.generate(fused), w, output);
            } catch (IOException e) {
                throw Loaded.ioError(output, e);
            }
            return 0;
        }
        JavaModel generated = JavaBackend.generate(g, pkg, cls);
        Path sourceDir = emitSource == null ? null : emitSource.resolve(pkg.replace('.', '/'));
        if (sourceDir != null) {
            try {
                Files.createDirectories(sourceDir);
            } catch (IOException e) {
                throw new UserError("cnnc: error: cannot write the source under " + emitSource + ": "
                        + (Files.exists(emitSource) && !Files.isDirectory(emitSource) ? "it is a file, not a folder"
                        : e.getMessage()), Main.EXIT_INVALID);
            }
        }
        try {
            JarBuilder.build(generated, w, output);
        } catch (IOException e) {
            throw Loaded.ioError(output, e);
        } catch (InMemoryJavac.NoCompilerException e) {
            throw new UserError("cnnc: error: " + e.getMessage(), Main.EXIT_INVALID);
        }
        if (sourceDir != null) {
            try {
                byte[] text = generated.source().getBytes(StandardCharsets.UTF_8);
                AtomicFiles.write(sourceDir.resolve(cls + ".java"), out -> out.write(text));
            } catch (IOException e) {
                throw Loaded.ioError(sourceDir, e);
            }
        }
        return 0;
    }
}
