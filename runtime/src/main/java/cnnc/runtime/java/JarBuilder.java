package cnnc.runtime.java;

import cnnc.codegen.java.JavaModel;
import cnnc.codegen.java.WeightsBlob;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Packages a generated model as a self-contained jar: its classes (compiled for Java 17), its weights as a resource
 * next to the class, the source for reference, and a manifest whose Main-Class is the model. The jar needs nothing
 * but a JDK 17+ runtime. Written whole or not at all.
 */
public final class JarBuilder {
    private JarBuilder() {}

    public static void build(JavaModel model, Map<String, Tensor> weights, Path jar)
            throws IOException, InMemoryJavac.NoCompilerException {
        Map<String, byte[]> classes = new TreeMap<>(InMemoryJavac.compile(model.qualifiedName(), model.source()));
        List<float[]> data = new ArrayList<>();
        for (String name : model.weightNames()) {
            data.add(weights.get(name).data());
        }
        byte[] blob = WeightsBlob.encode(model.weightNames(), model.weightShapes(), data);
        String dir = model.packageName().isEmpty() ? "" : model.packageName().replace('.', '/') + "/";
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, model.qualifiedName());
        manifest.getMainAttributes().put(new Attributes.Name("Created-By"), "cnnc");
        AtomicFiles.write(jar, out -> {
            try (JarOutputStream j = new JarOutputStream(out, manifest)) {
                for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                    j.putNextEntry(new JarEntry(c.getKey().replace('.', '/') + ".class"));
                    j.write(c.getValue());
                    j.closeEntry();
                }
                j.putNextEntry(new JarEntry(dir + model.className() + ".weights"));
                j.write(blob);
                j.closeEntry();
                j.putNextEntry(new JarEntry(dir + model.className() + ".java"));
                j.write(model.source().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                j.closeEntry();
                j.finish();
            }
        });
    }
}
