package cnnc.runtime.java;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.Node;
import cnnc.compiler.ir.Tensor;
import cnnc.compiler.ir.WeightSpec;
import cnnc.compiler.passes.Grad;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated training step against the reference interpreter: for models covering every layer, training-mode op
 * and loss, the Java class generated from the training graph gives the same per-example losses, predictions, weight
 * gradients and batch moments (within 1e-4 relative), with plain loops and with Vector API kernels, and the OpenCL
 * training step too where this machine has OpenCL.
 */
class TrainingStepTest {
    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("fashion", "model M { input [12, 12, 1]\n"
                        + "Conv2D(16, 3, padding=same, activation=relu)\nMaxPooling2D(2)\nFlatten()\n"
                        + "Dense(32, activation=relu)\nDense(10, activation=softmax) }", null),
                Arguments.of("strided_dilated", "model M { input [9, 8, 2]\n"
                        + "Conv2D(3, (2, 3), strides=2, padding=same, activation=swish)\n"
                        + "Conv2D(2, 2, dilation_rate=2, padding=((1, 0), (0, 2)), activation=elu)\n"
                        + "GlobalAveragePooling2D()\nDense(3, activation=softmax) }", "categorical_crossentropy"),
                Arguments.of("depthwise_separable", "model M { input [6, 7, 2]\n"
                        + "DepthwiseConv2D(3, depth_multiplier=2, padding=same, activation=sigmoid)\n"
                        + "SeparableConv2D(3, 3, depth_multiplier=2, activation=hard_sigmoid)\n"
                        + "GlobalMaxPooling2D()\nDense(2, activation=sigmoid) }", "binary_crossentropy"),
                Arguments.of("bn_dropout_pools", "model M { input [8, 8, 3]\n"
                        + "Conv2D(4, 3, padding=same, use_bias=false)\nBatchNormalization()\nReLU(max_value=6)\n"
                        + "AveragePooling2D(2, strides=1, padding=same)\nL2Pooling2D(2)\nDropout(0.3)\n"
                        + "Flatten()\nDense(3)\nSoftmax() }", null),
                Arguments.of("graph_ops", "model M { input x: [5, 5, 2]\n"
                        + "a = Conv2D(2, 3, padding=same, activation=relu6)(x)\n"
                        + "b = Conv2D(2, 1, activation=leaky_relu)(x)\ns = Add()(a, b, x)\n"
                        + "c = Concatenate()(s, a)\nz = ZeroPadding2D(((1, 0), (2, 1)))(c)\n"
                        + "r = Rescaling(0.5, offset=0.1)(z)\nl = LeakyReLU()(r)\n"
                        + "f = Reshape((-1, 4))(l)\nd = Dense(3, activation=tanh)(f)\nFlatten()(d)\n"
                        + "Dense(2) }", "mean_squared_error"),
                Arguments.of("frozen_batch_norm", "model M { input [6, 6, 2]\n"
                        + "Conv2D(3, 3)\nBatchNormalization(trainable=false)\nActivation(relu)\nFlatten()\n"
                        + "Dense(16, activation=softmax) }", "sparse_categorical_crossentropy"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void generatedTrainingStepMatchesTheInterpreter(String name, String text, String loss) throws Exception {
        Graph shaped = Compiler.compileText(name + ".cnn", text);
        Graph train = new Grad(loss).run(shaped, new Diagnostics());
        SplittableRandom r = new SplittableRandom(name.hashCode());
        Map<String, Tensor> weights = new HashMap<>();
        for (Node n : shaped.nodes()) {
            for (WeightSpec w : n.op().weights(n.attrs(), n.inputs().stream().map(shaped::shapeOf).toList())) {
                Tensor t = Tensor.zeros(w.shape().dims());
                for (int i = 0; i < t.size(); i++) {
                    t.data()[i] = (float) (w.name().equals("moving_variance") || w.name().equals("gamma")
                            ? 0.5 + r.nextDouble() : r.nextGaussian() * 0.5);
                }
                weights.put(n.name() + "." + w.name(), t);
            }
        }
        int batch = 3;
        long classes = shaped.shapeOf(shaped.outputs().get(0)).dim(-1);
        Map<String, Tensor> inputs = new HashMap<>();
        for (GraphInput in : train.inputs()) {
            long[] shape = new long[in.shape().rank() + 1];
            shape[0] = batch;
            System.arraycopy(in.shape().dims(), 0, shape, 1, in.shape().rank());
            Tensor t = Tensor.zeros(shape);
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = switch (in.name()) {
                    case "target" -> in.shape().rank() == 0 ? r.nextInt((int) classes) : (float) r.nextDouble();
                    case "dropout_key" -> i * 7919 + 13;
                    default -> (float) r.nextGaussian();
                };
            }
            inputs.put(in.name(), t);
        }
        Map<String, Tensor> expected = Interpreter.run(train, weights, inputs);
        StringBuilder problems = new StringBuilder();
        for (int lanes : new int[] {0, 8}) {
            Map<String, Tensor> actual = JavaBackend.compileTraining(train, weights, lanes).run(inputs);
            for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                float[] want = e.getValue().data();
                float[] got = actual.get(e.getKey()).data();
                for (int i = 0; i < want.length; i++) {
                    if (!(Math.abs(got[i] - want[i]) <= 1e-4 * Math.max(1, Math.abs(want[i])))) {
                        problems.append("lanes ").append(lanes).append(", ").append(e.getKey()).append('[').append(i)
                                .append("]: got ").append(got[i]).append(", expected ").append(want[i]).append('\n');
                        break;
                    }
                }
            }
        }
        if (cnnc.runtime.opencl.OpenClAvailable.missing() == null) {
            try (cnnc.runtime.opencl.ClExecutable cl = cnnc.runtime.opencl.ClExecutable.compileTraining(train, weights,
                    null)) {
                Map<String, Tensor> actual = cl.run(inputs);
                for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                    float[] want = e.getValue().data();
                    float[] got = actual.get(e.getKey()).data();
                    for (int i = 0; i < want.length; i++) {
                        if (!(Math.abs(got[i] - want[i]) <= 1e-4 * Math.max(1, Math.abs(want[i])))) {
                            problems.append("OpenCL, ").append(e.getKey()).append('[').append(i).append("]: got ")
                                    .append(got[i]).append(", expected ").append(want[i]).append('\n');
                            break;
                        }
                    }
                }
            }
        }
        assertTrue(problems.length() == 0, name + ":\n" + problems);
    }
}
