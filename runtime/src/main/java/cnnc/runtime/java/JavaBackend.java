package cnnc.runtime.java;

import cnnc.codegen.java.JavaGenerator;
import cnnc.codegen.java.JavaModel;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.ir.FusedOp;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Fuse;
import java.util.HashMap;
import java.util.Map;

/**
 * The Java backend in one call: fuse a shaped graph, generate its class, compile it in memory and bind it to
 * weights. Generation and compilation happen once per model; the result runs any batch size.
 */
public final class JavaBackend {
    private JavaBackend() {}

    /** Fuses {@code shaped} and renders it; {@code packageName} may be empty. */
    public static JavaModel generate(Graph shaped, String packageName, String className) {
        Graph fused = new Fuse().run(shaped, new Diagnostics());
        return JavaGenerator.generate(fused, shapes(shaped), packageName, className);
    }

    /** Every value's per-example shape, before fusion. */
    public static Map<String, Shape> shapes(Graph shaped) {
        Map<String, Shape> shapes = new HashMap<>();
        for (GraphInput in : shaped.inputs()) {
            shapes.put(in.name(), in.shape());
        }
        for (Node n : shaped.nodes()) {
            shapes.put(n.name(), n.shape());
            if (n.op() instanceof FusedOp f) {
                f.members().forEach(m -> shapes.put(m.name(), m.shape()));
            }
        }
        return shapes;
    }

    /**
     * The Vector API lanes this JVM can use well: its preferred float vector length when {@code jdk.incubator.vector}
     * is in the boot layer and the JDK is 21 or later (JDK 17's Vector API is far slower than plain loops); else 0.
     * {@code CNNC_VECTOR=0} in the environment turns it off.
     */
    public static int vectorLanes() {
        if ("0".equals(System.getenv("CNNC_VECTOR")) || Runtime.version().feature() < 21
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return 0;
        }
        try {
            Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
            // Through the public interface: the species' own class is private to the module.
            int lanes = (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("length")
                    .invoke(species);
            return lanes >= 8 ? lanes : 0;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }

    /** Generates, compiles and instantiates the model with weights keyed {@code <layer>.<weight>} (checked). */
    public static CompiledModel compile(Graph shaped, Map<String, Tensor> weights, int threads)
            throws InMemoryJavac.NoCompilerException {
        return compile(shaped, weights, threads, vectorLanes());
    }

    /**
     * Compiles a training graph (from {@code cnnc.compiler.passes.Grad}) as one generated training step, run on the
     * caller's thread over a whole batch. Its outputs are the graph's: per-example loss, predictions, weight
     * gradients and batch moments (the unbatched ones are returned with a leading axis of the batch size; only the
     * first slice is meaningful).
     */
    public static CompiledModel compileTraining(Graph train, Map<String, Tensor> weights, int lanes)
            throws InMemoryJavac.NoCompilerException {
        JavaModel model = JavaGenerator.generateTraining(train, shapes(train), "cnnc.generated",
                JavaGenerator.className(train.name()) + "Training", lanes);
        return instantiate(model, weights, 1);
    }

    /** As {@link #compile(Graph, Map, int)} with an explicit Vector API width (0: plain loops). */
    public static CompiledModel compile(Graph shaped, Map<String, Tensor> weights, int threads, int lanes)
            throws InMemoryJavac.NoCompilerException {
        Graph fused = new Fuse().run(shaped, new Diagnostics());
        JavaModel model = JavaGenerator.generate(fused, shapes(shaped), "cnnc.generated",
                JavaGenerator.className(shaped.name()), lanes);
        return instantiate(model, weights, threads);
    }

    private static CompiledModel instantiate(JavaModel model, Map<String, Tensor> weights, int threads)
            throws InMemoryJavac.NoCompilerException {
        Class<?> cls = InMemoryJavac.load(InMemoryJavac.compile(model.qualifiedName(), model.source()),
                model.qualifiedName());
        float[][] w = new float[model.weightNames().size()][];
        for (int i = 0; i < w.length; i++) {
            Tensor t = weights.get(model.weightNames().get(i));
            if (t == null) {
                throw new IllegalArgumentException("no weight " + model.weightNames().get(i));
            }
            w[i] = t.data();
        }
        try {
            Object instance = cls.getConstructor(float[][].class, int.class).newInstance(w, threads);
            return new CompiledModel(model, instance);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
