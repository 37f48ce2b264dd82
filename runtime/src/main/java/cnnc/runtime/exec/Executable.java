package cnnc.runtime.exec;

import cnnc.compiler.ir.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A compiled model a backend runs: the Java backend's {@link cnnc.runtime.java.CompiledModel} or the OpenCL
 * backend's {@link cnnc.runtime.opencl.ClExecutable}. Shapes are per example (no batch axis).
 */
public interface Executable {
    List<String> inputNames();

    List<long[]> inputShapes();

    List<String> outputNames();

    List<long[]> outputShapes();

    /** Whether each output has a batch axis (a training step's weight gradients do not). */
    List<Boolean> outputBatched();

    /**
     * Runs {@code batch} examples: {@code inputs[i]} holds input i in [N, H, W, C] order, {@code outputs[o]}
     * receives output o (sized for at least {@code batch} examples).
     */
    void run(float[][] inputs, float[][] outputs, int batch);

    /**
     * Runs named input tensors ([N, ...the input's shape]) and returns the outputs by name.
     *
     * @throws IllegalArgumentException naming the input when a shape does not fit
     */
    default Map<String, Tensor> run(Map<String, Tensor> inputs) {
        List<String> names = inputNames();
        float[][] in = new float[names.size()][];
        long batch = -1;
        for (int i = 0; i < names.size(); i++) {
            Tensor t = inputs.get(names.get(i));
            if (t == null) {
                throw new IllegalArgumentException("no value for input `" + names.get(i) + "`");
            }
            long[] want = inputShapes().get(i);
            long[] got = t.shape();
            boolean ok = got.length == want.length + 1 && Arrays.equals(Arrays.copyOfRange(got, 1, got.length), want);
            if (!ok) {
                throw new IllegalArgumentException("input `" + names.get(i) + "` has shape " + t.shapeText()
                        + "; the model expects [N" + Arrays.toString(want).replace("[", ", ").replace(", ]", "]")
                        .replace("]", "]"));
            }
            if (batch >= 0 && got[0] != batch) {
                throw new IllegalArgumentException("input `" + names.get(i) + "` has batch " + got[0]
                        + ", other inputs have " + batch);
            }
            batch = got[0];
            in[i] = t.data();
        }
        int n = Math.toIntExact(batch);
        float[][] out = new float[outputNames().size()][];
        for (int o = 0; o < out.length; o++) {
            long size = 1;
            for (long d : outputShapes().get(o)) {
                size *= d;
            }
            boolean batched = outputBatched().get(o);
            long total = batched ? size * n : size;
            if (total > Integer.MAX_VALUE - 8 || (batched && n > 0 && total / n != size)) {
                throw new IllegalArgumentException("output `" + outputNames().get(o) + "` of a batch of " + n
                        + " examples has " + total + " values, more than one Java array holds; run a smaller batch");
            }
            out[o] = new float[(int) total];
        }
        run(in, out, n);
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (int o = 0; o < out.length; o++) {
            long[] s = outputShapes().get(o);
            if (!outputBatched().get(o)) {
                result.put(outputNames().get(o), new Tensor(s, out[o]));
                continue;
            }
            long[] full = new long[s.length + 1];
            full[0] = n;
            System.arraycopy(s, 0, full, 1, s.length);
            result.put(outputNames().get(o), new Tensor(full, out[o]));
        }
        return result;
    }
}
