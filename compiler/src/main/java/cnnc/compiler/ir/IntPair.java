package cnnc.compiler.ir;

/** A (height, width) pair such as a kernel size, stride or dilation; printed {@code (3, 3)}. */
public record IntPair(int h, int w) {
    public static IntPair square(int n) {
        return new IntPair(n, n);
    }

    @Override
    public String toString() {
        return "(" + h + ", " + w + ")";
    }
}
