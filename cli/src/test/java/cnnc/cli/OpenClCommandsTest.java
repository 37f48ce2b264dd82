package cnnc.cli;

import static cnnc.cli.BackendFixtures.assertClose;
import static cnnc.cli.BackendFixtures.assertUserError;
import static cnnc.cli.BackendFixtures.cnnc;
import static cnnc.cli.BackendFixtures.graph;
import static cnnc.cli.BackendFixtures.npy;
import static cnnc.cli.BackendFixtures.randomTensor;
import static cnnc.cli.BackendFixtures.randomWeights;
import static cnnc.cli.BackendFixtures.readNpy;
import static cnnc.cli.BackendFixtures.safetensors;
import static cnnc.cli.BackendFixtures.writeText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.cli.BackendFixtures.Result;
import cnnc.cli.TrainFixtures.Data;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.opencl.ClExecutable;
import cnnc.runtime.opencl.OpenCl;
import cnnc.runtime.opencl.OpenClException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenCL backend from the command line: {@code cnnc devices}, {@code --backend opencl} on run, evaluate, predict
 * and bench ({@code --profile}), {@code --device} selection and its errors, {@code compile --target opencl} and
 * loading what it wrote, and the message on a machine without OpenCL (a child JVM whose ICD loader finds no
 * platform). Skipped, saying why, where this machine has no OpenCL.
 */
class OpenClCommandsTest {
    private static final String MODEL = """
            model Small {
              input [10, 10, 3]
              Conv2D(8, 3, padding=same, activation=relu)
              BatchNormalization()
              MaxPooling2D(2)
              DepthwiseConv2D(3, padding=same, activation=tanh)
              GlobalAveragePooling2D()
              Dense(4, activation=softmax)
            }
            """;

    private static String missing;

    @TempDir
    Path dir;

    @BeforeAll
    static void probe() {
        try {
            OpenCl.devices();
        } catch (OpenClException e) {
            missing = e.getMessage();
            System.err.println("OpenCL tests SKIPPED: " + missing);
        }
    }

    private static void needOpenCl() {
        Assumptions.assumeTrue(missing == null, () -> "no OpenCL: " + missing);
    }

