package cnnc.compiler.ir;

import java.util.Arrays;

/**
 * The shape of one example's tensor, without the batch axis: images are {@code [H, W, C]} (channels last, as Keras).
 * Dimensions are 64-bit so that sizes like a 224·224·3 flatten times 100,000 units stay exact.
 */
public final class Shape {
    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    public static Shape of(long... dims) {
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    public long[] dims() {
        return dims.clone();
    }

    /** Number of elements; exact or {@link ArithmeticException} on overflow. */
    public long size() {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** This shape with dimension {@code i} replaced. */
    public Shape with(int i, long value) {
        long[] d = dims.clone();
        d[i < 0 ? d.length + i : i] = value;
        return new Shape(d);
    }

    /** Keras' output-shape text with the batch axis: {@code (None, 28, 28, 16)}. */
    public String toKeras() {
        StringBuilder out = new StringBuilder("(None");
        for (long d : dims) {
            out.append(", ").append(d);
        }
        return out.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code [28, 28, 16]}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append(dims[i]);
        }
        return out.append(']').toString();
    }
}
