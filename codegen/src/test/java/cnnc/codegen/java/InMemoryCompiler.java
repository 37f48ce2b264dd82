package cnnc.codegen.java;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * Compiles one generated source file in memory and loads its class: the pattern of runtime's {@code InMemoryJavac},
 * repeated here because codegen's tests cannot depend on runtime (runtime depends on codegen). A failed compilation
 * throws with javac's errors, which here means a generator bug.
 */
final class InMemoryCompiler {
    private InMemoryCompiler() {}

    /** The loaded class and javac's warnings (with {@code -Xlint:all}), one line each. */
    record Compiled(Class<?> type, List<String> warnings) {}

    static Compiled compile(String qualifiedName, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("these tests compile generated code and need a JDK");
        }
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        JavaFileManager fm = new ForwardingJavaFileManager<>(javac.getStandardFileManager(diags, null, null)) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                    FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension),
                        kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        classes.put(className, out);
                        return out;
                    }
                };
            }
        };
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + qualifiedName.replace('.', '/')
                + JavaFileObject.Kind.SOURCE.extension), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        List<String> options = source.contains("jdk.incubator.vector")
                ? List.of("-Xlint:all", "--add-modules", "jdk.incubator.vector")
                : List.of("-Xlint:all", "--release", "17");
        boolean ok = javac.getTask(null, fm, diags, options, null, List.of(file)).call();
        if (!ok) {
            StringBuilder msg = new StringBuilder("generated code for " + qualifiedName + " did not compile:\n");
            diags.getDiagnostics().forEach(d -> msg.append(d).append('\n'));
            throw new IllegalStateException(msg.toString());
        }
        ClassLoader loader = new ClassLoader(InMemoryCompiler.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                ByteArrayOutputStream b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = b.toByteArray();
                return defineClass(name, bytes, 0, bytes.length);
            }
        };
        List<String> warnings = diags.getDiagnostics().stream()
                .filter(d -> d.getKind() != javax.tools.Diagnostic.Kind.ERROR)
                .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(null)).toList();
        try {
            return new Compiled(loader.loadClass(qualifiedName), warnings);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compiled classes lack " + qualifiedName, e);
        }
    }
}
