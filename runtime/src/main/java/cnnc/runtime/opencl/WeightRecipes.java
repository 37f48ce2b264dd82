package cnnc.runtime.opencl;

import cnnc.codegen.opencl.ClModel.WeightBuffer;
import cnnc.compiler.ir.Tensor;
import java.util.Map;

/** The weight buffers of an OpenCL model, computed from Keras-layout weights as {@link WeightBuffer} says. */
final class WeightRecipes {
    private WeightRecipes() {}

    static float[] compute(WeightBuffer w, Map<String, Tensor> keras) {
        return switch (w.recipe()) {
            case RAW -> get(keras, w.keys().get(0)).data();
            case BN_SCALE, BN_SHIFT -> {
                float[] gamma = w.keys().get(0).isEmpty() ? null : get(keras, w.keys().get(0)).data();
                float[] beta = w.keys().get(1).isEmpty() ? null : get(keras, w.keys().get(1)).data();
                float[] mean = get(keras, w.keys().get(2)).data();
                float[] var = get(keras, w.keys().get(3)).data();
                float[] out = new float[mean.length];
                for (int c = 0; c < out.length; c++) {
                    double scale = (gamma == null ? 1.0 : gamma[c]) / Math.sqrt(var[c] + w.epsilon());
                    out[c] = (float) (w.recipe() == cnnc.codegen.opencl.ClModel.Recipe.BN_SCALE ? scale
                            : (beta == null ? 0.0 : beta[c]) - mean[c] * scale);
                }
                yield out;
            }
        };
    }

    private static Tensor get(Map<String, Tensor> keras, String key) {
        Tensor t = keras.get(key);
        if (t == null) {
            throw new IllegalArgumentException("no weight " + key);
        }
        return t;
    }
}
