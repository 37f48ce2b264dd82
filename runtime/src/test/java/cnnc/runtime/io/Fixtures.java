package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.List;
import java.util.Map;

/**
 * The committed fixtures under {@code src/test/resources/io/} (made by {@code make_fixtures.py} with NumPy) and the
 * values NumPy says they hold ({@code expected.json}).
 */
final class Fixtures {
    private static Map<String, Object> expected;

    private Fixtures() {
    }

    static Path path(String name) {
        URL url = Fixtures.class.getResource("/io/" + name);
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + name + "; run make_fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry of expected.json for a fixture. */
    @SuppressWarnings("unchecked")
    static synchronized Map<String, Object> expected(String name) {
        if (expected == null) {
            try {
                expected = (Map<String, Object>) Json.parse(new String(bytes("expected.json"), StandardCharsets.UTF_8));
            } catch (Json.SyntaxException e) {
                throw new IllegalStateException("expected.json: " + e.getMessage(), e);
            }
        }
        Map<String, Object> entry = (Map<String, Object>) expected.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("expected.json has no entry " + name);
        }
        return entry;
    }

    static long[] longs(Object jsonArray) {
        List<?> items = (List<?>) jsonArray;
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            Object item = items.get(i);
            out[i] = item instanceof Long l ? l : ((java.math.BigInteger) item).longValue();
        }
        return out;
    }

    static int[] bits(Tensor t) {
        int[] out = new int[t.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.floatToRawIntBits(t.data()[i]);
        }
        return out;
    }

    static int[] ints(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }

    /** Asserts shape and every float32 bit pattern match an expected.json entry ({@code shape}, {@code bits}). */
    @SuppressWarnings("unchecked")
    static void assertMatches(Object expectedEntry, Tensor actual, String what) {
        Map<String, Object> e = (Map<String, Object>) expectedEntry;
        assertArrayEquals(longs(e.get("shape")), actual.shape(), what + ": shape");
        int[] want = ints(longs(e.get("bits")));
        int[] got = bits(actual);
        assertEquals(want.length, got.length, what + ": size");
        for (int i = 0; i < want.length; i++) {
            if (want[i] != got[i]) {
                assertEquals(String.format("0x%08x (%s)", want[i], Float.intBitsToFloat(want[i])),
                        String.format("0x%08x (%s)", got[i], Float.intBitsToFloat(got[i])), what + ": element " + i);
            }
        }
    }

    /** A tensor's raw little-endian float32 bytes. */
    static byte[] le(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
