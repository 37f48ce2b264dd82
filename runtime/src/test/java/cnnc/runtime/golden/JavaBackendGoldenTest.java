package cnnc.runtime.golden;

import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compiler.Compiler;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import cnnc.runtime.java.CompiledModel;
import cnnc.runtime.java.JavaBackend;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated Java code against PyTorch: each golden model is fused, generated, compiled in memory and run with
 * one and with two worker threads, with plain loops and with Vector API kernels of 16 and 8 lanes; every output
 * must match the PyTorch fixture within 1e-4 relative.
 */
class JavaBackendGoldenTest {
    static Stream<GoldenFixtures.Fixture> fixtures() {
        return GoldenFixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void generatedJavaMatchesPyTorch(GoldenFixtures.Fixture fixture) throws Exception {
        Graph graph = Compiler.compileText(fixture.name() + ".cnn", fixture.source());
        StringBuilder problems = new StringBuilder();
        for (int[] config : new int[][] {{1, 0}, {2, 0}, {2, 16}, {1, 8}}) {
            int threads = config[0];
            CompiledModel model = JavaBackend.compile(graph, fixture.weights(), threads, config[1]);
            Map<String, Tensor> actual = model.run(fixture.inputs());
            for (Map.Entry<String, Tensor> e : fixture.outputs().entrySet()) {
                String diff = ReferenceGoldenTest.compare(actual.get(e.getKey()), e.getValue());
                if (diff != null) {
                    problems.append(threads).append(" thread(s), lanes ").append(config[1]).append(", ")
                            .append(e.getKey()).append(": ").append(diff)
                            .append('\n');
                }
            }
        }
        if (problems.length() > 0) {
            fail(fixture.name() + ":\n" + problems);
        }
    }
}
