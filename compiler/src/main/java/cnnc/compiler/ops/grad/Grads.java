package cnnc.compiler.ops.grad;

import cnnc.compiler.ir.Op;
import cnnc.compiler.ir.Shape;
import cnnc.compiler.ir.Vjp;

/**
 * The ops the autodiff pass emits: backward ops and the training-mode forms of Dropout and BatchNormalization. They
 * are not in the user-facing registry: a model file cannot name them.
 */
public final class Grads {
    private Grads() {}

    public static final Op CONV2D_BACKPROP_INPUT =
            new ConvBackprop.Op("Conv2DBackpropInput", ConvBackprop.Part.INPUT, false);
    public static final Op CONV2D_BACKPROP_FILTER =
            new ConvBackprop.Op("Conv2DBackpropFilter", ConvBackprop.Part.KERNEL, false);
    public static final Op DEPTHWISE_BACKPROP_INPUT =
            new ConvBackprop.Op("DepthwiseConv2DBackpropInput", ConvBackprop.Part.INPUT, true);
    public static final Op DEPTHWISE_BACKPROP_FILTER =
            new ConvBackprop.Op("DepthwiseConv2DBackpropFilter", ConvBackprop.Part.KERNEL, true);
    public static final Op BIAS_GRAD = new Reductions.BiasGrad();
    public static final Op DENSE_BACKPROP_INPUT = new Reductions.DenseBackprop(true);
    public static final Op DENSE_BACKPROP_KERNEL = new Reductions.DenseBackprop(false);
    public static final Op POOLING_GRAD = new PoolingGrad();
    public static final Op POINTWISE_GRAD = new PointwiseGrad();
    public static final Op SOFTMAX_GRAD = new SoftmaxGrad();
    public static final Op CROP2D = new Movement.Crop();
    public static final Op SLICE = new Movement.Slice();
    public static final Op DROPOUT_TRAIN = new Training.Dropout("DropoutTrain");
    public static final Op DROPOUT_GRAD = new Training.Dropout("DropoutGrad");
    public static final Op BATCH_MOMENTS = new Training.Moments();
    public static final Op BATCH_NORM_TRAIN = new Training.Norm(false);
    public static final Op BATCH_NORM_BACKPROP = new Training.Norm(true);
    public static final Op BATCH_NORM_PARAM_GRAD = new Training.ParamGrad();
    public static final Op BATCH_NORM_INFERENCE_GRAD = new Training.InferenceGrad();
    public static final Op SOFTMAX_CROSS_ENTROPY = new Losses.SoftmaxCrossEntropy(false);
    public static final Op SOFTMAX_CROSS_ENTROPY_GRAD = new Losses.SoftmaxCrossEntropy(true);
    public static final Op LOSS = new Losses.Loss(false);
    public static final Op LOSS_GRAD = new Losses.Loss(true);

    static Shape shapeOf(Vjp ctx, int input) {
        return ctx.inputShape(input);
    }
}
