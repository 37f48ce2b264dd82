package cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.FileFormatException;
import cnnc.runtime.io.Safetensors;
import cnnc.runtime.io.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One file holds weights, optimizer state and metadata; it round-trips, resumes exactly, and refuses misuse. */
class CheckpointTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> weights() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("conv2d.kernel", new Tensor(new long[] {2, 2, 1, 3}, ramp(12, 0.1f)));
        w.put("conv2d.bias", new Tensor(new long[] {3}, ramp(3, -0.2f)));
        w.put("dense.kernel", new Tensor(new long[] {3, 2}, ramp(6, 0.05f)));
        return w;
    }

    private static Map<String, long[]> shapes(Map<String, Tensor> weights) {
        Map<String, long[]> s = new LinkedHashMap<>();
        weights.forEach((k, t) -> s.put(k, t.shape()));
        return s;
    }

    private static float[] ramp(int n, float scale) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = scale * (i - n / 2f);
        }
        return f;
    }

    private static Map<String, float[]> arrays(Map<String, Tensor> weights) {
        Map<String, float[]> a = new LinkedHashMap<>();
        weights.forEach((k, t) -> a.put(k, t.data().clone()));
        return a;
    }

    private static Map<String, Tensor> tensors(Map<String, float[]> arrays, Map<String, Tensor> like) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        arrays.forEach((k, a) -> t.put(k, new Tensor(like.get(k).shape(), a)));
        return t;
    }

    /** A gradient for step {@code k}: all weights but the bias, which is frozen in odd steps. */
    private static Map<String, float[]> grads(Map<String, float[]> w, int k) {
        Map<String, float[]> g = new LinkedHashMap<>();
        w.forEach((name, a) -> {
            if (!(name.endsWith("bias") && k % 2 == 1)) {
                float[] d = new float[a.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) Math.sin(1.3 * i + 0.7 * k + name.length());
                }
                g.put(name, d);
            }
        });
        return g;
    }

    private Checkpoint trained(Optimizer optimizer, int steps) {
        Map<String, float[]> w = arrays(weights());
        for (int k = 0; k < steps; k++) {
            optimizer.step(w, grads(w, k));
        }
        return Checkpoint.of("lenet", tensors(w, weights()), optimizer, 1, 42, 0.25);
    }

    @Test
    void roundTrip() throws IOException {
        Adam adam = new Adam(new ConstantLearningRate(0.01), 0.9, 0.999, 1e-7, true);
        Checkpoint c = trained(adam, 3).withExtra(Map.of("early_stopping_wait", "1"));
        Path file = dir.resolve("c.safetensors");
        c.save(file);

        Checkpoint back = Checkpoint.read(file);
        assertEquals("lenet", back.model());
        assertEquals(adam.describe(), back.optimizer());
        assertEquals("adam", back.optimizerName());
        assertEquals(1, back.epoch());
        assertEquals(3, back.step());
        assertEquals(42, back.seed());
        assertEquals(0.25, back.best());
        assertEquals(Map.of("early_stopping_wait", "1"), back.extra());
        assertEquals(c.weights().keySet(), back.weights().keySet());
        c.weights().forEach((k, t) -> {
            assertArrayEquals(t.shape(), back.weights().get(k).shape());
            assertArrayEquals(t.data(), back.weights().get(k).data());
        });
        assertEquals(c.optimizerState().keySet(), back.optimizerState().keySet());
        c.optimizerState().forEach((k, t) -> assertArrayEquals(t.data(), back.optimizerState().get(k).data(), k));

        // As any safetensors reader sees it: slots in their weight's shape, a scalar step count, the metadata
        SafetensorsFile raw = Safetensors.read(file);
        assertArrayEquals(new long[] {2, 2, 1, 3}, raw.tensor("optimizer/conv2d.kernel/vhat").shape());
        assertArrayEquals(new long[0], raw.tensor("optimizer/iterations").shape());
        assertEquals(3f, raw.tensor("optimizer/iterations").data()[0]);
        assertEquals(List.of("format", "format_version", "model", "optimizer", "epoch", "step", "seed", "best",
                "early_stopping_wait"), List.copyOf(raw.metadata().keySet()));
        assertEquals("cnnc-checkpoint", raw.metadata().get("format"));
        assertEquals("1", raw.metadata().get("format_version"));
    }

    @Test
    void noBestIsNaN() throws IOException {
        Checkpoint c = Checkpoint.of("m", weights(), new Sgd(), 0, -7, Double.NaN);
        Path file = dir.resolve("c.safetensors");
        c.save(file);
        Checkpoint back = Checkpoint.read(file);
        assertTrue(Double.isNaN(back.best()));
        assertEquals(-7, back.seed());
        assertEquals(0, back.step());
    }

    @Test
    void ofCopiesTheWeights() {
        Map<String, Tensor> w = weights();
        Checkpoint c = Checkpoint.of("lenet", w, new Sgd(), 0, 1, Double.NaN);
        w.get("conv2d.bias").data()[0] = 1234;
        assertEquals(-0.2f * -1.5f, c.weights().get("conv2d.bias").data()[0]);
    }

    @Test
    void resumingFromTheFileEqualsNotStopping() throws IOException {
        String spec = "rmsprop(learning_rate=cosine(initial_learning_rate=0.01, decay_steps=5), momentum=0.5, "
                + "centered=true)";
        Map<String, float[]> straight = arrays(weights());
        Optimizer one = Optimizers.parse(spec);
        for (int k = 0; k < 6; k++) {
            one.step(straight, grads(straight, k));
        }

        Map<String, float[]> w = arrays(weights());
        Optimizer before = Optimizers.parse(spec);
        for (int k = 0; k < 3; k++) {
            before.step(w, grads(w, k));
        }
        Path file = dir.resolve("last.safetensors");
        Checkpoint.of("lenet", tensors(w, weights()), before, 1, 42, 0.5).save(file);

        Optimizer after = Optimizers.parse(spec);
        Checkpoint c = Checkpoint.load(file, "lenet", shapes(weights()), after);
        Map<String, float[]> resumed = arrays(c.weights());
        for (int k = (int) c.step(); k < 6; k++) {
            after.step(resumed, grads(resumed, k));
        }
        straight.forEach((k, a) -> assertArrayEquals(a, resumed.get(k), k));
    }

    @Test
    void aChangedLearningRateMayResume() throws IOException {
        Path file = dir.resolve("c.safetensors");
        trained(Optimizers.parse("adam(learning_rate=0.01)"), 2).save(file);
        Optimizer faster = Optimizers.parse("adam(learning_rate=0.1)");
        Checkpoint.load(file, "lenet", null, faster);
        assertEquals(2, faster.iterations());
    }

    @Test
    void refusesAnotherModel() throws IOException {
        Path file = dir.resolve("c.safetensors");
        trained(new Adam(), 1).save(file);
        assertError(file, "resnet", null, new Adam(), "this is a checkpoint of the model `lenet`, not of `resnet`; "
                + "resume from a checkpoint of `resnet`, or train from the start");

        Map<String, long[]> wider = shapes(weights());
        wider.put("dense.kernel", new long[] {3, 4});
        assertError(file, "lenet", wider, new Adam(), "the weight `dense.kernel` has shape [3, 2] in the checkpoint "
                + "but [3, 4] in the model: a checkpoint of another version of the model?");

        Map<String, long[]> more = shapes(weights());
        more.put("dense.bias", new long[] {2});
        assertError(file, "lenet", more, new Adam(), "the checkpoint lacks the weight `dense.bias` of the model: a "
                + "checkpoint of another version of the model?");

        Map<String, long[]> fewer = shapes(weights());
        fewer.remove("conv2d.bias");
        assertError(file, "lenet", fewer, new Adam(), "the checkpoint has the weight `conv2d.bias`, which the model "
                + "lacks: a checkpoint of another version of the model?");
    }

    @Test
    void refusesAnotherOptimizerAndLeavesItAlone() throws IOException {
        Path file = dir.resolve("c.safetensors");
        trained(new Adam(), 2).save(file);

        Sgd sgd = new Sgd(new ConstantLearningRate(0.1), 0.9, false);
        assertError(file, "lenet", null, sgd, "the checkpoint was saved while training with adam(learning_rate=0.001, "
                + "beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false), but this run uses sgd(learning_rate=0.1, "
                + "momentum=0.9, nesterov=false); optimizer state does not carry over to another kind of optimizer: "
                + "resume with adam, or train from the start");
        assertEquals(0, sgd.iterations());

        Adam amsgrad = new Adam(new ConstantLearningRate(0.001), 0.9, 0.999, 1e-7, true);
        assertError(file, "lenet", null, amsgrad, "the optimizer state does not fit adam(learning_rate=0.001, "
                + "beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=true): the optimizer state for `conv2d.kernel` "
                + "lacks the slot vhat that adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, "
                + "amsgrad=true) keeps; the state was saved by an optimizer with other settings");
        assertEquals(0, amsgrad.iterations());
        assertEquals(List.of("iterations"), List.copyOf(amsgrad.state().keySet()));
    }

    @Test
    void refusesFilesThatAreNotCheckpoints() throws IOException {
        Path weightsFile = dir.resolve("weights.safetensors");
        Safetensors.write(weightsFile, weights(), Map.of());
        FileFormatException e = assertThrows(FileFormatException.class, () -> Checkpoint.read(weightsFile));
        assertEquals("not a cnnc checkpoint: its metadata has no \"format\": \"cnnc-checkpoint\" entry (a weights "
                + "file? it holds 3 tensors but no training state)", e.problem());
        assertEquals(weightsFile.toString(), e.file());

        Path newer = dir.resolve("newer.safetensors");
        Map<String, String> meta = new LinkedHashMap<>(Map.of("format", "cnnc-checkpoint", "format_version", "2"));
        Safetensors.write(newer, weights(), meta);
        e = assertThrows(FileFormatException.class, () -> Checkpoint.read(newer));
        assertEquals("the checkpoint has format version 2, from a newer cnnc; this one reads version 1", e.problem());

        Path broken = dir.resolve("broken.safetensors");
        meta = new LinkedHashMap<>(Map.of("format", "cnnc-checkpoint", "format_version", "1", "model", "m",
                "optimizer", "sgd", "epoch", "-1"));
        Safetensors.write(broken, weights(), meta);
        e = assertThrows(FileFormatException.class, () -> Checkpoint.read(broken));
        assertEquals("the checkpoint's \"epoch\" must be a whole number >= 0, not \"-1\"", e.problem());

        meta.put("epoch", "3");
        Safetensors.write(broken, weights(), meta);
        e = assertThrows(FileFormatException.class, () -> Checkpoint.read(broken));
        assertEquals("the checkpoint's metadata lacks \"step\"", e.problem());
    }

    @Test
    void refusesReservedNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Checkpoint("m", "sgd", 0,
                0, 0, Double.NaN, Map.of("optimizer/x", new Tensor(new long[] {1}, new float[1])), Map.of(),
                Map.of()));
        assertEquals("a weight may not be named `optimizer/x`: the prefix `optimizer/` is for the optimizer state",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.of("m", weights(), new Sgd(), 0, 0, 0)
                .withExtra(Map.of("epoch", "9")));
        assertEquals("the metadata entry `epoch` is reserved for the checkpoint itself", e.getMessage());
    }

    @Test
    void aFailedSaveLeavesTheOldCheckpoint() throws IOException {
        Path file = dir.resolve("last.safetensors");
        trained(new Adam(), 1).save(file);
        byte[] old = Files.readAllBytes(file);

        // A checkpoint large enough that the write fails in the middle: an interrupted thread's file channel closes
        // at its first write (ClosedByInterruptException), as a killed or cancelled training run's would.
        Map<String, Tensor> big = new LinkedHashMap<>(weights());
        big.put("dense2.kernel", new Tensor(new long[] {512, 256}, new float[512 * 256]));
        Checkpoint next = Checkpoint.of("lenet", big, new Adam(), 2, 42, 0.1);
        IOException e;
        Thread.currentThread().interrupt();
        try {
            e = assertThrows(IOException.class, () -> next.save(file));
        } finally {
            Thread.interrupted();
        }
        assertTrue(e.getMessage().startsWith("cannot write " + file + ": "), e.getMessage());
        assertTrue(e.getMessage().endsWith("(the existing file is unchanged)"), e.getMessage());
        assertArrayEquals(old, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
        assertEquals(1, Checkpoint.read(file).step());
    }

    private static void assertError(Path file, String model, Map<String, long[]> shapes, Optimizer optimizer,
                                    String problem) {
        FileFormatException e = assertThrows(FileFormatException.class,
                () -> Checkpoint.load(file, model, shapes, optimizer));
        assertEquals(problem, e.problem());
    }
}
