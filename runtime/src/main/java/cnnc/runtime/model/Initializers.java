package cnnc.runtime.model;

import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.ir.WeightSpec;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Keras' default initial weights: kernels glorot_uniform (uniform in ±sqrt(6 / (fan_in + fan_out)), Glorot and Bengio
 * 2010, with Keras' fans: for a kernel [kh, kw, in, out] fan_in = kh·kw·in and fan_out = kh·kw·out; for [in, out]
 * the two axes), biases and BatchNormalization beta and moving_mean zero, gamma and moving_variance one. Each tensor
 * draws from its own stream seeded by the seed and the tensor's name, so a tensor's values do not change when other
 * layers are added.
 */
public final class Initializers {
    private Initializers() {}

    public static Map<String, Tensor> keras(Graph g, long seed) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, WeightSpec> e : ModelWeights.expected(g).entrySet()) {
            out.put(e.getKey(), initial(e.getKey(), e.getValue(), seed));
        }
        return out;
    }

    static Tensor initial(String key, WeightSpec w, long seed) {
        long[] shape = w.shape().dims();
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        String name = w.name();
        if (name.equals("gamma") || name.equals("moving_variance")) {
            java.util.Arrays.fill(d, 1f);
        } else if (name.endsWith("kernel")) {
            long receptive = 1;
            for (int i = 0; i < shape.length - 2; i++) {
                receptive *= shape[i];
            }
            double fanIn = (double) shape[shape.length - 2] * receptive;
            double fanOut = (double) shape[shape.length - 1] * receptive;
            double limit = Math.sqrt(6.0 / (fanIn + fanOut));
            SplittableRandom r = new SplittableRandom(seed ^ hash(key));
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) ((r.nextDouble() * 2 - 1) * limit);
            }
        }
        return t;
    }

    /** FNV-1a of the name: a stable per-tensor stream. */
    private static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }
}
