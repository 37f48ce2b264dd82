package cnnc.compiler.lower;

import static cnnc.compiler.TestCompile.firstError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Errors with blocks, as a table of (input, exact first diagnostic); an error inside a block names its instance. */
class BlockErrorMessagesTest {
    /** Lines 1-5 define {@code Res(filters, size=3)}; the model's statement is on line 8, from column 3. */
    static String res(String statement) {
        return "block Res(filters, size=3) {\n"
                + "  input x\n"
                + "  y = Conv2D(filters, size)(x)\n"
                + "  output y\n"
                + "}\n"
                + "model M {\n"
                + "  input [8, 8, 4]\n"
                + "  " + statement + "\n"
                + "}\n";
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(res("Res(4, sise=3)"),
                        "m.cnn:8:10: error: unknown argument `sise` for block `Res`; did you mean `size`?"),
                Arguments.of(res("Res()"), "m.cnn:8:3: error: block `Res` is missing its required argument `filters`"),
                Arguments.of(res("Res(size=3)"),
                        "m.cnn:8:3: error: block `Res` is missing its required argument `filters`"),
                Arguments.of(res("Res(4, 3, 5)"),
                        "m.cnn:8:13: error: block `Res` takes at most 2 positional arguments, got 3"),
                Arguments.of(res("Res(4, filters=4)"),
                        "m.cnn:8:10: error: argument `filters` given twice (first at 8:7)"),
                Arguments.of(res("Res(filters=4, 3)"),
                        "m.cnn:8:18: error: positional argument follows keyword argument"),
                Arguments.of(res("Rse(4)"), "m.cnn:8:3: error: unknown layer `Rse`; did you mean `Res`?"),
                Arguments.of(res("r = Res(0)"),
                        "m.cnn:3:14: error: bad value for `filters`: expected a positive integer, got 0"
                                + " (in instance `r` of block `Res`, used at 8:3)"),
                Arguments.of(res("Res(4, size=\"big\")"),
                        "m.cnn:3:23: error: bad value for `kernel_size`: expected a positive integer or a pair like"
                                + " (3, 3), got `big` (in instance `res` of block `Res`, used at 8:3)"),
                // Shape errors come after lowering; the layer's name carries the instance.
                Arguments.of(res("r = Res(4, size=9)"),
                        "m.cnn:3:23: error: layer `r/y`: the kernel height 9 is larger than the input height 8"),
                Arguments.of("block A() {\n  input x\n  B()\n}\nblock B() {\n  input x\n  A()\n}\n"
                        + "model M {\n  input [8, 8, 1]\n  A()\n}\n",
                        "m.cnn:7:3: error: block `A` is used inside itself (`A` → `B` → `A`); blocks cannot be"
                                + " recursive (in instance `a/b` of block `B`, used at 3:3)"),
                Arguments.of("block A() {\n  input x\n  A()\n}\nmodel M {\n  input [8, 8, 1]\n  A()\n}\n",
                        "m.cnn:3:3: error: block `A` is used inside itself (`A` → `A`); blocks cannot be recursive"
                                + " (in instance `a` of block `A`, used at 7:3)"),
                Arguments.of("block B() {\n  input x: [8, 8, 1]\n  Dense(2)\n}\nmodel M {\n  input [8, 8, 1]\n  B()\n}\n",
                        "m.cnn:2:3: error: a block input takes the shape of what the block is applied to; write"
                                + " `input x` without a shape (in instance `b` of block `B`, used at 7:3)"),
                Arguments.of("block B() {\n  input x\n  Dense(2)\n}\nblock B() {\n  input x\n}\n"
                        + "model M {\n  input [8, 8, 1]\n  B()\n}\n",
                        "m.cnn:5:7: error: block `B` is defined twice (first at 1:7)"),
                Arguments.of("block Dense() {\n  input x\n  ReLU()\n}\nmodel M {\n  input [8, 8, 1]\n  Dense()\n}\n",
                        "m.cnn:1:7: error: block `Dense` has the name of a built-in layer"),
                Arguments.of("block P() {\n  input a\n  input b\n  Add()(a, b)\n}\n"
                        + "model M {\n  input x: [8, 8, 1]\n  P()(x)\n}\n",
                        "m.cnn:8:3: error: block `P` takes 2 inputs, got 1"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void firstDiagnostic(String text, String expected) {
        assertEquals(expected, firstError(text));
    }
}
