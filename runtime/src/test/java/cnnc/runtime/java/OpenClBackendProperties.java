package cnnc.runtime.java;

import static org.junit.jupiter.api.Assertions.assertEquals;

import cnnc.compiler.Compiler;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.java.JavaBackendProperties.Case;
import cnnc.runtime.opencl.ClExecutable;
import cnnc.runtime.opencl.OpenClAvailable;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The OpenCL backend against the reference interpreter on the Java backend's random models ({@link RandomNets}):
 * every output within 1e-4 relative (|a − b| ≤ 1e-4·max(1, |b|)), whatever the batch size (1–5). Runs on the first
 * OpenCL device (PoCL in CI); skipped, with the reason in the report, where there is no OpenCL.
 */
@AddLifecycleHook(OpenClAvailable.class)
class OpenClBackendProperties {
    @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
    void randomModelsMatchTheInterpreter(@ForAll("mixed") Case c) throws Exception {
        check(c);
    }

    @Property(tries = 30, shrinking = ShrinkingMode.BOUNDED)
    void convolutionsMatchTheInterpreter(@ForAll("convolutions") Case c) throws Exception {
        check(c);
    }

    @Property(tries = 20, shrinking = ShrinkingMode.BOUNDED)
    void poolingMatchesTheInterpreter(@ForAll("pooling") Case c) throws Exception {
        check(c);
    }

    @Property(tries = 20, shrinking = ShrinkingMode.BOUNDED)
    void headsMatchTheInterpreter(@ForAll("heads") Case c) throws Exception {
        check(c);
    }

    /**
     * The OpenCL training step of random models (the autodiff pass with its default loss) gives the interpreter's
     * loss, predictions, weight gradients and batch moments within the same tolerance.
     */
    @Property(tries = 25, shrinking = ShrinkingMode.BOUNDED)
    void randomTrainingStepsMatchTheInterpreter(@ForAll("mixed") Case c) throws Exception {
        Graph g = Compiler.compileText("random.cnn", c.text());
        Graph train = new cnnc.compiler.passes.Grad(null).run(g, new cnnc.compiler.diag.Diagnostics());
        net.jqwik.api.Assume.that(train != null);
        Map<String, Tensor> weights = Numerics.weights(g, c.seed());
        Map<String, Tensor> inputs = new java.util.LinkedHashMap<>(Numerics.inputs(g, c.batch(), c.seed()));
        java.util.Random r = new java.util.Random(c.seed());
        long classes = g.shapeOf(g.outputs().get(0)).dim(-1);
        for (cnnc.compiler.ir.GraphInput in : train.inputs()) {
            if (inputs.containsKey(in.name())) {
                continue;
            }
            long[] shape = new long[in.shape().rank() + 1];
            shape[0] = c.batch();
            System.arraycopy(in.shape().dims(), 0, shape, 1, in.shape().rank());
            Tensor t = Tensor.zeros(shape);
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = in.name().equals("dropout_key") ? i * 7919 + 13
                        : in.shape().rank() == 0 ? r.nextInt((int) classes) : (float) r.nextDouble();
            }
            inputs.put(in.name(), t);
        }
        Map<String, NDArray> reference = Interpreter.runAll(train, weights, inputs);
        try (ClExecutable cl = ClExecutable.compileTraining(train, weights, null)) {
            Map<String, Tensor> actual = cl.run(inputs);
            StringBuilder problems = new StringBuilder();
            for (String name : train.outputs()) {
                String diff = Numerics.compare(actual.get(name), reference.get(name).toTensor());
                if (diff != null) {
                    problems.append(name).append(": ").append(diff).append('\n');
                }
            }
            if (problems.length() > 0) {
                throw new AssertionError("the OpenCL training step differs from the interpreter:\n" + problems
                        + "OpenCL C:\n" + cl.model().source());
            }
        }
    }

    private static void check(Case c) throws Exception {
        Graph g = Compiler.compileText("random.cnn", c.text());
        Map<String, Tensor> weights = Numerics.weights(g, c.seed());
        Map<String, Tensor> inputs = Numerics.inputs(g, c.batch(), c.seed());
        Map<String, NDArray> reference = Interpreter.runAll(g, weights, inputs);
        try (ClExecutable cl = ClExecutable.compile(g, weights, null, false)) {
            Map<String, Tensor> actual = cl.run(inputs);
            assertEquals(g.outputs(), List.copyOf(actual.keySet()), "output names");
            StringBuilder problems = new StringBuilder();
            for (String name : g.outputs()) {
                String diff = Numerics.compare(actual.get(name), reference.get(name).toTensor());
                if (diff != null) {
                    problems.append(name).append(": ").append(diff).append('\n');
                }
            }
            if (problems.length() > 0) {
                throw new AssertionError("OpenCL differs from the interpreter:\n" + problems + "OpenCL C:\n"
                        + cl.model().source());
            }
        }
    }

    @Provide
    Arbitrary<Case> mixed() {
        return JavaBackendProperties.cases(RandomNets.Menu.MIXED, 5);
    }

    @Provide
    Arbitrary<Case> convolutions() {
        return JavaBackendProperties.cases(RandomNets.Menu.CONVOLUTIONS, 3);
    }

    @Provide
    Arbitrary<Case> pooling() {
        return JavaBackendProperties.cases(RandomNets.Menu.POOLING, 3);
    }

    @Provide
    Arbitrary<Case> heads() {
        return JavaBackendProperties.cases(RandomNets.Menu.HEADS, 4);
    }
}
