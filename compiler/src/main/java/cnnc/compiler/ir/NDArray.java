package cnnc.compiler.ir;

import java.util.Arrays;

/**
 * A double-precision row-major array: the values of the reference interpreter, which defines every op with plain
 * loops and double accumulation. Not for the fast paths.
 */
public final class NDArray {
    private final int[] shape;
    private final double[] data;

    public NDArray(int[] shape, double[] data) {
        long size = 1;
        for (int d : shape) {
            size *= d;
        }
        if (size != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " vs " + data.length + " values");
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static NDArray zeros(int... shape) {
        long size = 1;
        for (int d : shape) {
            size = Math.multiplyExact(size, d);
        }
        return new NDArray(shape, new double[Math.toIntExact(size)]);
    }

    public static NDArray of(Tensor t) {
        int[] s = new int[t.rank()];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(t.dim(i));
        }
        float[] f = t.data();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return new NDArray(s, d);
    }

    public Tensor toTensor() {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[i];
        }
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return new Tensor(s, f);
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    public double[] data() {
        return data;
    }

    public int size() {
        return data.length;
    }

    public NDArray reshape(int... newShape) {
        return new NDArray(newShape, data);
    }

    @Override
    public String toString() {
        return "NDArray" + Arrays.toString(shape);
    }
}
