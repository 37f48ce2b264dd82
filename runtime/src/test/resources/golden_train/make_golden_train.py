#!/usr/bin/python3
"""Training golden fixtures for cnnc's autodiff pass (`Grad`), computed with PyTorch autograd (an independent
framework), plus the weights after one SGD step and after one Adam step written with Keras 2.12's formulas.

Run from anywhere with Debian's PyTorch 1.13 (`apt-get install python3-torch`) and numpy:

    /usr/bin/python3 runtime/src/test/resources/golden_train/make_golden_train.py

It rewrites, next to this script, for every model m in MODELS:

    m.cnn                      the model in the .cnn language (the text is kept in this file: one source)
    m.safetensors              float32 weights keyed <layer>.<weight>, Keras names and layouts, every weight of the
                               model (trainable, frozen and BatchNormalization's moving statistics)
    m.input.<input>.npy        float32 [N, ...input shape] (C order), one file per model input; N = 4
    m.target.npy               float32, the `target` input of the training graph: class indices as floats, shape [N],
                               for sparse_categorical_crossentropy; else shaped like the model output [N, K]
    m.expected.safetensors     float32, keyed by the training graph's output names:
                                 loss                   [N]     per-example loss
                                 <output>               [N, K]  the model output (training mode)
                                 grad/<layer>.<weight>  Keras layout: gradient of the MEAN loss (so summed over the
                                                        batch of the per-example gradients / N), one per trainable
                                                        weight and none for frozen or non-trainable ones
                                 <bn>/moments           [2, C]  row 0 batch mean, row 1 biased batch variance of the
                                                        BatchNormalization's input, over every axis but the last
                               and one key that is not a graph output:
                                 mean_loss              []      the training loss: the mean of `loss`
                               metadata: loss (Keras name), default_loss ("true" when Grad(null) must pick this
                               loss: sparse CE for a softmax output, MSE otherwise), batch, generator
    m.after_sgd.safetensors    float32 trainable weights only, after ONE step of Keras 2.12 SGD(learning_rate=0.1,
                               momentum=0.9, nesterov=False) from zero velocity:
                                 v = momentum*0 - lr*g = -lr*g;  w <- w + v
    m.after_adam.safetensors   float32 trainable weights only, after ONE step of Keras 2.12 Adam(learning_rate=0.01,
                               beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False) from zero moments, t = 1:
                                 m = (1-b1)*g;  v = (1-b2)*g^2;  alpha = lr*sqrt(1-b2^t)/(1-b1^t)
                                 w <- w - alpha*m/(sqrt(v) + eps)
                               (eps is added to sqrt(v) WITHOUT bias correction of v, as Keras does; torch.optim.Adam
                               uses m_hat/(sqrt(v_hat)+eps), which differs, so the updates are written out here.)
                               The hyper-parameters are in each file's __metadata__ (strings).

Neither after_* file holds frozen weights (trainable=false) or BatchNormalization's moving_mean/moving_variance: an
optimizer leaves them alone. (Keras would also update the moving statistics in that step, as
moving = momentum*moving + (1-momentum)*batch, from the moments above; beware that Keras 2's fused path for 4-D
inputs feeds the moving variance the Bessel-corrected batch variance while its non-fused path uses the biased one,
so that update is not pinned down here.)

Conventions (Keras 2.12 / TensorFlow semantics, translated to PyTorch by hand, as ../golden/make_golden.py does):

* Everything is computed in float64 from the float32 weights and inputs and rounded to float32 once at the end
  (Keras would do the optimizer arithmetic in float32: at most an ulp apart).
* Layout: images NHWC, permuted to NCHW for torch. Conv2D kernel [kh, kw, cin, filters] -> torch
  [filters, cin, kh, kw]; DepthwiseConv2D depthwise_kernel [kh, kw, cin, mult] -> grouped [cin*mult, 1, kh, kw]
  (output channel c*mult + m reads input channel c); SeparableConv2D = that depthwise conv without bias, then
  pointwise_kernel [1, 1, cin*mult, filters] as a 1x1 conv, then bias. Dense kernel [in, units]: x @ kernel + bias.
  Gradients come back in the Keras layouts (autograd runs through the permutes).
* Padding (explicit F.pad): same = output ceil(n/s), total max((out-1)*s + (k-1)*d + 1 - n, 0), the smaller half
  before (top/left); max pooling pads with -inf, average pooling divides by the count of real cells.
* BatchNormalization in training: batch mean and BIASED variance over every axis but the channel (last) axis,
  y = gamma*(x-mean)/sqrt(var+epsilon) + beta, gradients through the batch statistics (torch's
  F.batch_norm(training=True) normalises the same way; its running-stat side effect is not used).
* Losses, per example, and the training loss = their mean over the batch (Keras' default reduction):
  - sparse_categorical_crossentropy / categorical_crossentropy after a softmax output: computed from the logits,
    -sum(t * log_softmax(z)) (Keras 2.12 takes the softmax's logits too, `_keras_logits`; cnnc fuses the same way).
    Sparse targets are class indices; categorical targets here are soft (rows of a Dirichlet draw, summing to 1).
  - binary_crossentropy after a sigmoid output: from the logits (Keras does the same), mean over the last axis of
    softplus(z) - t*z.
  - mean_squared_error: mean over the last axis of (y - t)^2.
* Activations: relu, relu6, swish = x*sigmoid(x), elu (alpha 1), tanh, sigmoid, softmax over the last axis;
  LeakyReLU(alpha) slope alpha; ReLU() layer = max(x, 0). Flatten in H, W, C order. Rescaling x*scale + offset.
* trainable=false on a layer: its weights get no gradient and are not updated, but gradients flow through it.

Values: weights ~ N(0, 0.3) (gamma ~ 1 + N(0, 0.3), moving_variance ~ U(0.2, 1.2)), inputs ~ N(0, 1). Coverage
checks make sure that the data reach the interesting regions (both sides of each ReLU kink, no ties inside max
pooling windows that carry gradient, no ReLU channel dead for the whole batch, a loss that is not saturated).
Deterministic: fixed seeds, one thread; a rerun gives the same bytes.
"""