    @Test
    void devicesListsThePlatformsAndTheDefault() {
        needOpenCl();
        Result r = cnnc("devices");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("platform: "), r::toString);
        assertTrue(r.out().contains("  0: ") && r.out().contains("compute units") && r.out().contains("default: 0"),
                r::toString);
        List<?> json = (List<?>) MiniJson.parse(cnnc("devices", "--json").out().strip());
        Map<?, ?> first = (Map<?, ?>) json.get(0);
        assertEquals(0L, first.get("index"));
        assertTrue(((Long) first.get("global_memory_bytes")) > 0 && first.containsKey("max_work_group_size"));
    }

    @Test
    void runEvaluateAndPredictAgreeWithTheJavaBackend() {
        needOpenCl();
        Path m = writeText(dir, "small.cnn", MODEL);
        Graph g = graph(MODEL);
        Path w = safetensors(dir.resolve("w.safetensors"), randomWeights(g, 3));
        Path x = npy(dir.resolve("x.npy"), randomTensor(4, 5, 10, 10, 3));
        for (String b : new String[] {"java", "opencl"}) {
            Result r = cnnc("run", m, "--weights", w, "--input", x, "--output", dir.resolve(b + ".npy"), "--backend", b);
            assertEquals(0, r.code(), r::toString);
        }
        assertClose(readNpy(dir.resolve("java.npy")), readNpy(dir.resolve("opencl.npy")), 1e-4, "run");

        Path quad = writeText(dir, "quad.cnn", TrainFixtures.QUAD);
        Path qw = safetensors(dir.resolve("qw.safetensors"), randomWeights(graph(TrainFixtures.QUAD), 5));
        Data data = TrainFixtures.quadrants(dir, 30, 6);
        Map<?, ?> java = (Map<?, ?>) MiniJson.parse(cnnc("evaluate", quad, "--weights", qw, "--data", data.spec(),
                "--json").out().strip());
        Result cl = cnnc("evaluate", quad, "--weights", qw, "--data", data.spec(), "--json", "--backend", "opencl");
        assertEquals(0, cl.code(), cl::toString);
        Map<?, ?> opencl = (Map<?, ?>) MiniJson.parse(cl.out().strip());
        assertEquals(java.get("confusion_matrix"), opencl.get("confusion_matrix"));
        assertEquals(((Number) java.get("loss")).doubleValue(), ((Number) opencl.get("loss")).doubleValue(), 1e-5);

        Result pj = cnnc("predict", m, "--weights", w, dir.resolve("x.npy"));
        Result pc = cnnc("predict", m, "--weights", w, dir.resolve("x.npy"), "--backend", "opencl");
        assertEquals(0, pc.code(), pc::toString);
        assertEquals(pj.out().replaceAll("0\\.\\d+", "p"), pc.out().replaceAll("0\\.\\d+", "p"),
                "the same classes in the same order");
    }

    @Test
    void benchProfilesEveryKernel() {
        needOpenCl();
        Path m = writeText(dir, "small.cnn", MODEL);
        Result r = cnnc("bench", m, "--backend", "opencl", "--profile", "--warmup", 0, "--time", 0.2, "--batch", 2);
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("backend opencl, batch 2, device "), r::toString);
        assertTrue(r.out().contains("kernel device time per run:\n  g0 "), r::toString);
        assertTrue(r.out().contains("\n  all "), r::toString);
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(cnnc("bench", m, "--backend", "opencl", "--profile", "--warmup",
                0, "--time", 0.1, "--json").out().strip());
        assertTrue(((List<?>) json.get("kernels")).size() >= 4, json::toString);
    }

    @Test
    void deviceSelectionErrors() {
        needOpenCl();
        Path m = writeText(dir, "small.cnn", MODEL);
        int count = OpenCl.devices().size();
        Result r = cnnc("bench", m, "--backend", "opencl", "--device", count, "--time", 0.1);
        assertUserError(r, Main.EXIT_INVALID);
        assertTrue(r.err().startsWith("cnnc: error: --device " + count + ": there "), r::toString);
        Result name = cnnc("bench", m, "--backend", "opencl", "--device", "no-such-device-xyz", "--time", 0.1);
        assertUserError(name, Main.EXIT_INVALID);
        assertEquals("cnnc: error: --device 'no-such-device-xyz' matches no device name or platform; see cnnc devices\n",
                name.err());
        Result byName = cnnc("bench", m, "--backend", "opencl", "--device",
                OpenCl.devices().get(0).name().substring(0, 4), "--time", 0.1, "--warmup", 0);
        assertEquals(0, byName.code(), byName::toString);
        assertUserError(cnnc("bench", m, "--device", "0"), Main.EXIT_USAGE);
        assertUserError(cnnc("bench", m, "--profile"), Main.EXIT_USAGE);
    }

    @Test
    void compiledBundleLoadsAndRunsAlike() throws IOException {
        needOpenCl();
        Path m = writeText(dir, "small.cnn", MODEL);
        Graph g = graph(MODEL);
        Map<String, Tensor> weights = randomWeights(g, 8);
        Path w = safetensors(dir.resolve("w.safetensors"), weights);
        Path out = dir.resolve("bundle");
        Result r = cnnc("compile", m, "--weights", w, "--target", "opencl", "-o", out);
        assertEquals(0, r.code(), r::toString);
        Tensor x = randomTensor(9, 3, 10, 10, 3);
        Map<String, Tensor> direct;
        try (ClExecutable cl = ClExecutable.compile(g, weights, null, false)) {
            direct = cl.run(Map.of("input", x));
        }
        try (ClExecutable loaded = ClExecutable.load(out, null, false)) {
            Map<String, Tensor> again = loaded.run(Map.of("input", x));
            assertClose(direct.get("dense"), again.get("dense"), 1e-6, "bundle");
        }
        assertTrue(java.nio.file.Files.readString(out.resolve("manifest.json"), StandardCharsets.UTF_8)
                .contains("\"format\": \"cnnc-opencl-1\""));
        assertUserError(cnnc("compile", m, "--weights", w, "--target", "opencl", "-o", out, "--class", "X"),
                Main.EXIT_USAGE);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"adam(learning_rate=0.01)",
        "adam(learning_rate=0.01, amsgrad=true)", "sgd(learning_rate=0.05)",
        "sgd(learning_rate=0.05, momentum=0.9, nesterov=true)", "rmsprop(learning_rate=0.005)",
        "rmsprop(learning_rate=0.005, momentum=0.5, centered=true)"})
    void trainingOnOpenClFollowsTheJavaBackendsLossCurve(String optimizer) {
        needOpenCl();
        Path m = writeText(dir, "quad.cnn", TrainFixtures.QUAD_BN_DROPOUT);
        Data data = TrainFixtures.quadrants(dir, 48, 11);
        List<double[]> curves = new java.util.ArrayList<>();
        for (String b : new String[] {"java", "opencl"}) {
            Result r = cnnc("train", m, "--data", data.spec(), "--epochs", 3, "--batch-size", 8, "--seed", 4,
                    "--threads", 1, "--backend", b, "--optimizer", optimizer, "--save", dir.resolve(b + ".safetensors"));
            assertEquals(0, r.code(), r::toString);
            curves.add(java.util.regex.Pattern.compile("loss (\\d+\\.\\d+)").matcher(r.out()).results()
                    .mapToDouble(x -> Double.parseDouble(x.group(1))).toArray());
        }
        assertEquals(3, curves.get(0).length, "three epochs");
        for (int e = 0; e < 3; e++) {
            assertEquals(curves.get(0)[e], curves.get(1)[e], 2e-3 * Math.max(1, curves.get(0)[e]),
                    "epoch " + (e + 1) + "'s loss, Java " + java.util.Arrays.toString(curves.get(0)) + ", OpenCL "
                            + java.util.Arrays.toString(curves.get(1)));
        }
        assertTrue(curves.get(0)[2] < curves.get(0)[0], "the loss falls");
        // The weights the optimizer left on the device came back for --save.
        Map<String, Tensor> java = BackendFixtures.readSafetensors(dir.resolve("java.safetensors"));
        Map<String, Tensor> opencl = BackendFixtures.readSafetensors(dir.resolve("opencl.safetensors"));
        assertEquals(java.keySet(), opencl.keySet());
        for (String k : java.keySet()) {
            assertClose(java.get(k), opencl.get(k), 2e-3, k);
        }
        assertUserError(cnnc("train", m, "--data", data.spec(), "--device", "0"), Main.EXIT_USAGE);
    }

    @Test
    void resumingOnOpenClGivesTheUninterruptedRun() {
        needOpenCl();
        Path m = writeText(dir, "quad.cnn", TrainFixtures.QUAD);
        Data data = TrainFixtures.quadrants(dir, 32, 12);
        Object[] common = {"train", m, "--data", data.spec(), "--batch-size", 8, "--seed", 5, "--backend", "opencl",
            "--optimizer", "adam(learning_rate=0.01)"};
        Result whole = cnnc(concat(common, "--epochs", 3, "--save", dir.resolve("whole.safetensors")));
        assertEquals(0, whole.code(), whole::toString);
        Path ck = dir.resolve("ck");
        assertEquals(0, cnnc(concat(common, "--epochs", 2, "--checkpoint-dir", ck)).code());
        Result resumed = cnnc(concat(common, "--epochs", 3, "--checkpoint-dir", ck, "--resume", "--save",
                dir.resolve("resumed.safetensors")));
        assertEquals(0, resumed.code(), resumed::toString);
        Map<String, Tensor> a = BackendFixtures.readSafetensors(dir.resolve("whole.safetensors"));
        Map<String, Tensor> b = BackendFixtures.readSafetensors(dir.resolve("resumed.safetensors"));
        for (String k : a.keySet()) {
            assertClose(a.get(k), b.get(k), 1e-6, k);
        }
    }

    private static Object[] concat(Object[] a, Object... b) {
        Object[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void withoutAnOpenClPlatformTheMessageSaysWhatToInstall() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "cnnc.cli.Main", "devices");
        pb.environment().put("OCL_ICD_VENDORS", dir.resolve("no-vendors").toString());
        pb.environment().put("OPENCL_VENDOR_PATH", dir.resolve("no-vendors").toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor(), text);
        assertEquals("cnnc: error: " + OpenCl.NO_PLATFORM + "\n", text);
    }
}
