package cnnc.runtime.java;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import cnnc.compiler.Compiler;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.Tensor;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models at the edges of the Java backend's memory plan and fusion rules, each checked against the interpreter with
 * one, two and three workers: models that are only views of their input, values that are model outputs and are also
 * read further on, a value read twice by one layer, a layer whose input is also an extra operand of its epilogue,
 * dead branches, 1×1 images, and channel counts wide enough for the Vector API kernels to work in chunks. Each runs
 * with plain loops and with Vector API kernels of 8 and of 16 lanes. The random models of
 * {@link JavaBackendProperties} reach some of these only rarely.
 */
class JavaBackendEdgeCasesTest {
    static Stream<Arguments> models() {
        return Stream.of(
                model("flatten of the input only", """
                        input [3, 4, 2]
                        Flatten()
                        """),
                model("dropout as the output", """
                        input [3, 4, 2]
                        Dropout(0.5)
                        """),
                model("two views of the input as outputs", """
                        input x: [2, 3, 4]
                        f = Flatten()(x)
                        r = Reshape((4, 3, 2))(f)
                        output f, r
                        """),
                model("a value and its view both outputs", """
                        input x: [4, 4, 2]
                        c = Conv2D(2, 1)(x)
                        f = Flatten()(c)
                        output c, f
                        """),
                model("a conv that is an output is not fused with its pool", """
                        input x: [6, 6, 2]
                        c = Conv2D(3, 3, padding=same, activation=relu)(x)
                        p = MaxPooling2D(2)(c)
                        output p, c
                        """),
                model("a value read twice by Concatenate", """
                        input x: [2, 3, 2]
                        c = Concatenate()(x, x)
                        """),
                model("a conv output read twice by Concatenate", """
                        input x: [3, 3, 2]
                        a = Conv2D(2, 1)(x)
                        c = Concatenate(axis=1)(a, a)
                        """),
                model("a value read twice by Add", """
                        input x: [2, 3, 2]
                        a = Conv2D(2, 1)(x)
                        s = Add()(a, a)
                        """),
                model("Add of four, two inputs each twice", """
                        input x: [2, 3, 2]
                        input y: [2, 3, 2]
                        s = Add()(x, y, x, y)
                        """),
                model("a Dense residual on its own input (vector)", """
                        input x: [4]
                        d = Dense(4)(x)
                        a = Add()(x, d)
                        """),
                model("a Dense residual on its own input (image)", """
                        input x: [3, 3, 2]
                        d = Dense(2, activation=relu)(x)
                        a = Add()(d, x)
                        """),
                model("a conv residual on its own input", """
                        input x: [5, 5, 3]
                        c = Conv2D(3, 3, padding=same)(x)
                        a = Add()(x, c)
                        """),
                model("a pooling residual on its own input", """
                        input x: [5, 5, 3]
                        p = AveragePooling2D(3, strides=1, padding=same)(x)
                        a = Add()(p, x)
                        """),
                model("a dead branch", """
                        input x: [4, 4, 2]
                        c = Conv2D(2, 1)(x)
                        d = Conv2D(3, 1)(x)
                        output d
                        """),
                model("Concatenate of three along the height", """
                        input x: [2, 3, 2]
                        a = Conv2D(2, 1)(x)
                        b = MaxPooling2D(1)(x)
                        c = Concatenate(axis=1)(a, x, b)
                        """),
                model("a 1x1 image through every kind of window", """
                        input [1, 1, 3]
                        Conv2D(4, 3, padding=same, activation=elu)
                        DepthwiseConv2D(2, padding=same, depth_multiplier=2)
                        SeparableConv2D(3, (1, 3), padding=full)
                        MaxPooling2D(2, padding=same)
                        AveragePooling2D(1)
                        L2Pooling2D(3, padding=same)
                        GlobalMaxPooling2D()
                        """),
                model("wide channels", """
                        input [6, 5, 20]
                        DepthwiseConv2D(3, padding=same, depth_multiplier=3, activation=relu6)
                        SeparableConv2D(33, 2, depth_multiplier=2)
                        BatchNormalization()
                        Conv2D(40, (2, 3), strides=(1, 2), activation=swish)
                        Dense(70)
                        """),
                model("Conv2D filters not a multiple of the Vector API chunk", """
                        input [1, 4, 1]
                        Conv2D(40, 1)
                        """),
                model("Conv2D filters not a multiple of the Vector API chunk (16 lanes)", """
                        input [1, 4, 1]
                        Conv2D(80, 1)
                        """),
                model("Dense units not a multiple of the Vector API chunk, four rows at a time", """
                        input [2, 2, 3]
                        Dense(40)
                        """),
                model("Dense units not a multiple of the Vector API chunk, one row at a time", """
                        input [6]
                        Dense(136)
                        """),
                model("wide layers through the Vector API kernels", """
                        input [3, 5, 2]
                        Conv2D(64, 1, activation=relu)
                        Conv2D(128, (1, 2))
                        Dense(32)
                        Dense(256, activation=tanh)
                        """),
                model("batch norm straight after the input", """
                        input [5]
                        BatchNormalization(center=false)
                        Dense(3)
                        BatchNormalization(scale=false)
                        """),
                model("softmax along each axis of an image", """
                        input x: [3, 4, 5]
                        a = Softmax(axis=1)(x)
                        b = Softmax(axis=2)(a)
                        c = Softmax(axis=3)(b)
                        d = Activation(softmax)(c)
                        """),
                model("a conv with softmax activation fused with its pool", """
                        input [6, 6, 3]
                        Conv2D(4, 3, activation=softmax)
                        L2Pooling2D(2)
                        """),
                model("pool leftovers: valid pooling drops the last row and column", """
                        input [7, 9, 2]
                        Conv2D(3, 2, activation=relu)
                        MaxPooling2D(2)
                        """),
                model("a fused pool with same padding", """
                        input [7, 9, 2]
                        Conv2D(3, 2, padding=full)
                        AveragePooling2D(2, padding=same)
                        """),
                model("padding wider than the kernel", """
                        input [3, 3, 1]
                        Conv2D(2, 2, padding=((3, 0), (0, 4)), activation=sigmoid)
                        """),
                model("a strided dilated-free conv larger than the stride", """
                        input [10, 7, 2]
                        Conv2D(2, (5, 1), strides=(3, 2), padding=same)
                        """),
                model("global pooling with keepdims feeding a residual", """
                        input x: [3, 3, 2]
                        g = GlobalAveragePooling2D(keepdims=true)(x)
                        c = Conv2D(2, 1)(g)
                        a = Add()(g, c)
                        """),
                model("the second input is read by a later layer only", """
                        input x: [4, 4, 2]
                        input y: [2]
                        c = Conv2D(2, 3, padding=same)(x)
                        g = GlobalMaxPooling2D()(c)
                        a = Add()(g, y)
                        """));
    }