import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DTYPE = torch.float64
BATCH = 4

SGD = {"optimizer": "SGD", "learning_rate": 0.1, "momentum": 0.9, "nesterov": False}
ADAM = {"optimizer": "Adam", "learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
        "amsgrad": False}


# ----------------------------------------------------------------------------------------------------------------
# Files


def write_safetensors(path, tensors, metadata):
    """Writes {name: float32 ndarray} by the safetensors spec: u64 LE header length, JSON header (string metadata
    first) padded with spaces to a multiple of 8, then the raw little-endian data in header order."""
    header = {"__metadata__": {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in metadata.items()}}
    blobs = []
    offset = 0
    for name, array in tensors.items():
        array = np.asarray(array)
        data = np.ascontiguousarray(array, dtype="<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)


def save_npy(path, array):
    np.save(path, np.ascontiguousarray(array, dtype="<f4"), allow_pickle=False)


# ----------------------------------------------------------------------------------------------------------------
# Weights: created on first use, in layer order, from one seeded generator per model; trainable ones are autograd
# leaves (float64 copies of the float32 values).


class Weights:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.arrays = {}  # name -> float32 ndarray, in creation order
        self.leaves = {}  # name -> float64 leaf tensor, trainable weights only

    def _add(self, name, array, trainable):
        assert name not in self.arrays, name
        array = array.astype(np.float32)
        self.arrays[name] = array
        t = torch.from_numpy(array).to(DTYPE)
        if trainable:
            t.requires_grad_(True)
            self.leaves[name] = t
        return t

    def normal(self, name, shape, mean=0.0, std=0.3, trainable=True):
        return self._add(name, self.rng.normal(mean, std, size=shape), trainable)

    def uniform(self, name, shape, low, high, trainable=True):
        return self._add(name, self.rng.uniform(low, high, size=shape), trainable)


# ----------------------------------------------------------------------------------------------------------------
# Layers (NHWC float64 tensors in and out)


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def same_pads(n, k, s, d):
    eff = (k - 1) * d + 1
    out = -(-n // s)
    total = max((out - 1) * s + eff - n, 0)
    return total // 2, total - total // 2


def pad_nchw(x, k, s, d, padding, value=0.0):
    if padding == "valid":
        return x
    assert padding == "same", padding
    t, b = same_pads(x.shape[2], k[0], s[0], d[0])
    l, r = same_pads(x.shape[3], k[1], s[1], d[1])
    return F.pad(x, (l, r, t, b), value=value)


def nchw(x):
    return x.permute(0, 3, 1, 2)


def nhwc(x):
    return x.permute(0, 2, 3, 1)


def activation(x, name):
    return {
        "linear": lambda v: v,
        "relu": F.relu,
        "relu6": F.relu6,
        "elu": lambda v: F.elu(v, alpha=1.0),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "swish": F.silu,
        "softmax": lambda v: torch.softmax(v, dim=-1),
    }[name](x)


class Model:
    """The forward pass of one fixture model; records what the checks and the losses need."""

    def __init__(self, w):
        self.w = w
        self.moments = {}  # bn name -> [2, C] float64 (mean, biased variance)
        self.logits = None  # pre-activation of the output layer when it is a softmax or sigmoid
        self.max_pool_inputs = []  # (input NHWC, pool size, strides, needs unique maxima)

    def conv2d(self, name, x, filters, kernel_size, strides=1, padding="valid", activation_="linear",
               use_bias=True, trainable=True):
        k, s, d = pair(kernel_size), pair(strides), (1, 1)
        kernel = self.w.normal(name + ".kernel", (k[0], k[1], x.shape[-1], filters), trainable=trainable)
        bias = self.w.normal(name + ".bias", (filters,), trainable=trainable) if use_bias else None
        y = F.conv2d(pad_nchw(nchw(x), k, s, d, padding), kernel.permute(3, 2, 0, 1), bias, stride=s)
        return self._act(nhwc(y), activation_)

    def _depthwise(self, x, kernel, k, s, padding):
        cin, mult = kernel.shape[2], kernel.shape[3]
        weight = kernel.permute(2, 3, 0, 1).reshape(cin * mult, 1, k[0], k[1])
        return F.conv2d(pad_nchw(nchw(x), k, s, (1, 1), padding), weight, None, stride=s, groups=cin)

    def depthwise_conv2d(self, name, x, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                         activation_="linear"):
        k, s = pair(kernel_size), pair(strides)
        kernel = self.w.normal(name + ".depthwise_kernel", (k[0], k[1], x.shape[-1], depth_multiplier))
        bias = self.w.normal(name + ".bias", (x.shape[-1] * depth_multiplier,))
        return self._act(nhwc(self._depthwise(x, kernel, k, s, padding)) + bias, activation_)

    def separable_conv2d(self, name, x, filters, kernel_size, padding="valid", activation_="linear"):
        k = pair(kernel_size)
        cin = x.shape[-1]
        dk = self.w.normal(name + ".depthwise_kernel", (k[0], k[1], cin, 1))
        pk = self.w.normal(name + ".pointwise_kernel", (1, 1, cin, filters))
        bias = self.w.normal(name + ".bias", (filters,))
        y = F.conv2d(self._depthwise(x, dk, k, (1, 1), padding), pk.permute(3, 2, 0, 1), bias)
        return self._act(nhwc(y), activation_)

    def dense(self, name, x, units, activation_="linear", use_bias=True, trainable=True):
        kernel = self.w.normal(name + ".kernel", (x.shape[-1], units), trainable=trainable)
        bias = self.w.normal(name + ".bias", (units,), trainable=trainable) if use_bias else None
        return self._act(F.linear(x, kernel.t(), bias), activation_)

    def _act(self, z, name):
        if name in ("softmax", "sigmoid"):
            self.logits = z
        return activation(z, name)

    def batch_norm(self, name, x, epsilon=1e-3, center=True, scale=True):
        """Training mode: batch statistics, biased variance; moving statistics are stored but unused."""
        c = x.shape[-1]
        gamma = self.w.normal(name + ".gamma", (c,), mean=1.0) if scale else None
        beta = self.w.normal(name + ".beta", (c,)) if center else None
        self.w.normal(name + ".moving_mean", (c,), trainable=False)
        self.w.uniform(name + ".moving_variance", (c,), 0.2, 1.2, trainable=False)
        flat = x.reshape(-1, c)
        mean = flat.mean(dim=0)
        var = ((flat - mean) ** 2).mean(dim=0)  # biased
        self.moments[name] = torch.stack([mean, var]).detach()
        y = (x - mean) / torch.sqrt(var + epsilon)
        if gamma is not None:
            y = y * gamma
        if beta is not None:
            y = y + beta
        # Independent cross-check with torch's own training-mode batch norm (which normalises with biased variance).
        ref = F.batch_norm(flat, None, None, gamma, beta, training=True, eps=epsilon).reshape(x.shape)
        assert torch.allclose(ref, y, rtol=1e-12, atol=1e-12), name
        return y

    def max_pool(self, x, pool_size=2, strides=None, padding="valid", unique=True):
        k = pair(pool_size)
        s = k if strides is None else pair(strides)
        self.max_pool_inputs.append((x, k, s, padding, unique))
        return nhwc(F.max_pool2d(pad_nchw(nchw(x), k, s, (1, 1), padding, value=float("-inf")), k, s))

    @staticmethod
    def avg_pool(x, pool_size=2, strides=None, padding="valid"):
        k = pair(pool_size)
        s = k if strides is None else pair(strides)
        sums = F.avg_pool2d(pad_nchw(nchw(x), k, s, (1, 1), padding), k, s)
        counts = F.avg_pool2d(pad_nchw(torch.ones_like(nchw(x)), k, s, (1, 1), padding), k, s)
        return nhwc(sums / counts)


def covers(cond, what):
    if not bool(cond):
        sys.exit("coverage check failed: " + what)


def check_max_pools(model):
    """A max window whose maximum is tied routes its gradient to one arbitrary element: the fixtures avoid ties in
    windows that carry gradient (windows of all-zero ReLU outputs are fine: the ReLU stops the gradient)."""
    for x, k, s, padding, unique in model.max_pool_inputs:
        padded = pad_nchw(nchw(x.detach()), k, s, (1, 1), padding, value=float("-inf"))
        win = padded.unfold(2, k[0], s[0]).unfold(3, k[1], s[1]).reshape(*padded.shape[:2], -1, k[0] * k[1])
        top2 = win.topk(2, dim=-1).values
        tied = top2[..., 0] - top2[..., 1] < 1e-6
        if unique:
            covers(not tied.any(), "no ties in max pooling windows")
        else:
            covers(not (tied & (top2[..., 0] != 0)).any(), "max pooling ties only among zeros")


# ----------------------------------------------------------------------------------------------------------------
# Models: the .cnn text and the same computation in torch. Each forward returns {output name: tensor}.


CONV_BN_CNN = """\
# Training golden fixture (make_golden_train.py, which holds the source of this text): conv, batch norm in training
# mode, ReLU, max and global average pooling, a softmax classifier trained with sparse categorical cross-entropy.
model ConvBnTrain {
  input [10, 9, 3]
  Conv2D(4, 3, padding=same, use_bias=false)
  BatchNormalization()
  ReLU()
  MaxPooling2D(2)
  Conv2D(6, 3, activation=relu)
  GlobalAveragePooling2D()
  Dense(5, activation=softmax)
  output dense
}
"""


def conv_bn_model(m, inputs):
    x = m.conv2d("conv2d", inputs["input"], 4, 3, padding="same", use_bias=False)
    x = m.batch_norm("batch_normalization", x)
    covers((x > 0).float().mean() > 0.3 and (x < 0).float().mean() > 0.3, "both sides of the first ReLU")
    x = F.relu(x)
    x = m.max_pool(x, 2, unique=False)
    x = m.conv2d("conv2d_1", x, 6, 3, activation_="relu")
    x = x.mean(dim=(1, 2))
    return {"dense": m.dense("dense", x, 5, activation_="softmax")}


DENSE_MSE_CNN = """\
# Training golden fixture (make_golden_train.py, which holds the source of this text): Dense layers, batch norm on
# a rank-1 input (statistics over the batch axis only), a frozen layer the gradient flows through, and
# mean_squared_error on a linear output.
model DenseMseTrain {
  input [6]
  Dense(8, use_bias=false)
  BatchNormalization(center=false, epsilon=0.01)
  Activation(tanh)
  Dense(5, activation=sigmoid, trainable=false)
  Dense(3)
  output dense_2
}
"""


def dense_mse_model(m, inputs):
    x = m.dense("dense", inputs["input"], 8, use_bias=False)
    x = torch.tanh(m.batch_norm("batch_normalization", x, epsilon=0.01, center=False))
    x = m.dense("dense_1", x, 5, activation_="sigmoid", trainable=False)
    m.logits = None  # the output is linear: the sigmoid above is not the model's output
    return {"dense_2": m.dense("dense_2", x, 3)}


CAT_CE_CNN = """\
# Training golden fixture (make_golden_train.py, which holds the source of this text): Rescaling, strided
# DepthwiseConv2D, SeparableConv2D, batch norm without scale, a residual Add, Concatenate, average and max pooling
# with same padding, LeakyReLU, Flatten and a Softmax layer, trained with categorical cross-entropy on soft targets.
model CatCeTrain {
  input x: [8, 7, 2]
  scaled = Rescaling(0.5, offset=-0.1)(x)
  dw = DepthwiseConv2D(3, strides=2, depth_multiplier=2, padding=same, activation=relu6)(scaled)
  sep = SeparableConv2D(4, (2, 3), padding=same, activation=swish)(dw)
  bn = BatchNormalization(scale=false, epsilon=0.01)(sep)
  avg = AveragePooling2D(3, strides=1, padding=same)(bn)
  sum = Add()(avg, dw)
  cat = Concatenate()(sum, sep)
  pooled = MaxPooling2D(2, padding=same)(cat)
  act = LeakyReLU(alpha=0.1)(pooled)
  flat = Flatten()(act)
  logits = Dense(4, activation=elu)(flat)
  head = Dense(3)(logits)
  probs = Softmax()(head)
  output probs
}
"""


def cat_ce_model(m, inputs):
    scaled = inputs["x"] * 0.5 - 0.1
    dw = m.depthwise_conv2d("dw", scaled, 3, strides=2, padding="same", depth_multiplier=2)
    covers((dw > 0).any() and (dw < 0).any(), "both sides of relu6's lower kink")
    dw = F.relu6(dw)
    sep = m.separable_conv2d("sep", dw, 4, (2, 3), padding="same", activation_="swish")
    bn = m.batch_norm("bn", sep, epsilon=0.01, scale=False)
    avg = m.avg_pool(bn, 3, strides=1, padding="same")
    total = avg + dw
    cat = torch.cat([total, sep], dim=-1)
    pooled = m.max_pool(cat, 2, padding="same")
    covers((pooled > 0).any() and (pooled < 0).any(), "both sides of LeakyReLU")
    act = F.leaky_relu(pooled, 0.1)
    flat = act.reshape(act.shape[0], -1)
    logits = m.dense("logits", flat, 4, activation_="elu")
    covers((logits > 0).any() and (logits < 0).any(), "both sides of elu")
    head = m.dense("head", logits, 3)
    m.logits = head
    return {"probs": torch.softmax(head, dim=-1)}


BINARY_CNN = """\
# Training golden fixture (make_golden_train.py, which holds the source of this text): a multi-label sigmoid output
# trained with binary_crossentropy.
model BinaryTrain {
  input [7]
  Dense(5, activation=elu)
  Dense(3, activation=sigmoid)
  output dense_1
}
"""


def binary_model(m, inputs):
    x = m.dense("dense", inputs["input"], 5, activation_="elu")
    return {"dense_1": m.dense("dense_1", x, 3, activation_="sigmoid")}


# ----------------------------------------------------------------------------------------------------------------
# Losses (per example) and targets


def per_example_loss(kind, model, output, target):
    if kind == "sparse_categorical_crossentropy":
        return -F.log_softmax(model.logits, dim=-1).gather(1, target.long().unsqueeze(1)).squeeze(1)
    if kind == "categorical_crossentropy":
        return -(target * F.log_softmax(model.logits, dim=-1)).sum(dim=-1)
    if kind == "binary_crossentropy":
        z = model.logits
        return (F.softplus(z) - target * z).mean(dim=-1)
    if kind == "mean_squared_error":
        return ((output - target) ** 2).mean(dim=-1)
    raise ValueError(kind)


def make_target(kind, rng, output_shape):
    n, k = output_shape
    if kind == "sparse_categorical_crossentropy":
        labels = rng.permutation(np.arange(n) % k)  # distinct classes for N <= K
        return labels.astype(np.float32)
    if kind == "categorical_crossentropy":
        return rng.dirichlet(np.ones(k), size=n).astype(np.float32)
    if kind == "binary_crossentropy":
        t = (rng.uniform(size=(n, k)) < 0.5).astype(np.float32)
        t[0, 0], t[0, 1] = 0.0, 1.0  # both classes present
        return t
    return rng.normal(0.0, 1.0, size=(n, k)).astype(np.float32)


# ----------------------------------------------------------------------------------------------------------------
# Optimizers: one step from zero state, written out (Keras 2.12's formulas)


def sgd_step(w, g):
    velocity = SGD["momentum"] * 0.0 - SGD["learning_rate"] * g
    return w + velocity


def adam_step(w, g, t=1):
    b1, b2, lr, eps = ADAM["beta_1"], ADAM["beta_2"], ADAM["learning_rate"], ADAM["epsilon"]
    m = 0.0 + (g - 0.0) * (1 - b1)
    v = 0.0 + (g * g - 0.0) * (1 - b2)
    alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    return w - m * alpha / (np.sqrt(v) + eps)


# name, .cnn text, forward, seed, {input name: shape}, loss, whether Grad(null) picks that loss
MODELS = [
    ("conv_bn", CONV_BN_CNN, conv_bn_model, 31, {"input": (10, 9, 3)}, "sparse_categorical_crossentropy", True),
    ("dense_mse", DENSE_MSE_CNN, dense_mse_model, 12, {"input": (6,)}, "mean_squared_error", True),
    ("cat_ce", CAT_CE_CNN, cat_ce_model, 13, {"x": (8, 7, 2)}, "categorical_crossentropy", False),
    ("binary", BINARY_CNN, binary_model, 14, {"input": (7,)}, "binary_crossentropy", False),
]


def main():
    torch.set_num_threads(1)
    for stale in os.listdir(HERE):
        if stale.endswith((".npy", ".safetensors", ".cnn")):
            os.remove(os.path.join(HERE, stale))
    total = 0
    for name, text, forward, seed, input_shapes, kind, default_loss in MODELS:
        rng = np.random.default_rng(2000 + seed)
        inputs = {k: rng.normal(0.0, 1.0, size=(BATCH,) + shape).astype(np.float32)
                  for k, shape in input_shapes.items()}
        weights = Weights(seed)
        model = Model(weights)
        outputs = forward(model, {k: torch.from_numpy(v).to(DTYPE) for k, v in inputs.items()})
        declared = [line.strip() for line in text.splitlines() if line.strip().startswith("output ")][0]
        declared = [o.strip() for o in declared[len("output "):].split(",")]
        assert declared == list(outputs), (name, declared, list(outputs))
        output = outputs[declared[0]]
        if kind.endswith("crossentropy"):
            assert model.logits is not None, name
        target = make_target(kind, rng, tuple(output.shape))
        losses = per_example_loss(kind, model, output, torch.from_numpy(target).to(DTYPE))
        mean_loss = losses.mean()
        leaves = list(weights.leaves.items())
        grads = torch.autograd.grad(mean_loss, [t for _, t in leaves])
        check_max_pools(model)
        grads = {k: g.numpy() for (k, _), g in zip(leaves, grads)}
        for k, g in grads.items():
            covers(np.abs(g).max() > 1e-4, "a live gradient for " + k)
            covers((g == 0).mean() <= 0.1, "at most 10% exact zeros (no dead ReLU channel) in the gradient of " + k)
        covers(0.05 < float(mean_loss) < 5, "a loss that is neither saturated nor tiny")

        expected = {"loss": losses.detach().numpy(), "mean_loss": np.array(mean_loss.item())}
        expected.update({k: v.detach().numpy() for k, v in outputs.items()})
        expected.update({"grad/" + k: g for k, g in grads.items()})
        expected.update({bn + "/moments": mo.numpy() for bn, mo in model.moments.items()})
        for k, v in expected.items():
            assert np.isfinite(v).all(), (name, k)

        w64 = {k: weights.arrays[k].astype(np.float64) for k in grads}
        after_sgd = {k: sgd_step(w64[k], g) for k, g in grads.items()}
        after_adam = {k: adam_step(w64[k], g) for k, g in grads.items()}

        def path(suffix):
            return os.path.join(HERE, name + suffix)

        with open(path(".cnn"), "w") as f:
            f.write(text)
        write_safetensors(path(".safetensors"), weights.arrays, {"generator": "make_golden_train.py"})
        for k, v in inputs.items():
            save_npy(path(f".input.{k}.npy"), v)
        save_npy(path(".target.npy"), target)
        write_safetensors(path(".expected.safetensors"), expected,
                          {"generator": "make_golden_train.py", "loss": kind, "default_loss": default_loss,
                           "batch": BATCH})
        common = {"generator": "make_golden_train.py", "step": 1, "loss": kind,
                  "contents": "trainable weights only, after one step from zero optimizer state"}
        write_safetensors(path(".after_sgd.safetensors"), after_sgd, {**common, **SGD})
        write_safetensors(path(".after_adam.safetensors"), after_adam, {**common, **ADAM})
        size = sum(os.path.getsize(os.path.join(HERE, f)) for f in os.listdir(HERE) if f.startswith(name + "."))
        total += size
        print(f"{name}: loss {kind} mean {mean_loss.item():.6f}, {len(weights.arrays)} weights, "
              f"{len(grads)} gradients, {len(model.moments)} batch norms, {size} bytes")
    print(f"total {total} bytes")
    assert total < 200_000


if __name__ == "__main__":
    main()
