package cnnc.runtime.java;

import cnnc.codegen.java.JavaGenerator;
import cnnc.codegen.java.JavaModel;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.passes.Fuse;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One generated class compiled once and instantiated several times (with different worker counts), so that tests
 * comparing thread counts pay for javac once. Each instance is kept next to its {@link CompiledModel} so that tests
 * can call the generated class's own API ({@code predict}) as well as the uniform {@code run}.
 */
final class GeneratedInstances {
    /** An instance of the generated class and the same instance behind the uniform call. */
    record Instance(int threads, Object target, CompiledModel model) {
        /** Calls a public method of the generated class by name. */
        Object call(String method, Class<?>[] types, Object... args) throws Throwable {
            try {
                return target.getClass().getMethod(method, types).invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private GeneratedInstances() {}

    /** The class for {@code shaped} with Vector API kernels of {@code lanes} (0: plain loops), once per count. */
    static List<Instance> compile(Graph shaped, Map<String, Tensor> weights, int lanes, int... threads)
            throws Exception {
        Graph fused = new Fuse().run(shaped, new Diagnostics());
        JavaModel model = JavaGenerator.generate(fused, JavaBackend.shapes(shaped), "cnnc.generated",
                JavaGenerator.className(shaped.name()), lanes);
        Class<?> cls = InMemoryJavac.load(InMemoryJavac.compile(model.qualifiedName(), model.source()),
                model.qualifiedName());
        float[][] w = new float[model.weightNames().size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights.get(model.weightNames().get(i)).data();
        }
        List<Instance> out = new ArrayList<>();
        for (int t : threads) {
            Object target = cls.getConstructor(float[][].class, int.class).newInstance(w, t);
            out.add(new Instance(t, target, new CompiledModel(model, target)));
        }
        return out;
    }
}
