package cnnc.compiler.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import cnnc.compiler.diag.CompileException;
import cnnc.compiler.Compiler;
import cnnc.compiler.diag.Diagnostic;
import cnnc.compiler.passes.Pipeline;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The {@code train { ... }} block: each setting's accepted forms, and every error located at its value. */
class TrainingSettingsTest {
    private static String model(String block) {
        return "model M {\n  input [4, 4, 1]\n  Flatten()\n  Dense(3, activation=softmax)\n" + block + "}\n";
    }

    private static TrainingSettings settings(String block) throws CompileException {
        return Compiler.compile("m.cnn", model(block).getBytes(StandardCharsets.UTF_8), null, Pipeline.analysis(),
                null).training();
    }

    private static List<String> errors(String block) {
        CompileException e = assertThrows(CompileException.class, () -> settings(block));
        return e.diagnostics().all().stream().map(Diagnostic::headline).toList();
    }

    @Test
    void everySettingIsRead() throws CompileException {
        TrainingSettings t = settings("""
                  train {
                    loss = categorical_crossentropy
                    optimizer = SGD(0.1, momentum=0.9, nesterov=True)
                    batch_size = 2 * 8
                    epochs = 3,
                    validation_split = 0.25
                    metrics = (accuracy,)
                  }
                """);
        assertEquals("categorical_crossentropy", t.loss());
        assertEquals("SGD(0.1, momentum=0.9, nesterov=true)", t.optimizer());
        assertEquals(16, t.batchSize());
        assertEquals(3, t.epochs());
        assertEquals(0.25, t.validationSplit());
        assertEquals(List.of("accuracy"), t.metrics());
        assertEquals(7, t.optimizerSpan().line(), "the line of the optimizer value");
    }

    @Test
    void optimizerForms() throws CompileException {
        assertEquals("adam", settings("  train { optimizer = adam }\n").optimizer());
        assertEquals("rmsprop", settings("  train { optimizer = 'rmsprop' }\n").optimizer());
        assertEquals("adam(learning_rate=cosine(0.01, decay_steps=100))",
                settings("  train { optimizer = \" adam(learning_rate=cosine(0.01, decay_steps=100)) \" }\n")
                        .optimizer());
    }

    @Test
    void aModelWithoutABlockHasNoSettings() throws CompileException {
        assertNull(settings(""));
        TrainingSettings empty = settings("  train { }\n");
        assertNull(empty.loss());
        assertNull(empty.optimizer());
        assertNull(empty.batchSize());
        assertEquals(List.of(), empty.metrics());
    }

    static Stream<Arguments> badBlocks() {
        return Stream.of(
                Arguments.of("  train { lr = 0.1 }\n", "m.cnn:5:11: error: unknown training setting `lr` (known: loss, "
                        + "optimizer, batch_size, epochs, validation_split, metrics)"),
                Arguments.of("  train { epochs = 2\n epochs = 3 }\n", "m.cnn:6:2: error: `epochs` is given twice"),
                Arguments.of("  train { loss = crossentropy }\n", "m.cnn:5:18: error: unknown loss `crossentropy`"),
                Arguments.of("  train { optimizer = adamw }\n", "m.cnn:5:23: error: unknown optimizer `adamw`"),
                Arguments.of("  train { optimizer = \"nadam(0.1)\" }\n", "m.cnn:5:23: error: unknown optimizer "
                        + "`nadam`"),
                Arguments.of("  train { optimizer = 3 }\n", "m.cnn:5:23: error: expected an optimizer like `adam` or "
                        + "`sgd(learning_rate=0.01, momentum=0.9)`"),
                Arguments.of("  train { batch_size = 0 }\n", "m.cnn:5:24: error: `batch_size` must be a positive "
                        + "integer, got 0"),
                Arguments.of("  train { epochs = 1.5 }\n", "m.cnn:5:20: error: `epochs` must be a positive integer, "
                        + "got 1.5"),
                Arguments.of("  train { validation_split = 1 }\n", "m.cnn:5:30: error: `validation_split` must be a "
                        + "fraction in [0, 1), got 1"),
                Arguments.of("  train { metrics = (accuracy, auc) }\n", "m.cnn:5:21: error: unknown metric `auc`; cnnc "
                        + "reports the loss and `accuracy`"),
                Arguments.of("  train { batch_size = adam(1) }\n", "m.cnn:5:24: error: `batch_size` takes a value, not "
                        + "a call"));
    }

    @ParameterizedTest
    @MethodSource("badBlocks")
    void badSettingsAreLocated(String block, String headline) {
        List<String> errors = errors(block);
        assertEquals(1, errors.size(), errors::toString);
        if (!errors.get(0).startsWith(headline)) {
            assertEquals(headline, errors.get(0));
        }
    }
}
