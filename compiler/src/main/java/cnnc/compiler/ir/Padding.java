package cnnc.compiler.ir;

/**
 * Spatial padding of a window op. {@code valid} pads nothing, {@code same} pads so that the output is ceil(n/s)
 * (the total split with the smaller half at the top/left, as TensorFlow), {@code full} pads (k-1)·d on each side,
 * and an explicit padding gives each side.
 */
public record Padding(Kind kind, int top, int bottom, int left, int right) {
    public enum Kind { VALID, SAME, FULL, EXPLICIT }

    public static final Padding VALID = new Padding(Kind.VALID, 0, 0, 0, 0);
    public static final Padding SAME = new Padding(Kind.SAME, 0, 0, 0, 0);
    public static final Padding FULL = new Padding(Kind.FULL, 0, 0, 0, 0);

    public static Padding explicit(int top, int bottom, int left, int right) {
        return new Padding(Kind.EXPLICIT, top, bottom, left, right);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case VALID -> "valid";
            case SAME -> "same";
            case FULL -> "full";
            case EXPLICIT -> "((" + top + ", " + bottom + "), (" + left + ", " + right + "))";
        };
    }
}
