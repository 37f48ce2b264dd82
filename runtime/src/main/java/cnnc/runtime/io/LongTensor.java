package cnnc.runtime.io;

import java.util.Arrays;

/**
 * A dense int64 array in row-major order, for values that must stay exact, such as class labels (float32 holds
 * integers exactly only up to 2^24). What {@link Npy#readLabels} returns.
 *
 * @param shape  the dimensions ({@code []} for a scalar)
 * @param values the elements, C order; not copied
 */
public record LongTensor(long[] shape, long[] values) {
    public LongTensor {
        shape = shape.clone();
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            size = Math.multiplyExact(size, d);
        }
        if (size != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size
                    + " elements, values has " + values.length);
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int size() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LongTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "LongTensor" + Arrays.toString(shape);
    }
}
