package cnnc.runtime.java;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
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
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated Java source in memory with the JDK's own compiler (javax.tools) and loads the classes in a
 * fresh class loader. A failed compilation throws with javac's messages attached — a generator bug, never a user
 * error.
 */
public final class InMemoryJavac {
    private InMemoryJavac() {}

    /** Thrown when no compiler is available (a JRE rather than a JDK). */
    public static final class NoCompilerException extends Exception {
        private static final long serialVersionUID = 1L;

        NoCompilerException() {
            super("the Java backend compiles generated code and needs a JDK (javac); this is a JRE");
        }
    }

    /** Compiles one source file and returns every class it defines, by binary name. */
    public static Map<String, byte[]> compile(String qualifiedName, String source) throws NoCompilerException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new NoCompilerException();
        }
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diags, null, null);
        JavaFileManager fm = new ForwardingJavaFileManager<>(std) {
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
        StringWriter log = new StringWriter();
        List<String> options = source.contains("jdk.incubator.vector")
                ? List.of("-g:none", "-nowarn", "--add-modules", "jdk.incubator.vector")
                : List.of("-g:none", "-nowarn", "--release", "17");
        boolean ok = javac.getTask(log, fm, diags, options, null, List.of(file)).call();
        if (!ok) {
            StringBuilder msg = new StringBuilder("generated code for " + qualifiedName + " did not compile:\n");
            diags.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                    .forEach(d -> msg.append(d).append('\n'));
            throw new IllegalStateException(msg.append(log).toString());
        }
        Map<String, byte[]> out = new HashMap<>();
        classes.forEach((k, v) -> out.put(k, v.toByteArray()));
        return out;
    }

    /** Loads compiled classes in a new class loader and returns the named one. */
    public static Class<?> load(Map<String, byte[]> classes, String qualifiedName) {
        ClassLoader loader = new ClassLoader(InMemoryJavac.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = classes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }
        };
        try {
            return loader.loadClass(qualifiedName);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compiled classes lack " + qualifiedName, e);
        }
    }
}
