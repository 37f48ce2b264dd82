package cnnc.runtime.java;

import cnnc.codegen.java.JavaModel;
import cnnc.compiler.ir.Tensor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated model class compiled and loaded in this JVM, bound to its weights. The one call into it is
 * {@code run(float[][] inputs, float[][] outputs, int batch)}.
 */
public final class CompiledModel {
    private final JavaModel model;
    private final Object instance;
    private final MethodHandle run;

    CompiledModel(JavaModel model, Object instance) {
        this.model = model;
        this.instance = instance;
        try {
            this.run = MethodHandles.publicLookup().findVirtual(instance.getClass(), "run",
                    MethodType.methodType(void.class, float[][].class, float[][].class, int.class)).bindTo(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated class has no run method", e);
        }
    }

    public JavaModel model() {
        return model;
    }

    /** Another instance of the same generated class (no recompilation), with these weights and threads. */
    public CompiledModel replica(float[][] weights, int threads) {
        try {
            return new CompiledModel(model, instance.getClass().getConstructor(float[][].class, int.class)
                    .newInstance(weights, threads));
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Another instance of the model for another thread that reads this one's packed weights (no copy), so that
     * {@link #setWeights} on this instance reaches it too; {@code weights} only build it. Neither instance may run
     * while the weights are set.
     */
    public CompiledModel sharingReplica(float[][] weights, int threads) {
        CompiledModel r = replica(weights, threads);
        try {
            MethodHandles.publicLookup().findVirtual(instance.getClass(), "shareWeights",
                    MethodType.methodType(void.class, instance.getClass())).invoke(r.instance, instance);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return r;
    }

    /** Replaces the weights (in the model's weight order, Keras layouts); the kernels repack them. */
    public void setWeights(float[][] weights) {
        try {
            MethodHandles.publicLookup().findVirtual(instance.getClass(), "setWeights",
                    MethodType.methodType(void.class, float[][].class)).invoke(instance, weights);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Runs raw batch arrays (see the generated class's {@code run}). */
    public void run(float[][] inputs, float[][] outputs, int batch) {
        try {
            run.invokeExact(inputs, outputs, batch);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Runs named input tensors ([N, ...the input's shape]) and returns the outputs by name.
     *
     * @throws IllegalArgumentException naming the input when a shape does not fit
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        List<String> names = model.inputNames();
        float[][] in = new float[names.size()][];
        long batch = -1;
        for (int i = 0; i < names.size(); i++) {
            Tensor t = inputs.get(names.get(i));
            if (t == null) {
                throw new IllegalArgumentException("no value for input `" + names.get(i) + "`");
            }
            long[] want = model.inputShapes().get(i);
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
        float[][] out = new float[model.outputNames().size()][];
        for (int o = 0; o < out.length; o++) {
            long size = 1;
            for (long d : model.outputShapes().get(o)) {
                size *= d;
            }
            boolean batched = model.outputBatched().get(o);
            long total = batched ? size * n : size;
            if (total > Integer.MAX_VALUE - 8 || (batched && n > 0 && total / n != size)) {
                throw new IllegalArgumentException("output `" + model.outputNames().get(o) + "` of a batch of " + n
                        + " examples has " + total + " values, more than one Java array holds; run a smaller batch");
            }
            out[o] = new float[(int) total];
        }
        run(in, out, n);
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (int o = 0; o < out.length; o++) {
            long[] s = model.outputShapes().get(o);
            if (!model.outputBatched().get(o)) {
                result.put(model.outputNames().get(o), new Tensor(s, out[o]));
                continue;
            }
            long[] full = new long[s.length + 1];
            full[0] = n;
            System.arraycopy(s, 0, full, 1, s.length);
            result.put(model.outputNames().get(o), new Tensor(full, out[o]));
        }
        return result;
    }
}
