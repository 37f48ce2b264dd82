package cnnc.runtime.io;

import java.nio.ByteBuffer;

/**
 * The element types that the readers here understand, with their sizes and their conversions to float32 (for
 * {@link cnnc.compiler.ir.Tensor}) and to exact 64-bit integers (for class labels). Byte order is the caller's: the
 * source buffer's order is used as it is.
 */
enum ElementType {
    BOOL(1, "bool"),
    I8(1, "int8"),
    U8(1, "uint8"),
    I16(2, "int16"),
    U16(2, "uint16"),
    I32(4, "int32"),
    U32(4, "uint32"),
    I64(8, "int64"),
    U64(8, "uint64"),
    F16(2, "float16"),
    BF16(2, "bfloat16"),
    F32(4, "float32"),
    F64(8, "float64");

    final int size;
    /** The NumPy-style name users know: {@code float32}, {@code uint8}. */
    final String displayName;

    ElementType(int size, String displayName) {
        this.size = size;
        this.displayName = displayName;
    }

    boolean isFloat() {
        return this == F16 || this == BF16 || this == F32 || this == F64;
    }

    /** Reads {@code n} elements from {@code src}'s position on into {@code dst[off, off + n)}, rounding to nearest. */
    void toFloats(ByteBuffer src, float[] dst, int off, int n) {
        switch (this) {
            case F32 -> {
                src.asFloatBuffer().get(dst, off, n);
                src.position(src.position() + 4 * n);
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = (float) src.getDouble();
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = HalfFloats.f16ToFloat(src.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = HalfFloats.bf16ToFloat(src.getShort());
                }
            }
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = src.get() != 0 ? 1f : 0f;
                }
            }
            case I8 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = src.get();
                }
            }
            case U8 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = src.get() & 0xff;
                }
            }
            case I16 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = src.getShort();
                }
            }
            case U16 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = src.getShort() & 0xffff;
                }
            }
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = src.getInt();
                }
            }
            case U32 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = src.getInt() & 0xffffffffL;
                }
            }
            case I64 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = src.getLong();
                }
            }
            case U64 -> {
                for (int i = 0; i < n; i++) {
                    dst[off + i] = unsignedToFloat(src.getLong());
                }
            }
            default -> throw new AssertionError(this);
        }
    }

    /**
     * Reads {@code n} elements exactly into {@code dst[off, off + n)}. Returns -1, or the index (counted from
     * {@code off}) of the first element that is not a whole number a {@code long} holds; {@code src} is then left at
     * that element.
     */
    int toLongs(ByteBuffer src, long[] dst, int off, int n) {
        for (int i = 0; i < n; i++) {
            int at = src.position();
            long value;
            switch (this) {
                case BOOL -> value = src.get() != 0 ? 1 : 0;
                case I8 -> value = src.get();
                case U8 -> value = src.get() & 0xff;
                case I16 -> value = src.getShort();
                case U16 -> value = src.getShort() & 0xffff;
                case I32 -> value = src.getInt();
                case U32 -> value = src.getInt() & 0xffffffffL;
                case I64 -> value = src.getLong();
                case U64 -> {
                    value = src.getLong();
                    if (value < 0) {
                        src.position(at);
                        return i;
                    }
                }
                default -> {
                    double d = this == F64 ? src.getDouble() : floatAt(src);
                    // [-2^63, 2^63): both bounds are exact doubles.
                    if (d != Math.rint(d) || d < -0x1p63 || d >= 0x1p63) {
                        src.position(at);
                        return i;
                    }
                    value = (long) d;
                }
            }
            dst[off + i] = value;
        }
        return -1;
    }

    /** The element at {@code src}'s position as text for an error message, e.g. {@code 2.5} or {@code NaN}. */
    String text(ByteBuffer src) {
        return switch (this) {
            case U64 -> Long.toUnsignedString(src.getLong(src.position()));
            case F64 -> Double.toString(src.getDouble(src.position()));
            case F32, F16, BF16 -> Float.toString(floatAt(src.duplicate().order(src.order())));
            default -> "?";
        };
    }

    private float floatAt(ByteBuffer src) {
        return switch (this) {
            case F32 -> src.getFloat();
            case F16 -> HalfFloats.f16ToFloat(src.getShort());
            case BF16 -> HalfFloats.bf16ToFloat(src.getShort());
            default -> throw new AssertionError(this);
        };
    }

    /** Round-to-nearest conversion of an unsigned 64-bit integer (halving keeps the sticky bit for rounding). */
    static float unsignedToFloat(long v) {
        if (v >= 0) {
            return v;
        }
        return ((v >>> 1) | (v & 1)) * 2f;
    }
}
