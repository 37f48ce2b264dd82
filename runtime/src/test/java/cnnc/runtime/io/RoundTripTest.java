package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compiler.ir.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Whatever is written reads back bit for bit: every float32 pattern (NaN payloads, -0, subnormals), every shape. */
class RoundTripTest {

    @Property(tries = 300)
    void npyRoundTrips(@ForAll("tensors") Tensor tensor) throws IOException {
        Path file = Files.createTempFile("cnnc-npy", ".npy");
        try {
            Npy.write(file, tensor);
            Tensor back = Npy.read(file);
            assertArrayEquals(tensor.shape(), back.shape());
            assertArrayEquals(Fixtures.bits(tensor), Fixtures.bits(back));
            assertEquals(0, (Files.size(file) - 4L * tensor.size()) % 64, "data starts at a multiple of 64");
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Property(tries = 200)
    void safetensorsRoundTrips(@ForAll("tensorMaps") Map<String, Tensor> tensors,
                               @ForAll("metadata") Map<String, String> metadata) throws IOException {
        Path file = Files.createTempFile("cnnc-st", ".safetensors");
        try {
            Safetensors.write(file, tensors, metadata);
            SafetensorsFile back = Safetensors.read(file);
            assertEquals(tensors.keySet().stream().map(Json::quote).toList(),
                    back.tensors().keySet().stream().map(Json::quote).toList());
            for (Map.Entry<String, Tensor> t : tensors.entrySet()) {
                Tensor read = back.tensor(t.getKey());
                assertArrayEquals(t.getValue().shape(), read.shape());
                assertArrayEquals(Fixtures.bits(t.getValue()), Fixtures.bits(read));
            }
            assertEquals(quoted(metadata), quoted(back.metadata()));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Provide
    Arbitrary<Tensor> tensors() {
        Arbitrary<long[]> shapes = Arbitraries.longs().between(0, 5).array(long[].class).ofMaxSize(4);
        return shapes.flatMap(shape -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            Arbitrary<Integer> bits = Arbitraries.oneOf(Arbitraries.integers(),
                    Arbitraries.of(0x7fc00000, 0x7f800001, 0xffbfffff, 0x80000000, 0x00000001, 0x7f800000));
            return bits.list().ofSize((int) n).map(list -> {
                float[] data = new float[list.size()];
                for (int i = 0; i < data.length; i++) {
                    data[i] = Float.intBitsToFloat(list.get(i));
                }
                return new Tensor(shape, data);
            });
        });
    }

    /** Names with quotes, backslashes, control characters and non-ASCII text, which the JSON header must escape. */
    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars("/._-").ofMinLength(0).ofMaxLength(12),
                Arbitraries.strings().withChars("\"\\\n\t\u0001\u007fé✓ ").ofMaxLength(6),
                Arbitraries.strings().ofMaxLength(8).filter(s -> !hasLoneSurrogate(s)).map(s -> s + "𝄞"));
    }

    @Provide
    Arbitrary<Map<String, Tensor>> tensorMaps() {
        return Combinators.combine(names().list().uniqueElements().ofMaxSize(5), tensors().list().ofSize(5))
                .as((names, tensors) -> {
                    Map<String, Tensor> map = new LinkedHashMap<>();
                    for (int i = 0; i < names.size(); i++) {
                        if (!names.get(i).equals(Safetensors.METADATA_KEY)) {
                            map.put(names.get(i), tensors.get(i));
                        }
                    }
                    return map;
                });
    }

    @Provide
    Arbitrary<Map<String, String>> metadata() {
        return Arbitraries.maps(names(), names()).ofMaxSize(4).map(LinkedHashMap::new);
    }

    /** Entries as JSON text, so that a failure prints control characters readably. */
    private static List<String> quoted(Map<String, String> map) {
        return map.entrySet().stream().map(e -> Json.quote(e.getKey()) + ":" + Json.quote(e.getValue())).toList();
    }

    static boolean hasLoneSurrogate(String s) {
        return !s.codePoints().allMatch(c -> c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE);
    }
}
