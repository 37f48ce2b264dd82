package cnnc.runtime.java;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.ir.WeightSpec;
import cnnc.runtime.model.ModelWeights;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Random weights and inputs for checking values, and the comparison the Java backend is held to. Weights are not
 * Keras' initial ones (zero biases and unit gammas would hide layout and folding mistakes): every tensor is
 * N(0, 0.5), BatchNormalization moving variances are uniform in [0.3, 1.5], and inputs are N(0, 1).
 */
final class Numerics {
    /** |got − want| ≤ TOLERANCE · max(1, |want|). */
    static final double TOLERANCE = 1e-4;

    private Numerics() {}

    static Map<String, Tensor> weights(Graph shaped, long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, WeightSpec> e : ModelWeights.expected(shaped).entrySet()) {
            Tensor t = Tensor.zeros(e.getValue().shape().dims());
            float[] d = t.data();
            boolean variance = e.getKey().endsWith(".moving_variance");
            for (int i = 0; i < d.length; i++) {
                d[i] = variance ? (float) (0.3 + 1.2 * random.nextDouble()) : (float) (0.5 * random.nextGaussian());
            }
            out.put(e.getKey(), t);
        }
        return out;
    }

    static Map<String, Tensor> inputs(Graph shaped, int batch, long seed) {
        Random random = new Random(seed ^ 0x5DEECE66DL);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (GraphInput in : shaped.inputs()) {
            long[] dims = in.shape().dims();
            long[] full = new long[dims.length + 1];
            full[0] = batch;
            System.arraycopy(dims, 0, full, 1, dims.length);
            Tensor t = Tensor.zeros(full);
            float[] d = t.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) random.nextGaussian();
            }
            out.put(in.name(), t);
        }
        return out;
    }

    /** Null when {@code got} has {@code want}'s shape and values within tolerance, else what differs. */
    static String compare(Tensor got, Tensor want) {
        if (got == null) {
            return "missing";
        }
        if (!Arrays.equals(got.shape(), want.shape())) {
            return "shape " + got.shapeText() + ", expected " + want.shapeText();
        }
        float[] g = got.data();
        float[] w = want.data();
        int bad = 0;
        int first = -1;
        for (int i = 0; i < w.length; i++) {
            double diff = Math.abs((double) g[i] - w[i]);
            if (!(diff <= TOLERANCE * Math.max(1, Math.abs(w[i]))) && !(Float.isNaN(g[i]) && Float.isNaN(w[i]))) {
                bad++;
                if (first < 0) {
                    first = i;
                }
            }
        }
        if (bad == 0) {
            return null;
        }
        return bad + " of " + w.length + " values differ; first at " + index(want.shape(), first) + ": got " + g[first]
                + ", expected " + w[first];
    }

    /** Null when the two maps hold bitwise-identical tensors under the same names. */
    static String identical(Map<String, Tensor> got, Map<String, Tensor> want) {
        if (!got.keySet().equals(want.keySet())) {
            return "outputs " + got.keySet() + ", expected " + want.keySet();
        }
        for (String k : want.keySet()) {
            float[] g = got.get(k).data();
            float[] w = want.get(k).data();
            for (int i = 0; i < w.length; i++) {
                if (Float.floatToRawIntBits(g[i]) != Float.floatToRawIntBits(w[i])) {
                    return k + " at " + index(want.get(k).shape(), i) + ": " + g[i] + " vs " + w[i];
                }
            }
        }
        return null;
    }

    /** The multi-index of flat position {@code flat} in a row-major array of this shape. */
    static String index(long[] shape, int flat) {
        long[] idx = new long[shape.length];
        long rest = flat;
        for (int i = shape.length - 1; i >= 0; i--) {
            idx[i] = rest % shape[i];
            rest /= shape[i];
        }
        return Arrays.toString(idx);
    }
}
