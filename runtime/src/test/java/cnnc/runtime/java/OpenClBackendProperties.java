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
