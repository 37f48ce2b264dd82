package cnnc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import cnnc.compiler.passes.Pipeline;
import cnnc.compiler.passes.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden IR: {@code golden/NAME.cnn} printed after {@code lower} and after {@code shapes} must equal
 * {@code NAME.after-lower.ir} and {@code NAME.after-shapes.ir} exactly (the text of {@code cnnc ir FILE --after
 * PASS}). The expected files are written and checked by hand; they pin the naming rules, argument defaults and
 * window arithmetic. The IR verifier runs after every pass of the pipeline.
 */
class GoldenIrTest {

    static String resource(String name) throws IOException {
        try (InputStream in = GoldenIrTest.class.getResourceAsStream("/golden/" + name)) {
            assertNotNull(in, "missing resource golden/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"chain", "blocks", "branches"})
    void afterLower(String name) throws IOException {
        assertEquals(resource(name + ".after-lower.ir"), TestCompile.graph(resource(name + ".cnn"), "lower").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"chain", "blocks", "branches"})
    void afterShapes(String name) throws IOException {
        assertEquals(resource(name + ".after-shapes.ir"),
                TestCompile.graph(resource(name + ".cnn"), "shapes").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"chain", "blocks", "branches"})
    void verifierPassesAfterEveryPass(String name) throws IOException {
        String text = resource(name + ".cnn");
        for (String pass : Pipeline.inference().names()) {
            Verifier.verify(TestCompile.graph(text, pass), !pass.equals("lower"));
        }
    }
}
