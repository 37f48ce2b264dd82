package cnnc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link HalfFloats} against NumPy's conversions (expected.json) and, for all 65,536 patterns, the definitions. */
class HalfFloatsTest {

    @Test
    void f16MatchesNumpy() {
        checkTable("f16_table", true);
    }

    @Test
    void bf16MatchesNumpy() {
        checkTable("bf16_table", false);
    }

    private static void checkTable(String name, boolean f16) {
        Map<String, Object> table = Fixtures.expected(name);
        long[] halves = Fixtures.longs(table.get("halfbits"));
        long[] floats = Fixtures.longs(table.get("bits"));
        assertEquals(f16 ? 2048 : 4096, halves.length);
        for (int i = 0; i < halves.length; i++) {
            int h = (int) halves[i];
            float got = f16 ? HalfFloats.f16ToFloat(h) : HalfFloats.bf16ToFloat(h);
            assertEquals(String.format("0x%08x", floats[i]), String.format("0x%08x", Float.floatToRawIntBits(got)),
                    String.format("%s 0x%04x", name, h));
        }
    }

    /** binary16 by its definition: (-1)^s · 2^(e-15) · (1 + m/1024), or 2^-14 · m/1024 for e = 0. */
    @Test
    void f16AgreesWithTheDefinitionForEveryPattern() {
        for (int h = 0; h < 0x10000; h++) {
            int sign = h >>> 15;
            int e = (h >>> 10) & 0x1f;
            int m = h & 0x3ff;
            float got = HalfFloats.f16ToFloat(h);
            if (e == 0x1f) {
                assertEquals(m == 0, Float.isInfinite(got), Integer.toHexString(h));
                assertEquals(m != 0, Float.isNaN(got), Integer.toHexString(h));
                assertEquals(m, (Float.floatToRawIntBits(got) >>> 13) & 0x3ff, "NaN payload kept");
            } else {
                double magnitude = e == 0 ? Math.scalb(m / 1024.0, -14) : Math.scalb(1 + m / 1024.0, e - 15);
                assertEquals(sign == 1 ? -magnitude : magnitude, (double) got, 0.0, Integer.toHexString(h));
            }
            assertEquals(sign, Float.floatToRawIntBits(got) >>> 31, "sign of " + Integer.toHexString(h));
        }
    }

    @Test
    void bf16IsTheTopHalfOfAFloat32ForEveryPattern() {
        for (int h = 0; h < 0x10000; h++) {
            assertEquals(h << 16, Float.floatToRawIntBits(HalfFloats.bf16ToFloat(h)));
        }
    }

    @Test
    void knownValues() {
        assertEquals(1f, HalfFloats.f16ToFloat(0x3c00));
        assertEquals(65504f, HalfFloats.f16ToFloat(0x7bff));
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat(0x0001));
        assertEquals(-0f, HalfFloats.f16ToFloat(0x8000));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat(0xfc00));
        assertEquals(1f, HalfFloats.bf16ToFloat(0x3f80));
        assertEquals((float) Math.PI, HalfFloats.bf16ToFloat(0x4049), 0.01f);
    }
}
