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
public final class CompiledModel implements cnnc.runtime.exec.Executable {
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
    @Override
    public void run(float[][] inputs, float[][] outputs, int batch) {
        try {
            run.invokeExact(inputs, outputs, batch);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public List<String> inputNames() {
        return model.inputNames();
    }

    @Override
    public List<long[]> inputShapes() {
        return model.inputShapes();
    }

    @Override
    public List<String> outputNames() {
        return model.outputNames();
    }

    @Override
    public List<long[]> outputShapes() {
        return model.outputShapes();
    }

    @Override
    public List<Boolean> outputBatched() {
        return model.outputBatched();
    }
}
