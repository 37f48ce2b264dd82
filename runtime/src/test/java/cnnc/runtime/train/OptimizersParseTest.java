package cnnc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Optimizer specs in Keras' words: what parses to what, and every error as (input, exact message). */
class OptimizersParseTest {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "adam | adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false)",
        "Adam() | adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false)",
        "adam(learning_rate=0.001) | adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false)",
        "ADAM(lr=1e-4, amsgrad=True) | adam(learning_rate=0.0001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=true)",
        "adam(0.01, 0.8, 0.99, 1e-8, false) | adam(learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-08, amsgrad=false)",
        "sgd | sgd(learning_rate=0.01, momentum=0.0, nesterov=false)",
        "SGD(learning_rate=0.1, momentum=0.9, nesterov=true) | sgd(learning_rate=0.1, momentum=0.9, nesterov=true)",
        "SGD(0.1) | sgd(learning_rate=0.1, momentum=0.0, nesterov=false)",
        "sgd( learning_rate = 0.5 , ) | sgd(learning_rate=0.5, momentum=0.0, nesterov=false)",
        "rmsprop | rmsprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-07, centered=false)",
        "RMSprop(lr=0.01, centered=True, momentum=0.5) | rmsprop(learning_rate=0.01, rho=0.9, momentum=0.5, epsilon=1e-07, centered=true)",
        "adam(learning_rate=cosine(decay_steps=1000)) | adam(learning_rate=cosine(initial_learning_rate=0.001, decay_steps=1000, alpha=0.0), beta_1=0.9, beta_2=0.999, epsilon=1e-07, amsgrad=false)",
        "sgd(learning_rate=CosineDecay(0.1, 500, 0.01)) | sgd(learning_rate=cosine(initial_learning_rate=0.1, decay_steps=500, alpha=0.01), momentum=0.0, nesterov=false)",
        "sgd(learning_rate=step(every=2, factor=0.5), momentum=0.9) | sgd(learning_rate=step(initial_learning_rate=0.01, every=2, factor=0.5), momentum=0.9, nesterov=false)",
        "sgd(learning_rate=constant) | sgd(learning_rate=0.01, momentum=0.0, nesterov=false)",
    })
    void parses(String spec, String described) {
        Optimizer optimizer = Optimizers.parse(spec);
        assertEquals(described, optimizer.describe());
        assertEquals(described, Optimizers.parse(described).describe(), "describe() parses back to itself");
    }

    @Test
    void aScheduleGivenApartStartsFromTheOptimizersRate() {
        assertEquals("adam(learning_rate=cosine(initial_learning_rate=0.1, decay_steps=100, alpha=0.0), beta_1=0.9, "
                + "beta_2=0.999, epsilon=1e-07, amsgrad=false)",
                Optimizers.parse("adam(learning_rate=0.1)", "cosine(decay_steps=100)").describe());
        assertEquals("adam(learning_rate=cosine(initial_learning_rate=0.01, decay_steps=100, alpha=0.0), beta_1=0.9, "
                + "beta_2=0.999, epsilon=1e-07, amsgrad=false)",
                Optimizers.parse("adam", "cosine(0.01, 100)").describe());
        assertEquals("sgd(learning_rate=step(initial_learning_rate=0.1, every=3, factor=0.1), momentum=0.0, "
                + "nesterov=false)", Optimizers.parse("sgd(0.1)", "step(every=3, factor=0.1)").describe());
        assertEquals(0.1, Optimizers.parse("sgd(0.1)", "constant").learningRate());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
            Arguments.of("", "the optimizer is empty; write a name such as `adam(learning_rate=0.001)`"),
            Arguments.of("adm", "unknown optimizer `adm`; did you mean `adam`? (cnnc has sgd, adam, rmsprop)"),
            Arguments.of("rmsprob(0.1)", "unknown optimizer `rmsprob`; did you mean `rmsprop`? (cnnc has sgd, adam, "
                    + "rmsprop)"),
            Arguments.of("lbfgs", "unknown optimizer `lbfgs` (cnnc has sgd, adam, rmsprop)"),
            Arguments.of("AdamW(weight_decay=0.004)", "the optimizer `AdamW` is not supported yet; cnnc has sgd, adam, "
                    + "rmsprop"),
            Arguments.of("cosine(decay_steps=10)", "`cosine` is a learning-rate schedule, not an optimizer; give it as "
                    + "an optimizer's learning rate, as in `adam(learning_rate=cosine(...))`"),
            Arguments.of("adam(lerning_rate=0.1)", "adam has no argument `lerning_rate`; did you mean "
                    + "`learning_rate`? (it takes learning_rate, beta_1, beta_2, epsilon, amsgrad)"),
            Arguments.of("sgd(nesterow=true)", "sgd has no argument `nesterow`; did you mean `nesterov`? (it takes "
                    + "learning_rate, momentum, nesterov)"),
            Arguments.of("sgd(beta_1=0.9)", "sgd has no argument `beta_1` (it takes learning_rate, momentum, "
                    + "nesterov)"),
            Arguments.of("adam(clipnorm=1.0)", "adam: `clipnorm` is a Keras argument that cnnc does not support yet"),
            Arguments.of("adam(learning_rate=-0.1)", "adam: `learning_rate` must be a number > 0, not -0.1"),
            Arguments.of("adam(lr=0)", "adam: `learning_rate` must be a number > 0, not 0"),
            Arguments.of("sgd(-0.5)", "sgd: `learning_rate` must be a number > 0, not -0.5"),
            Arguments.of("adam(beta_1=1.0)", "adam: `beta_1` must be in [0, 1), not 1.0"),
            Arguments.of("adam(beta_2=-0.1)", "adam: `beta_2` must be in [0, 1), not -0.1"),
            Arguments.of("adam(epsilon=0)", "adam: `epsilon` must be a number > 0, not 0"),
            Arguments.of("rmsprop(rho=1)", "rmsprop: `rho` must be in [0, 1), not 1"),
            Arguments.of("rmsprop(momentum=-1)", "rmsprop: `momentum` must be in [0, 1], not -1"),
            Arguments.of("sgd(momentum=1.5)", "sgd: `momentum` must be in [0, 1], not 1.5"),
            Arguments.of("adam(amsgrad=1)", "adam: `amsgrad` must be true or false, not `1`"),
            Arguments.of("sgd(nesterov=yes)", "sgd: `nesterov` must be true or false, not `yes`"),
            Arguments.of("adam(beta_1=true)", "adam: `beta_1` must be a number, not `true`"),
            Arguments.of("sgd(0.1, 0.9, true, 4)", "sgd takes at most 3 positional arguments (learning_rate, momentum, "
                    + "nesterov), but 4 are given"),
            Arguments.of("sgd(momentum=0.9, 0.1)", "sgd: a positional argument (`0.1`) follows a keyword argument; "
                    + "name it, as in `learning_rate=...`"),
            Arguments.of("adam(lr=0.1, learning_rate=0.2)", "adam: `learning_rate` is given twice (as `lr` and as "
                    + "`learning_rate`)"),
            Arguments.of("adam(0.1, learning_rate=0.2)", "adam: `learning_rate` is given twice"),
            Arguments.of("adam(learning_rate=abc)", "adam: `learning_rate` must be a number > 0 or a schedule such as "
                    + "`cosine(decay_steps=1000)`, not `abc`"),
            Arguments.of("adam(learning_rate=cosin(decay_steps=10))", "adam: `learning_rate` must be a number > 0 or a "
                    + "schedule such as `cosine(decay_steps=1000)`, not `cosin(decay_steps=10)`; did you mean "
                    + "`cosine`?"),
            Arguments.of("adam(learning_rate=cosine)", "cosine: `decay_steps` is required, as in "
                    + "`cosine(decay_steps=1000)`"),
            Arguments.of("adam(learning_rate=cosine(decay_steps=0))", "cosine: `decay_steps` must be a whole number "
                    + "of steps >= 1, not 0"),
            Arguments.of("adam(learning_rate=ExponentialDecay(0.1, 100, 0.9))", "the learning-rate schedule "
                    + "`ExponentialDecay` is not supported yet; cnnc has constant, step, cosine"),
            Arguments.of("adam(learning_rate=0.1", "cannot read the optimizer `adam(learning_rate=0.1`: expected `,` "
                    + "or `)` but found the end at column 23"),
            Arguments.of("adam(learning_rate=)", "cannot read the optimizer `adam(learning_rate=)`: expected a value "
                    + "after `learning_rate=` but found `)` at column 20"),
            Arguments.of("adam learning_rate", "cannot read the optimizer `adam learning_rate`: unexpected "
                    + "`learning_rate` after the end of the optimizer at column 6"),
            Arguments.of("adam(learning_rate=0.1,, beta_1=0.9)", "cannot read the optimizer `adam(learning_rate=0.1,, "
                    + "beta_1=0.9)`: expected an argument but found `,` at column 24"),
            Arguments.of("adam(learning_rate=1e)", "cannot read the optimizer `adam(learning_rate=1e)`: expected a "
                    + "number but found `1e` at column 20"),
            Arguments.of("adam(learning_rate=0.1))", "cannot read the optimizer `adam(learning_rate=0.1))`: unexpected "
                    + "`)` after the end of the optimizer at column 24"),
            Arguments.of("(0.1)", "cannot read the optimizer `(0.1)`: expected a name such as "
                    + "`adam(learning_rate=0.001)` but found `(` at column 1"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("errors")
    void errorMessages(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.parse(spec));
        assertEquals(message, e.getMessage());
    }

    static Stream<Arguments> scheduleErrors() {
        return Stream.of(
            Arguments.of("adam(learning_rate=0.1)", "cosine(0.01, 100)", "adam: `learning_rate` is 0.1 but the "
                    + "schedule `cosine(0.01, 100)` starts at 0.01; give the initial rate once"),
            Arguments.of("adam(learning_rate=cosine(decay_steps=5))", "step(every=1, factor=0.5)", "adam: the learning "
                    + "rate is a schedule (`cosine(decay_steps=5)`) and a schedule is also given apart "
                    + "(`step(every=1, factor=0.5)`); give one"),
            Arguments.of("sgd", "", "the learning-rate schedule is empty; write a name such as "
                    + "`cosine(decay_steps=1000)`"),
            Arguments.of("sgd", "step(every=2)", "step: `factor` is required, as in `step(every=2, factor=0.5)`"),
            Arguments.of("sgd", "step(factor=0.5)", "step: `every` is required, as in `step(every=2, factor=0.5)`"),
            Arguments.of("sgd", "step(every=0, factor=0.5)", "step: `every` must be a whole number of epochs >= 1, "
                    + "not 0"),
            Arguments.of("sgd", "step(every=1.5, factor=0.5)", "step: `every` must be a whole number, not `1.5`"),
            Arguments.of("sgd", "step(every=2, factor=2)", "step: `factor` must be in (0, 1], not 2"),
            Arguments.of("sgd", "linear", "unknown learning-rate schedule `linear` (cnnc has constant, step, "
                    + "cosine)"),
            Arguments.of("sgd", "cosin(decay_steps=10)", "unknown learning-rate schedule `cosin`; did you mean "
                    + "`cosine`? (cnnc has constant, step, cosine)"),
            Arguments.of("sgd", "cosine(decay_steps=100, alpha=1.5)", "cosine: `alpha` must be in [0, 1], not 1.5"),
            Arguments.of("sgd", "cosine(decay_steps=100, alpah=0.1)", "cosine has no argument `alpah`; did you mean "
                    + "`alpha`? (it takes initial_learning_rate, decay_steps, alpha)"),
            Arguments.of("sgd", "cosine(decay_steps=100, warmup_steps=10)", "cosine: `warmup_steps` is a Keras "
                    + "argument that cnnc does not support yet"),
            Arguments.of("sgd", "cosine(initial_learning_rate=-1, decay_steps=100)", "cosine: "
                    + "`initial_learning_rate` must be a number > 0, not -1"));
    }

    @ParameterizedTest(name = "[{index}] {0} + {1}")
    @MethodSource("scheduleErrors")
    void scheduleErrorMessages(String optimizer, String schedule, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Optimizers.parse(optimizer, schedule));
        assertEquals(message, e.getMessage());
    }

    @Test
    void pathologicalInputFailsFast() {
        String deep = "adam(learning_rate=" + "cosine(".repeat(100_000);
        String wide = "adam(" + "beta_1=0.9, ".repeat(100_000) + ")";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Optimizers.parse(deep));
            assertEquals("calls nested more than 4 deep at column 48", e.getMessage().substring(
                    e.getMessage().lastIndexOf(": ") + 2));
            e = assertThrows(IllegalArgumentException.class, () -> Optimizers.parse(wide));
            assertEquals("adam: `beta_1` is given twice", e.getMessage());
        });
    }
}
