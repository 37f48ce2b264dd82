package cnnc.runtime.golden;

import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.Npy;
import cnnc.runtime.io.Safetensors;
import cnnc.runtime.io.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The training golden fixtures in {@code src/test/resources/golden_train}: small models whose loss, weight gradients
 * and BatchNormalization batch moments PyTorch autograd computed on one batch ({@code make_golden_train.py} there
 * regenerates them and documents every convention). Each model {@code m} has {@code m.cnn}, {@code m.safetensors}
 * (weights keyed {@code <layer>.<weight>}), {@code m.input.<input>.npy}, {@code m.target.npy} (the training graph's
 * {@code target}), {@code m.expected.safetensors} (keyed by training-graph output name, plus {@code mean_loss}; its
 * metadata names the loss) and the weights after one optimizer step, {@code m.after_sgd.safetensors} and
 * {@code m.after_adam.safetensors} (trainable weights only; the hyper-parameters are in their metadata).
 */
public final class TrainingGoldenFixtures {
    /** The fixture models, by file stem. */
    public static final List<String> MODELS = List.of("conv_bn", "dense_mse", "cat_ce", "binary");

    /** The key of the expected mean loss (the training loss), which is not a graph output. */
    public static final String MEAN_LOSS = "mean_loss";

    /**
     * One fixture. {@code loss} is the Keras loss name; {@code defaultLoss} says whether {@code Grad(null)} must pick
     * that loss for this model; {@code inputs} holds the model inputs and {@code target}.
     */
    public record Fixture(String name, String source, String loss, boolean defaultLoss, Map<String, Tensor> weights,
            Map<String, Tensor> inputs, Map<String, Tensor> expected, SafetensorsFile afterSgd,
            SafetensorsFile afterAdam) {
        @Override
        public String toString() {
            return name;
        }
    }

    private TrainingGoldenFixtures() {}

    /** The folder holding the fixtures (the test-classes copy of the resources). */
    public static Path directory() {
        URL url = TrainingGoldenFixtures.class.getResource("/golden_train/make_golden_train.py");
        if (url == null) {
            throw new IllegalStateException("training golden fixtures not on the test classpath "
                    + "(/golden_train/make_golden_train.py)");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Stream<Fixture> all() {
        return MODELS.stream().map(TrainingGoldenFixtures::load);
    }

    public static Fixture load(String model) {
        Path dir = directory();
        try {
            String source = Files.readString(dir.resolve(model + ".cnn"), StandardCharsets.UTF_8);
            Map<String, Tensor> weights = Safetensors.read(dir.resolve(model + ".safetensors")).tensors();
            Map<String, Tensor> inputs = new TreeMap<>();
            String prefix = model + ".input.";
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String f = p.getFileName().toString();
                    if (f.startsWith(prefix) && f.endsWith(".npy")) {
                        inputs.put(f.substring(prefix.length(), f.length() - ".npy".length()), Npy.read(p));
                    }
                }
            }
            if (inputs.isEmpty()) {
                throw new IOException("no " + prefix + "*.npy in " + dir);
            }
            inputs.put("target", Npy.read(dir.resolve(model + ".target.npy")));
            SafetensorsFile expected = Safetensors.read(dir.resolve(model + ".expected.safetensors"));
            String loss = expected.metadata().get("loss");
            if (loss == null) {
                throw new IOException(model + ".expected.safetensors has no `loss` in its metadata");
            }
            return new Fixture(model, source, loss, "true".equals(expected.metadata().get("default_loss")), weights,
                    inputs, expected.tensors(), Safetensors.read(dir.resolve(model + ".after_sgd.safetensors")),
                    Safetensors.read(dir.resolve(model + ".after_adam.safetensors")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load training golden fixture " + model + " from " + dir, e);
        }
    }
}
