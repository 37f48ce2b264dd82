package cnnc.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import cnnc.compiler.Compiler;
import cnnc.compiler.diag.Diagnostics;
import cnnc.compiler.interp.Interpreter;
import cnnc.compiler.ir.Graph;
import cnnc.compiler.ir.GraphInput;
import cnnc.compiler.ir.NDArray;
import cnnc.compiler.ir.WeightSpec;
import cnnc.compiler.ir.Node;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The autodiff pass against central finite differences: for small models covering every layer and loss, the
 * gradient of the mean loss with respect to sampled entries of every trainable weight, computed by the training
 * graph in the reference interpreter, matches (L(w + h) - L(w - h)) / 2h in double precision.
 */
class GradCheckTest {
    private static final double H = 1e-5;

    static Stream<Arguments> models() {
        return Stream.of(
                Arguments.of("conv_pool_dense", "model M { input [7, 6, 2]\n"
                        + "Conv2D(3, 3, padding=same, activation=tanh)\nMaxPooling2D(2)\nFlatten()\n"
                        + "Dense(4, activation=softmax) }", null),
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
                        + "f = Reshape((-1, 4))(l)\nd = Dense(3, activation=linear)(f)\nFlatten()(d)\n"
                        + "Dense(2) }", "mean_squared_error"),
                Arguments.of("frozen_batch_norm_in_inference_mode", "model M { input [6, 6, 2]\n"
                        + "Conv2D(3, 3)\nBatchNormalization(trainable=false)\nActivation(relu)\nFlatten()\n"
                        + "Dense(3, activation=softmax) }", null),
                Arguments.of("frozen_and_bn_affine_off", "model M { input [6, 6, 1]\n"
                        + "Conv2D(2, 3, trainable=false)\nBatchNormalization(center=false)\n"
                        + "Activation(relu)\nFlatten()\nDense(3, activation=softmax) }", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void weightGradientsMatchFiniteDifferences(String name, String text, String loss) throws Exception {
        Graph shaped = Compiler.compileText(name + ".cnn", text);
        Graph train = new Grad(loss).run(shaped, new Diagnostics());
        Verifier.verify(train, true);
        SplittableRandom r = new SplittableRandom(name.hashCode());
        Map<String, NDArray> weights = new HashMap<>();
        for (Node n : shaped.nodes()) {
            for (WeightSpec w : n.op().weights(n.attrs(), n.inputs().stream().map(shaped::shapeOf).toList())) {
                NDArray a = NDArray.zeros(ints(w.shape().dims()));
                for (int i = 0; i < a.size(); i++) {
                    a.data()[i] = w.name().equals("moving_variance") || w.name().equals("gamma")
                            ? 0.5 + r.nextDouble() : r.nextGaussian() * 0.5;
                }
                weights.put(n.name() + "." + w.name(), a);
            }
        }
        Map<String, NDArray> inputs = new HashMap<>();
        int batch = 3;
        for (GraphInput in : train.inputs()) {
            int[] shape = new int[in.shape().rank() + 1];
            shape[0] = batch;
            for (int i = 0; i < in.shape().rank(); i++) {
                shape[i + 1] = (int) in.shape().dim(i);
            }
            NDArray a = NDArray.zeros(shape);
            for (int i = 0; i < a.size(); i++) {
                a.data()[i] = switch (in.name()) {
                    case "target" -> in.shape().rank() == 0 ? r.nextInt((int) shaped.shapeOf(shaped.outputs().get(0))
                            .dim(0)) : r.nextDouble();
                    case "dropout_key" -> i * 7919 + 13;
                    default -> r.nextGaussian();
                };
            }
            inputs.put(in.name(), a);
        }
        Map<String, NDArray> values = Interpreter.runExact(train, weights, inputs);
        int checked = 0;
        StringBuilder failures = new StringBuilder();
        for (String out : train.outputs()) {
            if (!out.startsWith("grad/")) {
                continue;
            }
            String key = out.substring("grad/".length());
            NDArray w = weights.get(key);
            NDArray analytic = values.get(out);
            for (int s = 0; s < Math.min(6, w.size()); s++) {
                int i = s == 0 ? 0 : r.nextInt(w.size());
                double saved = w.data()[i];
                w.data()[i] = saved + H;
                double plus = meanLoss(train, weights, inputs);
                w.data()[i] = saved - H;
                double minus = meanLoss(train, weights, inputs);
                w.data()[i] = saved;
                double numeric = (plus - minus) / (2 * H);
                double a = analytic.data()[i];
                checked++;
                if (Math.abs(a - numeric) > 1e-5 * Math.max(1, Math.abs(numeric))) {
                    failures.append(key).append('[').append(i).append("]: analytic ").append(a)
                            .append(", numeric ").append(numeric).append('\n');
                }
            }
        }
        assertTrue(checked > 0, "no trainable weights checked");
        assertTrue(failures.length() == 0, name + ":\n" + failures);
    }

    private static double meanLoss(Graph g, Map<String, NDArray> w, Map<String, NDArray> in) {
        double[] l = Interpreter.runExact(g, w, in).get("loss").data();
        double sum = 0;
        for (double v : l) {
            sum += v;
        }
        return sum / l.length;
    }

    private static int[] ints(long[] d) {
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (int) d[i];
        }
        return out;
    }

}
