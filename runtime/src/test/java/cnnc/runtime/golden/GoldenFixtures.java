package cnnc.runtime.golden;

import cnnc.compiler.ir.Tensor;
import cnnc.runtime.io.Npy;
import cnnc.runtime.io.Safetensors;
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
 * The golden fixtures in {@code src/test/resources/golden}: small models whose forward pass was computed by PyTorch
 * ({@code make_golden.py} there regenerates them all and documents the conventions). Each model {@code m} has
 * {@code m.cnn}, {@code m.safetensors} (weights keyed {@code <layer>.<weight>}), {@code m.input.<input>.npy} and
 * {@code m.output.<output>.npy} (float32, batch axis first).
 *
 * <p>The files are read with the runtime's own readers ({@link Safetensors}, {@link Npy}).
 */
public final class GoldenFixtures {
    /** The fixture models, by file stem. */
    public static final List<String> MODELS = List.of("conv2d", "depthwise", "pooling", "elementwise", "merge",
            "small_cnn");

    /** One fixture: the model text, its weights, its inputs and the expected outputs, in file-name order. */
    public record Fixture(String name, String source, Map<String, Tensor> weights, Map<String, Tensor> inputs,
            Map<String, Tensor> outputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    private GoldenFixtures() {}

    /** The folder holding the fixtures (the test-classes copy of the resources). */
    public static Path directory() {
        URL url = GoldenFixtures.class.getResource("/golden/make_golden.py");
        if (url == null) {
            throw new IllegalStateException("golden fixtures not on the test classpath (/golden/make_golden.py)");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Stream<Fixture> all() {
        return MODELS.stream().map(GoldenFixtures::load);
    }

    public static Fixture load(String model) {
        Path dir = directory();
        try {
            String source = Files.readString(dir.resolve(model + ".cnn"), StandardCharsets.UTF_8);
            Map<String, Tensor> weights = Safetensors.read(dir.resolve(model + ".safetensors")).tensors();
            return new Fixture(model, source, weights, arrays(dir, model + ".input."),
                    arrays(dir, model + ".output."));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load golden fixture " + model + " from " + dir, e);
        }
    }

    /** Every {@code <prefix><name>.npy} in {@code dir}, keyed by name. */
    private static Map<String, Tensor> arrays(Path dir, String prefix) throws IOException {
        Map<String, Tensor> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String f = p.getFileName().toString();
                if (f.startsWith(prefix) && f.endsWith(".npy")) {
                    out.put(f.substring(prefix.length(), f.length() - ".npy".length()), Npy.read(p));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no " + prefix + "*.npy in " + dir);
        }
        return out;
    }
}
