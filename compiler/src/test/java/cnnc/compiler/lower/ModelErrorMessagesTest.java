package cnnc.compiler.lower;

import static cnnc.compiler.TestCompile.firstError;
import static cnnc.compiler.TestCompile.model;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Errors in well-formed models, as a table of (input, exact first diagnostic): names, arguments, values and shapes.
 * Statements start on line 3, column 3 (see {@link cnnc.compiler.TestCompile#model}); each column below is counted
 * by hand from there.
 */
class ModelErrorMessagesTest {
    /** A model whose input {@code x: [28, 28, 1]} is named, for multi-input layers; statements from line 3. */
    static String named(String... statements) {
        return model(statements).replace("input [28, 28, 1]", "input x: [28, 28, 1]");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(model("Conv2d(16, 3)"),
                        "m.cnn:3:3: error: unknown layer `Conv2d`; did you mean `Conv2D`?"),
                Arguments.of(model("MaxPool2d(2)"),
                        "m.cnn:3:3: error: unknown layer `MaxPool2d`; did you mean `MaxPool2D`?"),
                Arguments.of(model("Conv2D(16, kernal_size=3)"),
                        "m.cnn:3:14: error: unknown argument `kernal_size` for Conv2D; did you mean `kernel_size`?"),
                Arguments.of(model("Flatten(axis=1)"),
                        "m.cnn:3:11: error: unknown argument `axis` for Flatten"),
                Arguments.of(model("Conv2D(16, 3, activation=rleu)"),
                        "m.cnn:3:28: error: bad value for `activation`: unknown activation `rleu`; did you mean"
                                + " `relu`? (known: linear, relu, relu6, leaky_relu, elu, tanh, sigmoid,"
                                + " hard_sigmoid, swish, silu, softmax)"),
                Arguments.of(model("Conv2D(16)"),
                        "m.cnn:3:3: error: Conv2D is missing its required argument `kernel_size`"),
                Arguments.of(model("Dense()"), "m.cnn:3:3: error: Dense is missing its required argument `units`"),
                Arguments.of(model("Conv2D(16, 3, filters=8)"),
                        "m.cnn:3:17: error: argument `filters` given twice (first at 3:10)"),
                Arguments.of(model("Conv2D(16, kernel=3, kernel_size=3)"),
                        "m.cnn:3:24: error: argument `kernel_size` given twice (first as `kernel` at 3:14)"),
                Arguments.of(model("Conv2D(16, kernel_size=3, kernel=3)"),
                        "m.cnn:3:29: error: argument `kernel_size` given twice, here as `kernel` (first at 3:14)"),
                Arguments.of(model("Dense(4.5)"),
                        "m.cnn:3:9: error: bad value for `units`: expected a positive integer, got a number `4.5`"),
                Arguments.of(model("Conv2D(16, 3, use_bias=1)"),
                        "m.cnn:3:26: error: bad value for `use_bias`: expected `true` or `false`, got an integer `1`"),
                Arguments.of(model("Conv2D(filters=16, 3)"),
                        "m.cnn:3:22: error: positional argument follows keyword argument"),
                Arguments.of(model("Dense(1, relu, true, true, 5)"),
                        "m.cnn:3:30: error: Dense takes at most 4 positional arguments, got 5"),
                Arguments.of(model("Conv2D(0, 3)"),
                        "m.cnn:3:10: error: bad value for `filters`: expected a positive integer, got 0"),
                Arguments.of(model("Conv2D(16, -3)"),
                        "m.cnn:3:14: error: bad value for `kernel_size`: expected a positive integer or a pair like"
                                + " (3, 3), got -3"),
                Arguments.of("model M {\n  input [0, 28, 1]\n  Flatten()\n}\n",
                        "m.cnn:2:10: error: an input dimension must be a positive integer, got 0"),
                Arguments.of("model M {\n  input [28, -28, 1]\n  Flatten()\n}\n",
                        "m.cnn:2:14: error: an input dimension must be a positive integer, got -28"),
                Arguments.of(model("Conv2D(4, 29)"),
                        "m.cnn:3:13: error: layer `conv2d`: the kernel height 29 is larger than the input height 28"),
                Arguments.of(model("Conv2D(4, (3, 30))"),
                        "m.cnn:3:13: error: layer `conv2d`: the kernel width 30 is larger than the input width 28"),
                Arguments.of(model("Conv2D(4, 15, dilation_rate=2)"),
                        "m.cnn:3:13: error: layer `conv2d`: the kernel height 15 (dilated to 29) is larger than"
                                + " the input height 28"),
                Arguments.of(model("MaxPooling2D(29)"),
                        "m.cnn:3:16: error: layer `max_pooling2d`: the pool height 29 is larger than the input"
                                + " height 28"),
                Arguments.of(named("a = Conv2D(4, 3)(x)", "b = Conv2D(4, 1)(x)", "Add()(a, b)"),
                        "m.cnn:5:3: error: layer `add`: Add needs inputs of one shape, got [26, 26, 4] and"
                                + " [28, 28, 4] (input 2)"),
                Arguments.of(named("a = Conv2D(4, 3)(x)", "b = Conv2D(8, 1)(x)", "Concatenate()(a, b)"),
                        "m.cnn:5:3: error: layer `concatenate`: Concatenate on axis -1 needs inputs that agree on"
                                + " every other axis, got [26, 26, 4] and [28, 28, 8] (input 2)"),
                Arguments.of(named("Add()(x)"),
                        "m.cnn:3:3: error: Add takes at least 2 inputs, got 1; list them like `Add()(a, b)`"),
                Arguments.of(model("Dense(4)(nope)"),
                        "m.cnn:3:12: error: undefined name `nope`; a name can be used only after the statement that"
                                + " defines it"),
                Arguments.of(named("first = Dense(4)", "Dense(4)(frist)"),
                        "m.cnn:4:12: error: undefined name `frist`; did you mean `first`?"),
                Arguments.of(named("output y", "y = Dense(4)"),
                        "m.cnn:3:10: error: `y` is used before it is defined (at 4:3); a name can be used only after"
                                + " the statement that defines it"),
                Arguments.of(model("repeat 2 { c = Dense(4) }", "Dense(4)(c)"),
                        "m.cnn:4:12: error: `c` is defined inside a `repeat` (at 3:14) and is not visible outside it;"
                                + " name the repeat (`r = repeat …`) to use its result"),
                Arguments.of(named("Dense(4)(z)"), "m.cnn:3:12: error: undefined name `z`; a name can be used only"
                        + " after the statement that defines it"),
                Arguments.of(model("a = Dense(4)", "a = Dense(4)"), "m.cnn:4:3: error: `a` is already defined (at 3:3)"),
                Arguments.of(named("x = Dense(4)"), "m.cnn:3:3: error: `x` is already defined (at 2:9)"),
                Arguments.of(model("Flatten()", "Conv2D(4, 3)"),
                        "m.cnn:4:3: error: layer `conv2d`: Conv2D expects an image input of rank 3 [H, W, C], got"
                                + " [784] (rank 1)"),
                Arguments.of(model("Dropout(1.0)"),
                        "m.cnn:3:11: error: bad value for `rate`: expected a rate in [0, 1), got 1.0"),
                Arguments.of(model("Dropout(-0.1)"),
                        "m.cnn:3:11: error: bad value for `rate`: expected a rate in [0, 1), got -0.1"),
                Arguments.of(model("Dense(99999999999999999999)"),
                        "m.cnn:3:9: error: integer 99999999999999999999 is too large (the limit is"
                                + " 9223372036854775807)"),
                Arguments.of(model("Dense(3037000500 * 3037000500)"),
                        "m.cnn:3:20: error: integer overflow in `3037000500 * 3037000500`"),
                Arguments.of(model("Dense(4 / 0)"), "m.cnn:3:11: error: division by zero"),
                Arguments.of(model("Dense(-same)"),
                        "m.cnn:3:9: error: cannot compute `-same`: arithmetic needs numbers"),
                Arguments.of(model("Dense(2 * 'a')"),
                        "m.cnn:3:11: error: cannot compute `2 * \"a\"`: arithmetic needs numbers"),
                Arguments.of(model("Dense(-(-9223372036854775807 - 1))"),
                        "m.cnn:3:9: error: integer overflow in `-(-9223372036854775808)`"),
                Arguments.of(model("repeat 2 { }"),
                        "m.cnn:3:3: error: empty `repeat` body: write the layers to repeat between `{` and `}`"),
                Arguments.of(model("repeat 2 { input y: [2] }"),
                        "m.cnn:3:14: error: `input` belongs at the top of a model or block body"),
                Arguments.of(model("Dense(4, name=\"a b\")"),
                        "m.cnn:3:17: error: a layer name is a word of letters, digits and `_`, got \"a b\""),
                Arguments.of(model("a = Dense(4, name=b)"),
                        "m.cnn:3:3: error: the layer is named twice: `a =` and `name=b`"),
                Arguments.of(model("Dense(4)", "output dense", "output dense"),
                        "m.cnn:5:3: error: a second `output` statement; list all outputs in one: `output a, b`"),
                Arguments.of(model("Dense(4)", "output dense, dense"),
                        "m.cnn:4:17: error: `dense` is listed twice as an output"),
                Arguments.of(model("Conv2D(4, 3, strides=2, dilation_rate=2)"),
                        "m.cnn:3:27: error: strides > 1 cannot be combined with dilation_rate > 1 (as in Keras)"),
                Arguments.of(model("repeat 0 { Dense(3) }"),
                        "m.cnn:3:10: error: a repeat count must be a positive integer, got 0"),
                Arguments.of(model("repeat 2.5 { Dense(3) }"),
                        "m.cnn:3:10: error: a repeat count must be a positive integer, got 2.5"),
                Arguments.of("model M {\n  Dense(3)\n}\n",
                        "m.cnn:2:3: error: `Dense` has no input: declare the model's input first, like"
                                + " `input [28, 28, 1]`"),
                Arguments.of("model M {\n}\n",
                        "m.cnn:1:7: error: model `M` has no input; declare one like `input [28, 28, 1]`"),
                Arguments.of("model M {\n  input [28, 28, 1]\n}\n", "m.cnn:1:7: error: model `M` has no layers"),
                Arguments.of("model M {\n  input x\n  Dense(3)\n}\n",
                        "m.cnn:2:3: error: input `x` needs a shape like `input x: [28, 28, 1]` (H, W, C)"),
                Arguments.of("model A {\n  input [1]\n}\nmodel B {\n  input [1]\n}\n",
                        "m.cnn:4:7: error: this file defines several models (A, B); choose one with --model NAME"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void firstDiagnostic(String text, String expected) {
        assertEquals(expected, firstError(text));
    }
}