    private static Arguments model(String name, String body) {
        return Arguments.of(name, "model Edge {\n" + body.indent(2) + "}\n");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void matchesTheInterpreter(String name, String text) throws Exception {
        Graph g = Compiler.compileText("edge.cnn", text);
        Map<String, Tensor> weights = Numerics.weights(g, 1);
        StringBuilder problems = new StringBuilder();
        for (int[] config : new int[][] {{1, 0}, {3, 8}, {2, 16}}) {
            int threads = config[0];
            int lanes = config[1];
            Map<String, Tensor> inputs = Numerics.inputs(g, 3, threads);
            Map<String, Tensor> expected = Interpreter.run(g, weights, inputs);
            Map<String, Tensor> actual;
            try {
                actual = JavaBackend.compile(g, weights, threads, lanes).run(inputs);
            } catch (RuntimeException e) {
                throw new AssertionError(name + ", " + threads + " thread(s), " + lanes + " lanes: " + e, e);
            }
            assertEquals(expected.keySet(), actual.keySet());
            for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                String diff = Numerics.compare(actual.get(e.getKey()), e.getValue());
                if (diff != null) {
                    problems.append(threads).append(" thread(s), ").append(lanes).append(" lanes, ").append(e.getKey()).append(": ").append(diff)
                            .append('\n');
                }
            }
        }
        if (problems.length() > 0) {
            fail(name + ":\n" + text + problems);
        }
    }
}
