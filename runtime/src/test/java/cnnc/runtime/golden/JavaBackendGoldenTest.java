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
 * one and with two worker threads; every output must match the PyTorch fixture within 1e-4 relative.
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
        for (int threads : new int[] {1, 2}) {
            CompiledModel model = JavaBackend.compile(graph, fixture.weights(), threads);
            Map<String, Tensor> actual = model.run(fixture.inputs());
            for (Map.Entry<String, Tensor> e : fixture.outputs().entrySet()) {
                String diff = ReferenceGoldenTest.compare(actual.get(e.getKey()), e.getValue());
                if (diff != null) {
                    problems.append(threads).append(" thread(s), ").append(e.getKey()).append(": ").append(diff)
                            .append('\n');
                }
            }
        }
        if (problems.length() > 0) {
            fail(fixture.name() + ":\n" + problems);
        }
    }
}
