package cnnc.runtime.golden;

import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The golden fixtures in {@code src/test/resources/golden}: small models whose forward pass was computed by PyTorch
 * ({@code make_golden.py} there regenerates them all and documents the conventions). Each model {@code m} has
 * {@code m.cnn}, {@code m.safetensors} (weights keyed {@code <layer>.<weight>}), {@code m.input.<input>.npy} and
 * {@code m.output.<output>.npy} (float32, batch axis first).
 *
 * <p>The readers here are test-only and minimal (float32 little-endian, C order): the fixtures are checked
 * independently of the runtime's own file readers.
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
            Map<String, Tensor> weights = readSafetensors(dir.resolve(model + ".safetensors"));
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
                    out.put(f.substring(prefix.length(), f.length() - ".npy".length()), readNpy(p));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no " + prefix + "*.npy in " + dir);
        }
        return out;
    }

    private static final Pattern NPY_DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern NPY_ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern NPY_SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** A float32 little-endian C-order .npy (format versions 1 to 3). */
    static Tensor readNpy(Path path) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        buf.get(magic);
        if (!new String(magic, StandardCharsets.ISO_8859_1).equals("\u0093NUMPY")) {
            throw new IOException(path + ": not a .npy file");
        }
        int major = buf.get();
        buf.get();
        int headerLength = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
        byte[] header = new byte[headerLength];
        buf.get(header);
        String h = new String(header, StandardCharsets.ISO_8859_1);
        Matcher descr = NPY_DESCR.matcher(h);
        Matcher order = NPY_ORDER.matcher(h);
        Matcher shape = NPY_SHAPE.matcher(h);
        if (!descr.find() || !order.find() || !shape.find()) {
            throw new IOException(path + ": unreadable .npy header " + h);
        }
        if (!descr.group(1).equals("<f4") || order.group(1).equals("True")) {
            throw new IOException(path + ": expected little-endian float32 in C order, header " + h);
        }
        List<Long> dims = new ArrayList<>();
        for (String d : shape.group(1).split(",")) {
            if (!d.isBlank()) {
                dims.add(Long.parseLong(d.trim()));
            }
        }
        long[] s = dims.stream().mapToLong(Long::longValue).toArray();
        float[] data = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(data);
        return new Tensor(s, data);
    }

    private static final Pattern ST_ENTRY = Pattern.compile(
            "\"((?:[^\"\\\\]|\\\\.)*)\"\\s*:\\s*\\{\\s*\"dtype\"\\s*:\\s*\"(\\w+)\"\\s*,\\s*\"shape\"\\s*:\\s*\\[([^]]*)]"
            + "\\s*,\\s*\"data_offsets\"\\s*:\\s*\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]\\s*}");

    /**
     * A safetensors file of F32 tensors: u64 little-endian header length, a JSON header of
     * {@code "name": {"dtype", "shape", "data_offsets"}} entries in that key order (as make_golden.py writes them;
     * {@code __metadata__} is skipped), then the data.
     */
    static Map<String, Tensor> readSafetensors(Path path) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.toIntExact(buf.getLong());
        String header = new String(buf.array(), 8, headerLength, StandardCharsets.UTF_8);
        int dataStart = 8 + headerLength;
        Map<String, Tensor> out = new LinkedHashMap<>();
        Matcher m = ST_ENTRY.matcher(header);
        while (m.find()) {
            if (!m.group(2).equals("F32")) {
                throw new IOException(path + ": tensor " + m.group(1) + " is " + m.group(2) + ", expected F32");
            }
            long[] shape = m.group(3).isBlank() ? new long[0]
                    : Stream.of(m.group(3).split(",")).mapToLong(d -> Long.parseLong(d.trim())).toArray();
            int begin = Integer.parseInt(m.group(4));
            int end = Integer.parseInt(m.group(5));
            float[] data = new float[(end - begin) / 4];
            buf.slice(dataStart + begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
            out.put(m.group(1), new Tensor(shape, data));
        }
        return out;
    }
}
