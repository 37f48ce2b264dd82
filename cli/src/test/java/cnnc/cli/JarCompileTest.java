package cnnc.cli;

import static cnnc.cli.BackendFixtures.SMALL;
import static cnnc.cli.BackendFixtures.TWO;
import static cnnc.cli.BackendFixtures.assertClose;
import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.examples;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.listing;
import static cnnc.cli.BackendFixtures.npy;
import static cnnc.cli.BackendFixtures.randomTensor;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.readNpy;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnnc compile --target java}: the jar runs alone on a JDK (its own process, no cnnc classes) and gives what
 * {@code cnnc run} gives; its Java API ({@code load}, {@code predict}) works from a plain class loader.
 */
class JarCompileTest {
    @TempDir
    Path dir;

    Path small;
    Graph smallGraph;
    Map<String, Tensor> smallWeights;
    Path smallW;

    @BeforeEach
    void setUp() {
        small = writeText(dir, "small.cnn", SMALL);
        smallGraph = graph(SMALL);
        smallWeights = randomWeights(smallGraph, 5);
        smallW = safetensors(dir.resolve("small.safetensors"), smallWeights);
    }

    /** What a separate {@code java -jar} process did. */
    record Proc(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
        }
    }

    /** Runs {@code java -jar JAR ARGS} with this test's JDK, in a clean environment (no CLASSPATH). */
    private Proc javaJar(Path jar, Object... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        for (Object a : args) {
            cmd.add(String.valueOf(a));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("JDK_JAVA_OPTIONS");
        Path out = Files.createTempFile(dir.getParent(), "out", ".txt");
        Path err = Files.createTempFile(dir.getParent(), "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("java -jar " + jar + " did not finish in 120 s");
        }
        Proc r = new Proc(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    private Path compile(Path model, Path weights, String jarName, Object... extra) {
        Path jar = dir.resolve(jarName);
        List<Object> args = new ArrayList<>(List.of("compile", model, "--weights", weights, "--target", "java", "-o",
                jar));
        Collections.addAll(args, extra);
        Result r = cnnc(args.toArray());
        assertEquals(0, r.code(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals("", r.err(), r::toString);
        assertTrue(Files.isRegularFile(jar), r::toString);
        return jar;
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.stream().map(JarEntry::getName).sorted().toList();
        }
    }

    @Test
    void jarRunsInItsOwnProcessAndMatchesCnncRun() throws Exception {
        Path jar = compile(small, smallW, "small.jar");
        Tensor x = randomTensor(6, 3, 8, 8, 3);
        Path xp = npy(dir.resolve("x.npy"), x);
        Path yRun = dir.resolve("y_run.npy");
        Path yJar = dir.resolve("y_jar.npy");
        assertEquals(0, cnnc("run", small, "--weights", smallW, "--input", xp, "--output", yRun).code());
        Proc p = javaJar(jar, "--input", xp, "--output", yJar);
        assertEquals(0, p.code(), p::toString);
        assertEquals("", p.err(), p::toString);
        assertClose(readNpy(yRun), readNpy(yJar), 1e-6, "jar vs cnnc run");
        Tensor expected = Interpreter.run(smallGraph, smallWeights, Map.of("input", x)).get("dense");
        assertClose(expected, readNpy(yJar), 1e-4, "jar vs interpreter");
        // Named input and output, and one thread.
        Path yNamed = dir.resolve("y_named.npy");
        Proc p2 = javaJar(jar, "--input", "input=" + xp, "--output", "dense=" + yNamed, "--threads", 1);
        assertEquals(0, p2.code(), p2::toString);
        assertClose(readNpy(yJar), readNpy(yNamed), 1e-6, "named, 1 thread");
    }

    @Test
    void jarHoldsNoCnncClasses() throws Exception {
        Path jar = compile(small, smallW, "small.jar");
        List<String> names = entries(jar);
        for (String e : names) {
            assertFalse(e.startsWith("cnnc/"), "cnnc class in the model jar: " + e);
            assertFalse(e.startsWith("picocli/") || e.startsWith("com/squareup/") || e.startsWith("org/antlr/"),
                    "library class in the model jar: " + e);
        }
        assertTrue(names.contains("small/Small.class"), names::toString);
        try (JarFile j = new JarFile(jar.toFile())) {
            assertEquals("small.Small", j.getManifest().getMainAttributes().getValue("Main-Class"));
            // The classes reference no cnnc type: the constant pools do not name one.
            for (JarEntry e : Collections.list(j.entries())) {
                if (e.getName().endsWith(".class")) {
                    String text = new String(j.getInputStream(e).readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains("cnnc/"), e.getName() + " refers to a cnnc class");
                    // `java -jar` adds no modules: an incubator class would need --add-modules to run.
                    assertFalse(text.contains("jdk/incubator/"), e.getName() + " needs jdk.incubator.vector");
                }
            }
        }
    }

    @Test
    void emitSourceWritesPackagePathAndClass() throws Exception {
        Path src = dir.resolve("src");
        compile(small, smallW, "small.jar", "--emit-source", src);
        Path java = src.resolve("small/Small.java");
        assertTrue(Files.isRegularFile(java), () -> "no " + java);
        String text = Files.readString(java);
        assertTrue(text.contains("package small;"), text.substring(0, Math.min(400, text.length())));
        assertTrue(text.contains("public final class Small"), "class declaration");
        assertTrue(text.contains("public static Small load()"), "load()");
        assertTrue(text.contains("public float[] predict(float[]"), "predict(float[])");
        assertTrue(text.contains("public float[][] predict(float[][]"), "predict(float[][])");
    }

    @Test
    void packageAndClassOptions() throws Exception {
        Path src = dir.resolve("gen");
        Path jar = compile(small, smallW, "net.jar", "--emit-source", src, "--package", "com.example.nets",
                "--class", "TinyNet");
        Path java = src.resolve("com/example/nets/TinyNet.java");
        assertTrue(Files.isRegularFile(java), () -> "no " + java);
        String text = Files.readString(java);
        assertTrue(text.contains("package com.example.nets;"));
        assertTrue(text.contains("public final class TinyNet"));
        List<String> names = entries(jar);
        assertTrue(names.contains("com/example/nets/TinyNet.class"), names::toString);
        assertFalse(names.contains("small/Small.class"), names::toString);
        try (JarFile j = new JarFile(jar.toFile())) {
            assertEquals("com.example.nets.TinyNet", j.getManifest().getMainAttributes().getValue("Main-Class"));
        }
        Path xp = npy(dir.resolve("x.npy"), randomTensor(7, 2, 8, 8, 3));
        Path y = dir.resolve("y.npy");
        Proc p = javaJar(jar, "--input", xp, "--output", y);
        assertEquals(0, p.code(), p::toString);
        Tensor expected = Interpreter.run(smallGraph, smallWeights, Map.of("input", readNpy(xp))).get("dense");
        assertClose(expected, readNpy(y), 1e-4, "renamed jar");
    }

    @Test
    void javaApiFromAPlainClassLoader() throws Exception {
        Path jar = compile(small, smallW, "small.jar", "--package", "demo", "--class", "FashionNet");
        Tensor x = randomTensor(8, 4, 8, 8, 3);
        Tensor expected = Interpreter.run(smallGraph, smallWeights, Map.of("input", x)).get("dense");
        int in = 8 * 8 * 3;
        // The platform loader as parent: the test classpath (and cnnc) is not visible to the model class.
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> cls = loader.loadClass("demo.FashionNet");
            assertSame(loader, cls.getClassLoader());
            Object net = cls.getMethod("load").invoke(null);
            assertSame(cls, net.getClass());
            Method predict1 = cls.getMethod("predict", float[].class);
            Method predictN = cls.getMethod("predict", float[][].class);
            assertEquals(float[].class, predict1.getReturnType());
            assertEquals(float[][].class, predictN.getReturnType());

            float[][] images = new float[4][];
            for (int i = 0; i < 4; i++) {
                images[i] = Arrays.copyOfRange(x.data(), i * in, (i + 1) * in);
                float[] probs = (float[]) predict1.invoke(net, (Object) images[i]);
                assertEquals(5, probs.length);
                Tensor one = new Tensor(new long[] {1, 5}, probs);
                Tensor want = new Tensor(new long[] {1, 5}, Arrays.copyOfRange(expected.data(), i * 5, i * 5 + 5));
                assertClose(want, one, 1e-4, "predict(float[]) example " + i);
            }
            float[][] batch = (float[][]) predictN.invoke(net, (Object) images);
            assertEquals(4, batch.length);
            float[] flat = new float[20];
            for (int i = 0; i < 4; i++) {
                assertEquals(5, batch[i].length);
                System.arraycopy(batch[i], 0, flat, i * 5, 5);
            }
            assertClose(expected, new Tensor(new long[] {4, 5}, flat), 1e-4, "predict(float[][])");

            // An image of the wrong size is an IllegalArgumentException, not a silent wrong answer.
            InvocationTargetException bad = assertThrows(InvocationTargetException.class,
                    () -> predictN.invoke(net, (Object) new float[][] {new float[in - 1]}));
            assertTrue(bad.getCause() instanceof IllegalArgumentException, bad.getCause()::toString);
            InvocationTargetException bad1 = assertThrows(InvocationTargetException.class,
                    () -> predict1.invoke(net, (Object) new float[in - 1]));
            assertTrue(bad1.getCause() instanceof IllegalArgumentException, bad1.getCause()::toString);
            closeIfPossible(net);
        }
    }

    /** Shuts a model's worker pool down when the class offers a way to. */
    private static void closeIfPossible(Object net) {
        if (net instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void fashionMnistJarWithItsReadmeApi() throws Exception {
        Path model = examples("fashion_mnist.cnn");
        Path w = dir.resolve("fashion.safetensors");
        assertEquals(0, cnnc("init", model, "-o", w, "--seed", 1).code());
        Path jar = compile(model, w, "fashion.jar");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> cls = loader.loadClass("fashionnet.FashionNet");
            Object net = cls.getMethod("load").invoke(null);
            float[] image = randomTensor(9, 28 * 28).data();
            float[] probs = (float[]) cls.getMethod("predict", float[].class).invoke(net, (Object) image);
            assertEquals(10, probs.length);
            double sum = 0;
            for (float p : probs) {
                sum += p;
            }
            assertEquals(1.0, sum, 1e-5);
            Tensor expected = Interpreter.run(graph(Files.readString(model)), BackendFixtures.readSafetensors(w),
                    Map.of("input", new Tensor(new long[] {1, 28, 28, 1}, image))).get("dense_1");
            assertClose(expected, new Tensor(new long[] {1, 10}, probs), 1e-4, "FashionNet.predict");
            closeIfPossible(net);
        }
    }

    @Test
    void twoInputJar() throws Exception {
        Path model = writeText(dir, "two.cnn", TWO);
        Graph g = graph(TWO);
        Map<String, Tensor> w = randomWeights(g, 9);
        Path jar = compile(model, safetensors(dir.resolve("two.safetensors"), w), "two.jar");
        Tensor a = randomTensor(10, 2, 6, 5, 2);
        Tensor b = randomTensor(11, 2, 6, 5, 2);
        Path pa = npy(dir.resolve("a.npy"), a);
        Path pb = npy(dir.resolve("b.npy"), b);
        Path yp = dir.resolve("p.npy");
        Path ys = dir.resolve("s.npy");
        Proc p = javaJar(jar, "--input", "a=" + pa, "--input", "b=" + pb, "--output", "p=" + yp, "--output",
                "s=" + ys);
        assertEquals(0, p.code(), p::toString);
        Map<String, Tensor> expected = Interpreter.run(g, w, Map.of("a", a, "b", b));
        assertClose(expected.get("p"), readNpy(yp), 1e-4, "p");
        assertClose(expected.get("s"), readNpy(ys), 1e-4, "s");

        // A batch mismatch is one line and exit 1; no output written.
        Path b3 = npy(dir.resolve("b3.npy"), randomTensor(12, 3, 6, 5, 2));
        Path y2 = dir.resolve("p2.npy");
        Proc bad = javaJar(jar, "--input", "a=" + pa, "--input", "b=" + b3, "--output", "p=" + y2);
        assertEquals(1, bad.code(), bad::toString);
        assertFalse(Files.exists(y2));
        assertFalse(bad.err().contains("\tat "), bad::toString);
        assertEquals(1, bad.err().strip().lines().count(), bad::toString);
    }

    @Test
    void jarRejectsBadInputsCleanly() throws Exception {
        Path jar = compile(small, smallW, "small.jar");
        Path y = dir.resolve("y.npy");
        Path wrong = npy(dir.resolve("wrong.npy"), randomTensor(1, 2, 8, 8, 2));
        Path garbage = Files.write(dir.resolve("garbage.npy"), "garbage!garbage!".getBytes(StandardCharsets.UTF_8));
        for (Object[] args : List.of(
                new Object[] {"--input", wrong, "--output", y},
                new Object[] {"--input", garbage, "--output", y},
                new Object[] {"--input", dir.resolve("absent.npy"), "--output", y},
                new Object[] {"--input", npy(dir.resolve("ok.npy"), randomTensor(1, 1, 8, 8, 3)),
                        "--output", dir.resolve("missing/y.npy")})) {
            Proc p = javaJar(jar, args);
            assertEquals(1, p.code(), () -> Arrays.toString(args) + "\n" + p);
            assertFalse(p.err().contains("\tat "), p::toString);
            assertEquals(1, p.err().strip().lines().count(), p::toString);
            assertFalse(Files.exists(y));
        }
        Proc usage = javaJar(jar, "--output", y);
        assertEquals(2, usage.code(), usage::toString);
        Proc unknown = javaJar(jar, "--frobnicate", "1");
        assertEquals(2, unknown.code(), unknown::toString);
        Proc help = javaJar(jar, "--help");
        assertEquals(0, help.code(), help::toString);
        assertTrue(help.out().contains("[N, 8, 8, 3]"), help::toString);
    }

    @Test
    void readmeApiCompilesAgainstTheJarAndTheProgramExits() throws Exception {
        // The README's use, type-checked by javac (the source-file launcher) against the jar alone: no reflection.
        // The program returns from main without System.exit, after a batch that uses the worker threads: the
        // model's threads must not keep the JVM alive.
        Path jar = compile(small, smallW, "small.jar", "--package", "demo", "--class", "FashionNet");
        Path user = writeText(dir, "User.java", """
                import demo.FashionNet;

                public class User {
                    public static void main(String[] args) {
                        FashionNet net = FashionNet.load();
                        float[] image = new float[8 * 8 * 3];
                        float[] probs = net.predict(image);
                        float[][] batch = net.predict(new float[64][8 * 8 * 3]);
                        System.out.println(probs.length + " " + batch.length + " " + batch[63].length);
                    }
                }
                """);
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                jar.toString(), user.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readNBytes(100_000), StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertTrue(done, "the program did not exit (non-daemon model threads?)\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertEquals("5 64 5", output.strip());
    }

    @Test
    void concurrentPredictCallsGiveTheSameAnswers() throws Exception {
        Path jar = compile(small, smallW, "small.jar", "--package", "demo", "--class", "Net");
        int in = 8 * 8 * 3;
        Tensor x = randomTensor(13, 16, 8, 8, 3);
        Tensor expected = Interpreter.run(smallGraph, smallWeights, Map.of("input", x)).get("dense");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> cls = loader.loadClass("demo.Net");
            Object net = cls.getMethod("load").invoke(null);
            Method predict1 = cls.getMethod("predict", float[].class);
            Method predictN = cls.getMethod("predict", float[][].class);
            float[][] images = new float[16][];
            for (int i = 0; i < 16; i++) {
                images[i] = Arrays.copyOfRange(x.data(), i * in, (i + 1) * in);
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<float[]>> results = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    for (int i = 0; i < 16; i++) {
                        final int k = i;
                        if ((round + i) % 4 == 0) {
                            results.add(pool.submit(() -> ((float[][]) predictN.invoke(net, (Object) images))[k]));
                        } else {
                            results.add(pool.submit(() -> (float[]) predict1.invoke(net, (Object) images[k])));
                        }
                    }
                }
                for (int j = 0; j < results.size(); j++) {
                    int i = j % 16;
                    Tensor want = new Tensor(new long[] {1, 5}, Arrays.copyOfRange(expected.data(), i * 5, i * 5 + 5));
                    assertClose(want, new Tensor(new long[] {1, 5}, results.get(j).get(60, TimeUnit.SECONDS)), 1e-4,
                            "concurrent call " + j);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void legalButUnconventionalNamesAreAccepted() throws Exception {
        // `myNet` and `com.Example` are legal Java names (javac compiles them); only illegal ones are usage errors.
        Path jar = dir.resolve("m.jar");
        Result r = cnnc("compile", small, "--weights", smallW, "-o", jar, "--class", "myNet", "--package",
                "com.Example");
        assertEquals(0, r.code(), r::toString);
        List<String> names = entries(jar);
        assertTrue(names.contains("com/Example/myNet.class"), names::toString);
        Path xp = npy(dir.resolve("x.npy"), randomTensor(3, 1, 8, 8, 3));
        Proc p = javaJar(jar, "--input", xp, "--output", dir.resolve("y.npy"));
        assertEquals(0, p.code(), p::toString);
    }

    @Test
    void aPackageTheJvmForbidsIsAUsageError() throws Exception {
        // Class loaders refuse to define classes in java.* ("Prohibited package name"): such a jar could never run.
        Path jar = dir.resolve("m.jar");
        Result r = cnnc("compile", small, "--weights", smallW, "-o", jar, "--package", "java.nets");
        if (r.code() == 0) {
            Path xp = npy(dir.resolve("x.npy"), randomTensor(3, 1, 8, 8, 3));
            Proc p = javaJar(jar, "--input", xp, "--output", dir.resolve("y.npy"));
            assertEquals(0, p.code(), () -> "cnnc compile --package java.nets succeeded, but the jar cannot run:\n"
                    + p);
        } else {
            assertUserError(r, 2);
            assertTrue(r.err().contains("java.nets"), r::toString);
            assertFalse(Files.exists(jar));
        }
    }

    @Test
    void emitSourceOntoAFileNamesThatPath() throws IOException {
        Path notADir = Files.writeString(dir.resolve("afile"), "x");
        Path jar = dir.resolve("m.jar");
        Result r = cnnc("compile", small, "--weights", smallW, "-o", jar, "--emit-source", notADir);
        assertUserError(r, 1);
        assertTrue(r.err().contains("afile"), r::toString);
        assertFalse(r.err().contains("m.jar"), () -> "the message blames the jar, not --emit-source\n" + r);
        assertFalse(Files.exists(jar));
    }

    @Test
    void jarReadsTheInputsCnncRunReads() throws Exception {
        // cnnc run converts float64 (np.random.rand's default), float16 and big-endian float32 .npy inputs; the
        // compiled jar must give the same outputs for the same files.
        Path jar = compile(small, smallW, "small.jar");
        Tensor x = randomTensor(14, 2, 8, 8, 3);
        for (String descr : List.of("<f8", ">f4", "<f2")) {
            Path xp = dir.resolve("x" + descr.substring(1) + (descr.startsWith(">") ? "be" : "") + ".npy");
            Files.write(xp, npyBytes(descr, x));
            Path yRun = dir.resolve("run.npy");
            Path yJar = dir.resolve("jar.npy");
            Result r = cnnc("run", small, "--weights", smallW, "--input", xp, "--output", yRun);
            assertEquals(0, r.code(), r::toString);
            Proc p = javaJar(jar, "--input", xp, "--output", yJar);
            assertEquals(0, p.code(), () -> descr + " input:\n" + p);
            assertClose(readNpy(yRun), readNpy(yJar), 1e-6, descr);
        }
    }

    /** A version 1.0 .npy of {@code t} in dtype {@code descr} ({@code <f8}, {@code >f4} or {@code <f2}). */
    private static byte[] npyBytes(String descr, Tensor t) {
        long[] s = t.shape();
        StringBuilder dims = new StringBuilder();
        for (long d : s) {
            dims.append(d).append(", ");
        }
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims.toString().strip()
                .replaceAll(",$", s.length == 1 ? "," : "") + "), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        int width = descr.endsWith("8") ? 8 : descr.endsWith("4") ? 4 : 2;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + header.length() + width * t.size())
                .order(descr.startsWith(">") ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) header.length());
        b.order(descr.startsWith(">") ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : t.data()) {
            switch (width) {
                case 8 -> b.putDouble(v);
                case 4 -> b.putFloat(v);
                default -> b.putShort(toHalf(v));
            }
        }
        return b.array();
    }

    /** float → IEEE half by truncation (normal numbers and zero; enough for values in ±1). */
    private static short toHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = ((bits >>> 23) & 0xff) - 127 + 15;
        if (exp <= 0) {
            return (short) sign;
        }
        return (short) (sign | (exp << 10) | ((bits & 0x7fffff) >> 13));
    }

    @Test
    void jarNamesTheFileOfANegativeShape() throws Exception {
        Path jar = compile(small, smallW, "small.jar");
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 8, 8, 3), }";
        int total = 10 + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length(), 0});
        bytes.write(header.getBytes(StandardCharsets.US_ASCII));
        bytes.write(new byte[64]);
        Path xp = Files.write(dir.resolve("neg.npy"), bytes.toByteArray());
        Proc p = javaJar(jar, "--input", xp, "--output", dir.resolve("y.npy"));
        assertEquals(1, p.code(), p::toString);
        assertTrue(p.err().contains("neg.npy"), () -> "the message does not name the file\n" + p);
        assertEquals(1, p.err().strip().lines().count(), p::toString);
    }

    @Test
    void badClassOrPackageIsAUsageErrorAndWritesNothing() throws IOException {
        Path src = dir.resolve("src");
        List<String> before = listing(dir);
        for (Object[] opt : List.of(new Object[] {"--class", "1abc"}, new Object[] {"--class", "my-net"},
                new Object[] {"--class", "class"}, new Object[] {"--package", "com.1x"},
                new Object[] {"--package", "a-b"})) {
            Path jar = dir.resolve("m.jar");
            List<Object> args = new ArrayList<>(List.of("compile", small, "--weights", smallW, "-o", jar,
                    "--emit-source", src));
            Collections.addAll(args, opt);
            Result r = cnnc(args.toArray());
            assertUserError(r, 2);
            assertTrue(r.err().contains(String.valueOf(opt[1])), r::toString);
            assertFalse(Files.exists(jar), r::toString);
            assertEquals(before, listing(dir), r::toString);
        }
    }

    @Test
    void compileErrors() throws IOException {
        Path jar = dir.resolve("m.jar");
        Map<String, Tensor> wrong = new java.util.LinkedHashMap<>(smallWeights);
        wrong.remove("dense.bias");
        Path wrongW = safetensors(dir.resolve("wrong.safetensors"), wrong);
        List<String> before = listing(dir);
        Result r = cnnc("compile", small, "--weights", wrongW, "-o", jar);
        assertUserError(r, 1, false);
        assertTrue(r.err().contains("dense.bias"), r::toString);
        assertUserError(cnnc("compile", small, "--weights", smallW, "-o", dir.resolve("no/dir/m.jar")), 1);
        assertUserError(cnnc("compile", small, "--weights", smallW, "-o", jar, "--target", "opencl-x"), 2);
        assertUserError(cnnc("compile", small, "--weights", smallW), 2);
        assertUserError(cnnc("compile", small, "-o", jar), 2);
        assertEquals(before, listing(dir));
        // An existing jar is left as it was when compilation fails.
        Files.writeString(jar, "old");
        assertUserError(cnnc("compile", small, "--weights", wrongW, "-o", jar), 1, false);
        assertEquals("old", Files.readString(jar));
    }

    @Test
    void recompilingGivesTheSameJarContents() throws Exception {
        Path a = compile(small, smallW, "a.jar");
        Path b = compile(small, smallW, "b.jar");
        assertEquals(entries(a), entries(b));
        try (JarFile ja = new JarFile(a.toFile()); JarFile jb = new JarFile(b.toFile())) {
            for (String e : entries(a)) {
                if (!e.endsWith("/")) {
                    assertArrayEquals(ja.getInputStream(ja.getEntry(e)).readAllBytes(),
                            jb.getInputStream(jb.getEntry(e)).readAllBytes(), e);
                }
            }
        }
        assertNotEquals(0, Files.size(a));
    }
}
