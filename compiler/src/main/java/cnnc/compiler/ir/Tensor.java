package cnnc.compiler.ir;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order: the data that crosses stage boundaries — weights, model inputs and
 * outputs, weight and array files. Shapes here include the batch axis where there is one ({@code [N, H, W, C]}).
 * Treated as immutable: whoever builds one hands over its array.
 */
public final class Tensor {
    private final long[] shape;
    private final float[] data;

    public Tensor(long[] shape, float[] data) {
        long size = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            size = Math.multiplyExact(size, d);
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + size
                    + " elements, data has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(long... shape) {
        long size = 1;
        for (long d : shape) {
            size = Math.multiplyExact(size, d);
        }
        return new Tensor(shape, new float[Math.toIntExact(size)]);
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** The backing array (not copied: callers must not write to a tensor they did not make). */
    public float[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    /** The shape as IR text: {@code [2, 28, 28, 1]}. */
    public String shapeText() {
        return Shape.of(shape).toString();
    }

    public Tensor reshape(long... newShape) {
        return new Tensor(newShape, data);
    }

    @Override
    public String toString() {
        return "Tensor" + shapeText();
    }
}
