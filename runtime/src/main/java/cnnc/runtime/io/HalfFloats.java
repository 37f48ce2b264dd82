package cnnc.runtime.io;

/**
 * Exact widening of the two 16-bit float formats to float32. Every value of both formats is representable in
 * float32, so no rounding happens; NaN payloads are kept (shifted into the wider mantissa), as NumPy does.
 *
 * <ul>
 *   <li>IEEE 754 binary16 ({@code F16}, NumPy's {@code float16}): 1 sign bit, 5 exponent bits (bias 15), 10 mantissa
 *       bits; exponent 0 holds zeros and subnormals ({@code mantissa · 2^-24}), exponent 31 infinities and NaNs.</li>
 *   <li>bfloat16 ({@code BF16}, Google Brain): the top 16 bits of a float32 — same exponent range, 7 mantissa bits —
 *       so widening is a shift.</li>
 * </ul>
 */
public final class HalfFloats {
    private HalfFloats() {
    }

    /** The float32 value of the binary16 number with these bits (the low 16 bits of {@code bits}). */
    public static float f16ToFloat(int bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent != 0) {
            return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
        }
        // Zero or subnormal: mantissa · 2^-24 is exact in float32 (at most 10 significant bits).
        float magnitude = mantissa * 0x1p-24f;
        return sign == 0 ? magnitude : -magnitude;
    }

    /** The float32 value of the bfloat16 number with these bits (the low 16 bits of {@code bits}). */
    public static float bf16ToFloat(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
