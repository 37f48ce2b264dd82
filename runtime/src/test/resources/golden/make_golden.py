#!/usr/bin/python3
"""Golden fixtures for cnnc's reference interpreter, computed with PyTorch (an independent framework).

Run from anywhere with Debian's PyTorch 1.13 (`apt-get install python3-torch`):

    /usr/bin/python3 runtime/src/test/resources/golden/make_golden.py

It rewrites, next to this script, for every model in MODELS:

    <model>.cnn                       the model in the .cnn language (the text is kept in this file: one source)
    <model>.safetensors               float32 weights keyed <layer>.<weight>, Keras names and layouts
    <model>.input.<input>.npy         float32 [N, H, W, C] (C order), one file per model input
    <model>.output.<output>.npy       float32, one file per model output, the batch axis first

Everything is deterministic (fixed seeds, no threads-dependent reductions at these sizes; the outputs are computed
in float64 and rounded to float32 once), so a rerun gives the same bytes.

Conventions implemented (Keras 2 / TensorFlow semantics, translated to PyTorch by hand):

* Layout. Keras images are NHWC; torch convolutions want NCHW. Kernels are stored as Keras has them and permuted
  here: Conv2D kernel [kh, kw, cin, filters] -> torch [filters, cin, kh, kw]; DepthwiseConv2D depthwise_kernel
  [kh, kw, cin, mult] -> torch grouped weight [cin*mult, 1, kh, kw] with groups=cin, so that output channel
  c*mult + m reads input channel c (Keras' order); SeparableConv2D = that depthwise conv without bias, then the
  pointwise_kernel [1, 1, cin*mult, filters] as a 1x1 conv, then bias and activation. Dense kernel [in, units]
  acts on the last axis of any rank (x @ kernel + bias).
* Padding (F.pad, explicit, never torch's symmetric `padding=`):
  valid = none; same = output ceil(n/s), total padding max((out-1)*s + (k-1)*d + 1 - n, 0), the SMALLER half
  before (top/left), as TensorFlow; full = (k-1)*d cells on each side; an int p pads p on all four
  sides; a pair (ph, pw) pads ph top and bottom, pw left and right; ((t, b), (l, r)) pads exactly that.
* Pooling with same padding: padded cells take no part. Max pads with -inf; average divides the window's sum by
  the number of real cells (the sum and the count are both zero-padded average pools); L2 pooling is
  sqrt(sum of squares of the real cells) = torch's lp_pool2d(p=2) over the zero-padded input. strides default to
  pool_size. Global pooling reduces H and W; keepdims keeps them as 1.
* Flatten is in H, W, C order (a reshape of the NHWC tensor). Reshape keeps row-major order, -1 inferred.
* Axes count the batch axis as 0, as Keras: Softmax(axis=1) is over H, Concatenate(axis=-2) over W.
* BatchNormalization at inference: F.batch_norm(training=False) with moving_mean / moving_variance and epsilon
  (Keras default 1e-3); gamma absent when scale=false, beta absent when center=false.
* Activations (Keras 2.12): linear; relu; relu6 = min(max(x, 0), 6); leaky_relu slope 0.2 (tf.nn.leaky_relu);
  elu alpha 1; tanh; sigmoid; hard_sigmoid = clip(0.2x + 0.5, 0, 1) (NOT torch's hardsigmoid, which is
  Keras 3's relu6(x+3)/6); swish = x*sigmoid(x) (torch silu); softmax over the last axis (torch.softmax, stable).
* ReLU layer: f(x) = min(x, max_value) for x >= threshold, negative_slope*(x - threshold) otherwise (Keras 2
  rejects threshold < 0, so the fixtures use threshold >= 0, where this equals Keras' backend.relu).
* LeakyReLU default slope 0.3 (Keras 2; `alpha` is its old name). Dropout is the identity at inference.
* Rescaling: x*scale + offset. Add sums its inputs. ZeroPadding2D pads H and W with zeros.

Values: weights ~ N(0, 0.3) (BN gamma ~ 1 + N(0, 0.3), moving_variance ~ U(0.2, 1.2)), inputs ~ N(0, 1) unless a
model says otherwise. Coverage checks at the end of each model make sure that the data reach the interesting
regions (saturated hard_sigmoid and relu6, border windows of max pooling that are all negative, ...).
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


# ----------------------------------------------------------------------------------------------------------------
# Files


def write_safetensors(path, tensors):
    """Writes {name: float32 ndarray} by the safetensors spec: u64 LE header length, JSON header padded with
    spaces to a multiple of 8, then the raw little-endian data in header order."""
    header = {"__metadata__": {"generator": "make_golden.py"}}
    blobs = []
    offset = 0
    for name, array in tensors.items():
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
# Weights: created on first use, in layer order, from one seeded generator per model


class Weights:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.arrays = {}  # name -> float32 ndarray, in creation order

    def _add(self, name, array):
        assert name not in self.arrays, name
        array = array.astype(np.float32)
        self.arrays[name] = array
        return torch.from_numpy(array).to(DTYPE)

    def normal(self, name, shape, mean=0.0, std=0.3):
        return self._add(name, self.rng.normal(mean, std, size=shape))

    def uniform(self, name, shape, low, high):
        return self._add(name, self.rng.uniform(low, high, size=shape))


# ----------------------------------------------------------------------------------------------------------------
# Layers (NHWC float64 tensors in and out)


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def pads(n, k, s, d, padding, axis):
    """(before, after) along one spatial axis (axis 0 = H, 1 = W) for Keras padding `padding`."""
    eff = (k - 1) * d + 1
    if padding == "valid":
        return 0, 0
    if padding == "same":
        out = -(-n // s)
        total = max((out - 1) * s + eff - n, 0)
        return total // 2, total - total // 2
    if padding == "full":
        return eff - 1, eff - 1
    if isinstance(padding, int):
        return padding, padding
    a, b = padding
    if isinstance(a, int):  # (ph, pw)
        return (a, a) if axis == 0 else (b, b)
    return tuple(a) if axis == 0 else tuple(b)  # ((top, bottom), (left, right))


def pad_nchw(x, k, s, d, padding, value=0.0):
    """Pads an NCHW tensor for a window op and returns it."""
    t, b = pads(x.shape[2], k[0], s[0], d[0], padding, 0)
    l, r = pads(x.shape[3], k[1], s[1], d[1], padding, 1)
    return F.pad(x, (l, r, t, b), value=value)


def nchw(x):
    return x.permute(0, 3, 1, 2)


def nhwc(x):
    return x.permute(0, 2, 3, 1).contiguous()


def activation(x, name):
    if name == "linear":
        return x
    if name == "relu":
        return F.relu(x)
    if name == "relu6":
        return F.relu6(x)
    if name == "leaky_relu":
        return F.leaky_relu(x, 0.2)
    if name == "elu":
        return F.elu(x, alpha=1.0)
    if name == "tanh":
        return torch.tanh(x)
    if name == "sigmoid":
        return torch.sigmoid(x)
    if name == "hard_sigmoid":
        return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)
    if name == "swish":
        return F.silu(x)
    if name == "softmax":
        return torch.softmax(x, dim=-1)
    raise ValueError(name)


def conv2d(w, name, x, filters, kernel_size, strides=1, padding="valid", dilation_rate=1, activation_="linear",
           use_bias=True):
    k, s, d = pair(kernel_size), pair(strides), pair(dilation_rate)
    cin = x.shape[-1]
    kernel = w.normal(name + ".kernel", (k[0], k[1], cin, filters))
    bias = w.normal(name + ".bias", (filters,)) if use_bias else None
    y = F.conv2d(pad_nchw(nchw(x), k, s, d, padding), kernel.permute(3, 2, 0, 1), bias, stride=s, dilation=d)
    return activation(nhwc(y), activation_)


def depthwise_conv(x, kernel, k, s, d, padding):
    """Depthwise part shared by DepthwiseConv2D and SeparableConv2D: kernel [kh, kw, cin, mult], no bias."""
    cin, mult = kernel.shape[2], kernel.shape[3]
    weight = kernel.permute(2, 3, 0, 1).reshape(cin * mult, 1, k[0], k[1])
    return F.conv2d(pad_nchw(nchw(x), k, s, d, padding), weight, None, stride=s, dilation=d, groups=cin)


def depthwise_conv2d(w, name, x, kernel_size, strides=1, padding="valid", depth_multiplier=1, dilation_rate=1,
                     activation_="linear", use_bias=True):
    k, s, d = pair(kernel_size), pair(strides), pair(dilation_rate)
    cin = x.shape[-1]
    kernel = w.normal(name + ".depthwise_kernel", (k[0], k[1], cin, depth_multiplier))
    y = nhwc(depthwise_conv(x, kernel, k, s, d, padding))
    if use_bias:
        y = y + w.normal(name + ".bias", (cin * depth_multiplier,))
    return activation(y, activation_)


def separable_conv2d(w, name, x, filters, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                     dilation_rate=1, activation_="linear", use_bias=True):
    k, s, d = pair(kernel_size), pair(strides), pair(dilation_rate)
    cin = x.shape[-1]
    dk = w.normal(name + ".depthwise_kernel", (k[0], k[1], cin, depth_multiplier))
    pk = w.normal(name + ".pointwise_kernel", (1, 1, cin * depth_multiplier, filters))
    bias = w.normal(name + ".bias", (filters,)) if use_bias else None
    y = F.conv2d(depthwise_conv(x, dk, k, s, d, padding), pk.permute(3, 2, 0, 1), bias)
    return activation(nhwc(y), activation_)


def pool2d(kind, x, pool_size=2, strides=None, padding="valid"):
    k = pair(pool_size)
    s = k if strides is None else pair(strides)
    one = (1, 1)
    if kind == "max":
        return nhwc(F.max_pool2d(pad_nchw(nchw(x), k, s, one, padding, value=float("-inf")), k, s))
    if kind == "avg":
        sums = F.avg_pool2d(pad_nchw(nchw(x), k, s, one, padding), k, s)
        counts = F.avg_pool2d(pad_nchw(torch.ones_like(nchw(x)), k, s, one, padding), k, s)
        return nhwc(sums / counts)
    if kind == "l2":
        return nhwc(F.lp_pool2d(pad_nchw(nchw(x), k, s, one, padding), 2, k, s))
    raise ValueError(kind)


def global_pool(kind, x, keepdims=False):
    return x.mean(dim=(1, 2), keepdim=keepdims) if kind == "avg" else x.amax(dim=(1, 2), keepdim=keepdims)


def dense(w, name, x, units, activation_="linear", use_bias=True):
    kernel = w.normal(name + ".kernel", (x.shape[-1], units))
    bias = w.normal(name + ".bias", (units,)) if use_bias else None
    return activation(F.linear(x, kernel.t(), bias), activation_)


def batch_norm(w, name, x, epsilon=1e-3, center=True, scale=True):
    c = x.shape[-1]
    gamma = w.normal(name + ".gamma", (c,), mean=1.0) if scale else None
    beta = w.normal(name + ".beta", (c,)) if center else None
    mean = w.normal(name + ".moving_mean", (c,))
    var = w.uniform(name + ".moving_variance", (c,), 0.2, 1.2)
    return nhwc(F.batch_norm(nchw(x), mean, var, gamma, beta, training=False, eps=epsilon))


def relu_layer(x, max_value=None, negative_slope=0.0, threshold=0.0):
    assert threshold >= 0  # Keras 2 rejects negative thresholds
    top = x if max_value is None else torch.clamp(x, max=max_value)
    return torch.where(x >= threshold, top, negative_slope * (x - threshold))


def zero_padding(x, padding):
    t, b = pads(x.shape[1], 1, 1, 1, padding, 0)
    l, r = pads(x.shape[2], 1, 1, 1, padding, 1)
    return F.pad(x, (0, 0, l, r, t, b))


def flatten(x):
    return x.reshape(x.shape[0], -1)


def reshape(x, target):
    return x.reshape((x.shape[0],) + tuple(target))


# ----------------------------------------------------------------------------------------------------------------
# Models: the .cnn text and the same computation in torch. Each forward returns {output name: tensor} in the
# model's output order; `check` asserts that the data reach the regions the fixture is meant to cover.


def covers(cond, what):
    if not bool(cond):
        sys.exit("coverage check failed: " + what)


CONV2D_CNN = """\
# Golden fixture (make_golden.py, which holds the source of this text): Conv2D paddings, strides, dilation,
# use_bias and every activation. Each branch reads the input; every branch is an output.
model Conv2DGolden {
  input x: [11, 9, 3]
  valid = Conv2D(4, kernel_size=3, activation=relu)(x)
  same_odd = Conv2D(4, kernel_size=3, padding=same, activation=relu6)(x)
  same_even = Conv2D(3, kernel_size=(4, 2), padding=same, activation=leaky_relu)(x)
  same_s2 = Conv2D(4, kernel_size=(3, 4), strides=2, padding='same', activation=elu)(x)
  same_s2_even = Conv2D(2, kernel_size=2, strides=(2, 2), padding=same, activation=linear)(x)
  full = Conv2D(3, kernel_size=(3, 2), padding=full, activation=tanh)(x)
  pad_int = Conv2D(4, kernel_size=3, strides=2, padding=1, activation=sigmoid)(x)
  pad_pair = Conv2D(3, kernel_size=3, padding=(1, 2), activation=swish)(x)
  pad_tblr = Conv2D(4, kernel_size=3, padding=((2, 0), (1, 3)), activation=hard_sigmoid)(x)
  dilated = Conv2D(5, kernel_size=3, dilation_rate=(2, 3), padding=same, use_bias=false, activation=softmax)(x)
  dilated_valid = Conv2D(3, kernel_size=(2, 3), dilation_rate=2, activation=relu)(x)
  strided = Conv2D(3, kernel_size=(1, 3), strides=(2, 1), use_bias=False)(x)
  output valid, same_odd, same_even, same_s2, same_s2_even, full, pad_int, pad_pair, pad_tblr, dilated, dilated_valid, strided
}
"""


def conv2d_model(w, inputs):
    x = inputs["x"]
    out = {
        "valid": conv2d(w, "valid", x, 4, 3, activation_="relu"),
        "same_odd": conv2d(w, "same_odd", x, 4, 3, padding="same", activation_="relu6"),
        "same_even": conv2d(w, "same_even", x, 3, (4, 2), padding="same", activation_="leaky_relu"),
        "same_s2": conv2d(w, "same_s2", x, 4, (3, 4), strides=2, padding="same", activation_="elu"),
        "same_s2_even": conv2d(w, "same_s2_even", x, 2, 2, strides=2, padding="same"),
        "full": conv2d(w, "full", x, 3, (3, 2), padding="full", activation_="tanh"),
        "pad_int": conv2d(w, "pad_int", x, 4, 3, strides=2, padding=1, activation_="sigmoid"),
        "pad_pair": conv2d(w, "pad_pair", x, 3, 3, padding=(1, 2), activation_="swish"),
        "pad_tblr": conv2d(w, "pad_tblr", x, 4, 3, padding=((2, 0), (1, 3)), activation_="hard_sigmoid"),
        "dilated": conv2d(w, "dilated", x, 5, 3, dilation_rate=(2, 3), padding="same", use_bias=False,
                          activation_="softmax"),
        "dilated_valid": conv2d(w, "dilated_valid", x, 3, (2, 3), dilation_rate=2, activation_="relu"),
        "strided": conv2d(w, "strided", x, 3, (1, 3), strides=(2, 1), use_bias=False),
    }
    # Asymmetric same padding: (4, 2) kernel pads 1 top / 2 bottom and 0 left / 1 right; stride 2 with a (3, 4)
    # kernel on 11x9 pads 1/1 and 1/2; a 2x2 kernel with stride 2 pads 0/1 on both axes.
    assert pads(11, 4, 1, 1, "same", 0) == (1, 2) and pads(9, 2, 1, 1, "same", 1) == (0, 1)
    assert pads(9, 4, 2, 1, "same", 1) == (1, 2) and pads(11, 2, 2, 1, "same", 0) == (0, 1)
    hs = out["pad_tblr"]
    covers(((hs > 0) & (hs < 1)).any() and (hs == 0).any() and (hs == 1).any(), "hard_sigmoid regions")
    return out


DEPTHWISE_CNN = """\
# Golden fixture (make_golden.py, which holds the source of this text): DepthwiseConv2D and SeparableConv2D.
model DepthwiseGolden {
  input x: [9, 11, 3]
  dw_same = DepthwiseConv2D(3, depth_multiplier=2, padding=same, activation=relu)(x)
  dw_s2 = DepthwiseConv2D((2, 3), strides=2, padding=same, use_bias=false)(x)
  dw_dil = DepthwiseConv2D(3, dilation_rate=(2, 1), depth_multiplier=2, activation=tanh)(x)
  dw_pad = DepthwiseConv2D(kernel_size=(3, 2), padding=((1, 0), (0, 2)), depth_multiplier=3)(x)
  sep_same = SeparableConv2D(5, 3, depth_multiplier=2, padding=same, activation=swish)(x)
  sep_s2 = SeparableConv2D(4, (3, 2), strides=2, use_bias=false)(x)
  sep_dil = SeparableConv2D(2, kernel_size=2, dilation_rate=2, padding=same, activation=sigmoid)(x)
  output dw_same, dw_s2, dw_dil, dw_pad, sep_same, sep_s2, sep_dil
}
"""


def depthwise_model(w, inputs):
    x = inputs["x"]
    return {
        "dw_same": depthwise_conv2d(w, "dw_same", x, 3, depth_multiplier=2, padding="same", activation_="relu"),
        "dw_s2": depthwise_conv2d(w, "dw_s2", x, (2, 3), strides=2, padding="same", use_bias=False),
        "dw_dil": depthwise_conv2d(w, "dw_dil", x, 3, dilation_rate=(2, 1), depth_multiplier=2,
                                   activation_="tanh"),
        "dw_pad": depthwise_conv2d(w, "dw_pad", x, (3, 2), padding=((1, 0), (0, 2)), depth_multiplier=3),
        "sep_same": separable_conv2d(w, "sep_same", x, 5, 3, depth_multiplier=2, padding="same",
                                     activation_="swish"),
        "sep_s2": separable_conv2d(w, "sep_s2", x, 4, (3, 2), strides=2, use_bias=False),
        "sep_dil": separable_conv2d(w, "sep_dil", x, 2, 2, dilation_rate=2, padding="same", activation_="sigmoid"),
    }


POOLING_CNN = """\
# Golden fixture (make_golden.py, which holds the source of this text): window and global pooling, valid and same,
# strides different from pool_size. The input has a negative mean so that with same padding a max over a border
# window differs from one that lets the padding in.
model PoolingGolden {
  input x: [11, 13, 3]
  max_valid = MaxPooling2D(3, strides=2)(x)
  max_default = MaxPooling2D()(x)
  max_same = MaxPooling2D(4, strides=2, padding=same)(x)
  max_same_rect = MaxPooling2D(pool_size=(2, 3), strides=(1, 2), padding=same)(x)
  avg_valid = AveragePooling2D((3, 2), strides=(2, 1))(x)
  avg_same = AveragePooling2D(4, strides=(2, 3), padding=same)(x)
  avg_same_default = AveragePooling2D(2, padding=same)(x)
  l2_valid = L2Pooling2D(2)(x)
  l2_same = L2Pooling2D((3, 4), strides=(2, 3), padding=same)(x)
  l2_same_s1 = L2Pooling2D(3, strides=1, padding=same)(x)
  gap = GlobalAveragePooling2D()(x)
  gmp = GlobalMaxPooling2D()(x)
  gap_keep = GlobalAveragePooling2D(keepdims=true)(x)
  gmp_keep = GlobalMaxPooling2D(keepdims=true)(x)
  output max_valid, max_default, max_same, max_same_rect, avg_valid, avg_same, avg_same_default, l2_valid, l2_same, l2_same_s1, gap, gmp, gap_keep, gmp_keep
}
"""


def pooling_model(w, inputs):
    x = inputs["x"]
    out = {
        "max_valid": pool2d("max", x, 3, strides=2),
        "max_default": pool2d("max", x),
        "max_same": pool2d("max", x, 4, strides=2, padding="same"),
        "max_same_rect": pool2d("max", x, (2, 3), strides=(1, 2), padding="same"),
        "avg_valid": pool2d("avg", x, (3, 2), strides=(2, 1)),
        "avg_same": pool2d("avg", x, 4, strides=(2, 3), padding="same"),
        "avg_same_default": pool2d("avg", x, 2, padding="same"),
        "l2_valid": pool2d("l2", x, 2),
        "l2_same": pool2d("l2", x, (3, 4), strides=(2, 3), padding="same"),
        "l2_same_s1": pool2d("l2", x, 3, strides=1, padding="same"),
        "gap": global_pool("avg", x),
        "gmp": global_pool("max", x),
        "gap_keep": global_pool("avg", x, keepdims=True),
        "gmp_keep": global_pool("max", x, keepdims=True),
    }
    # Independent cross-checks of the same-padding rules where torch has them built in (symmetric padding only).
    ref = F.avg_pool2d(F.pad(nchw(x), (0, 1, 0, 1)), 2, 2)  # 11x13, pool 2: pads 0 before, 1 after
    covers(not torch.allclose(nhwc(ref), out["avg_same_default"]), "average same padding counts real cells only")
    zero_padded_max = nhwc(F.max_pool2d(pad_nchw(nchw(x), (4, 4), (2, 2), (1, 1), "same"), 4, 2))
    covers((zero_padded_max != out["max_same"]).any(), "a border max window that is all negative")
    covers((out["max_same"] < 0).any(), "negative maxima")
    return out


ELEMENTWISE_CNN = """\
# Golden fixture (make_golden.py, which holds the source of this text): Rescaling, BatchNormalization, Activation
# (every name), ReLU, LeakyReLU, Softmax, Dropout, Reshape, Flatten and Dense (also on a rank-3 input).
model ElementwiseGolden {
  input x: [7, 9, 4]
  scaled = Rescaling(1.5, offset=-0.25)(x)
  bn = BatchNormalization(epsilon=0.01)(scaled)
  bn_plain = BatchNormalization(center=false, scale=false)(x)
  bn_beta = BatchNormalization(scale=false)(x)
  bn_gamma = BatchNormalization(center=false, epsilon=0.5)(x)
  act_linear = Activation(linear)(bn)
  act_relu = Activation('relu')(bn)
  act_relu6 = Activation(relu6)(bn)
  act_leaky = Activation(leaky_relu)(bn)
  act_elu = Activation(elu)(bn)
  act_tanh = Activation(tanh)(bn)
  act_sigmoid = Activation(sigmoid)(bn)
  act_hard_sigmoid = Activation(hard_sigmoid)(bn)
  act_swish = Activation(swish)(bn)
  act_softmax = Activation(softmax)(bn)
  relu_plain = ReLU()(bn)
  relu_max = ReLU(max_value=1.5)(bn)
  relu_slope = ReLU(negative_slope=0.1, threshold=0.5)(bn)
  relu_all = ReLU(max_value=2, negative_slope=0.2, threshold=0.3)(bn)
  leaky_default = LeakyReLU()(bn)
  leaky_alpha = LeakyReLU(alpha=0.1)(bn)
  leaky_slope = LeakyReLU(negative_slope=0.05)(bn)
  softmax_last = Softmax()(bn)
  softmax_h = Softmax(axis=1)(bn)
  softmax_w = Softmax(axis=-2)(bn)
  dropped = Dropout(0.5)(bn)
  dense3 = Dense(5, activation=tanh)(dropped)
  reshaped = Reshape((-1, 15))(dense3)
  flat = Flatten()(bn)
  hidden = Dense(6, activation=relu)(flat)
  logits = Dense(3, use_bias=false)(hidden)
  probs = Softmax()(logits)
  output scaled, bn, bn_plain, bn_beta, bn_gamma, act_linear, act_relu, act_relu6, act_leaky, act_elu, act_tanh, act_sigmoid, act_hard_sigmoid, act_swish, act_softmax, relu_plain, relu_max, relu_slope, relu_all, leaky_default, leaky_alpha, leaky_slope, softmax_last, softmax_h, softmax_w, dropped, dense3, reshaped, flat, hidden, logits, probs
}
"""


def elementwise_model(w, inputs):
    x = inputs["x"]
    out = {}
    out["scaled"] = x * 1.5 + (-0.25)
    bn = out["bn"] = batch_norm(w, "bn", out["scaled"], epsilon=0.01)
    out["bn_plain"] = batch_norm(w, "bn_plain", x, center=False, scale=False)
    out["bn_beta"] = batch_norm(w, "bn_beta", x, scale=False)
    out["bn_gamma"] = batch_norm(w, "bn_gamma", x, center=False, epsilon=0.5)
    for act, name in [("linear", "act_linear"), ("relu", "act_relu"), ("relu6", "act_relu6"),
                      ("leaky_relu", "act_leaky"), ("elu", "act_elu"), ("tanh", "act_tanh"),
                      ("sigmoid", "act_sigmoid"), ("hard_sigmoid", "act_hard_sigmoid"), ("swish", "act_swish"),
                      ("softmax", "act_softmax")]:
        out[name] = activation(bn, act)
    out["relu_plain"] = relu_layer(bn)
    out["relu_max"] = relu_layer(bn, max_value=1.5)
    out["relu_slope"] = relu_layer(bn, negative_slope=0.1, threshold=0.5)
    out["relu_all"] = relu_layer(bn, max_value=2.0, negative_slope=0.2, threshold=0.3)
    out["leaky_default"] = F.leaky_relu(bn, 0.3)
    out["leaky_alpha"] = F.leaky_relu(bn, 0.1)
    out["leaky_slope"] = F.leaky_relu(bn, 0.05)
    out["softmax_last"] = torch.softmax(bn, dim=-1)
    out["softmax_h"] = torch.softmax(bn, dim=1)  # Keras axis 1 of [N, H, W, C] is H
    out["softmax_w"] = torch.softmax(bn, dim=-2)
    out["dropped"] = bn  # identity at inference
    out["dense3"] = dense(w, "dense3", bn, 5, activation_="tanh")
    out["reshaped"] = reshape(out["dense3"], (-1, 15))
    out["flat"] = flatten(bn)
    out["hidden"] = dense(w, "hidden", out["flat"], 6, activation_="relu")
    out["logits"] = dense(w, "logits", out["hidden"], 3, use_bias=False)
    out["probs"] = torch.softmax(out["logits"], dim=-1)
    covers((bn > 6).any() and (bn < -6).any(), "batch-norm outputs beyond relu6's cap and beyond -6")
    covers((bn > 2.5).any() and (bn < -2.5).any(), "both saturated sides of hard_sigmoid")
    covers(((bn > 0) & (bn < 0.5)).any() and ((bn > 0.3) & (bn < 2)).any(), "ReLU threshold bands")
    covers((out["hidden"] > 0).sum() >= 4, "a live hidden layer")
    return out


MERGE_CNN = """\
# Golden fixture (make_golden.py, which holds the source of this text): several inputs, Add of three inputs,
# Concatenate on the channel axis and on H and W, ZeroPadding2D in every form, Reshape with -1.
model MergeGolden {
  input a: [9, 7, 3]
  input b: [9, 7, 3]
  input c: [9, 7, 2]
  proj = Conv2D(3, kernel_size=1)(c)
  sum3 = Add()(a, b, proj)
  cat_c = Concatenate()(a, c, b)
  cat_h = Concatenate(axis=1)(a, b)
  cat_w = Concatenate(axis=-2)(sum3, a)
  pad1 = ZeroPadding2D()(a)
  pad2 = ZeroPadding2D(2)(c)
  pad_pair = ZeroPadding2D((1, 2))(b)
  pad_tblr = ZeroPadding2D(padding=((0, 2), (3, 1)))(c)
  conv_padded = Conv2D(2, kernel_size=3, activation=relu)(pad_tblr)
  reshaped = Reshape((7, -1, 3))(cat_h)
  output sum3, cat_c, cat_h, cat_w, pad1, pad2, pad_pair, pad_tblr, conv_padded, reshaped
}
"""


def merge_model(w, inputs):
    a, b, c = inputs["a"], inputs["b"], inputs["c"]
    out = {}
    proj = conv2d(w, "proj", c, 3, 1)
    out["sum3"] = a + b + proj
    out["cat_c"] = torch.cat([a, c, b], dim=-1)
    out["cat_h"] = torch.cat([a, b], dim=1)
    out["cat_w"] = torch.cat([out["sum3"], a], dim=-2)
    out["pad1"] = zero_padding(a, 1)
    out["pad2"] = zero_padding(c, 2)
    out["pad_pair"] = zero_padding(b, (1, 2))
    out["pad_tblr"] = zero_padding(c, ((0, 2), (3, 1)))
    out["conv_padded"] = conv2d(w, "conv_padded", out["pad_tblr"], 2, 3, activation_="relu")
    out["reshaped"] = reshape(out["cat_h"], (7, -1, 3))
    return out


SMALL_CNN_CNN = """\
# Golden fixture (make_golden.py, which holds the source of this text): a small end-to-end classifier with one
# anonymous input and auto-named layers, chaining conv, batch norm, pooling, a residual Add and a classifier head.
model SmallCnn {
  input [13, 11, 2]
  Rescaling(1 / 4, offset=0.1)
  Conv2D(6, 3, padding=same, use_bias=false)
  BatchNormalization()
  ReLU(max_value=6)
  skip = MaxPooling2D(2, padding=same)
  DepthwiseConv2D(3, padding=same, activation=relu)
  Conv2D(6, 1)
  Add()(skip, conv2d_1)
  SeparableConv2D(8, 3, strides=2, padding=same)
  LeakyReLU()
  AveragePooling2D(2, strides=1)
  Flatten()
  Dropout(0.25)
  Dense(10)
  Softmax()
  output softmax
}
"""


def small_cnn_model(w, inputs):
    x = inputs["input"] * 0.25 + 0.1
    x = conv2d(w, "conv2d", x, 6, 3, padding="same", use_bias=False)
    x = batch_norm(w, "batch_normalization", x)
    x = relu_layer(x, max_value=6.0)
    skip = pool2d("max", x, 2, padding="same")
    x = depthwise_conv2d(w, "depthwise_conv2d", skip, 3, padding="same", activation_="relu")
    x = conv2d(w, "conv2d_1", x, 6, 1)
    x = skip + x
    x = separable_conv2d(w, "separable_conv2d", x, 8, 3, strides=2, padding="same")
    x = F.leaky_relu(x, 0.3)
    x = pool2d("avg", x, 2, strides=1)
    x = flatten(x)
    x = dense(w, "dense", x, 10)
    return {"softmax": torch.softmax(x, dim=-1)}


# name, .cnn text, forward, seed, {input name: [H, W, C]}, batch, input mean, input std
MODELS = [
    ("conv2d", CONV2D_CNN, conv2d_model, 1, {"x": (11, 9, 3)}, 2, 0.0, 1.0),
    ("depthwise", DEPTHWISE_CNN, depthwise_model, 2, {"x": (9, 11, 3)}, 2, 0.0, 1.0),
    ("pooling", POOLING_CNN, pooling_model, 3, {"x": (11, 13, 3)}, 3, -0.5, 1.0),
    ("elementwise", ELEMENTWISE_CNN, elementwise_model, 4, {"x": (7, 9, 4)}, 2, 0.0, 1.0),
    ("merge", MERGE_CNN, merge_model, 5, {"a": (9, 7, 3), "b": (9, 7, 3), "c": (9, 7, 2)}, 2, 0.0, 1.0),
    ("small_cnn", SMALL_CNN_CNN, small_cnn_model, 6, {"input": (13, 11, 2)}, 3, 0.0, 1.0),
]


def main():
    torch.set_num_threads(1)
    for stale in os.listdir(HERE):
        if stale.endswith((".npy", ".safetensors")) or stale.endswith(".cnn"):
            os.remove(os.path.join(HERE, stale))
    total = 0
    for name, text, forward, seed, input_shapes, batch, mean, std in MODELS:
        rng = np.random.default_rng(1000 + seed)
        inputs = {k: rng.normal(mean, std, size=(batch,) + shape).astype(np.float32)
                  for k, shape in input_shapes.items()}
        weights = Weights(seed)
        with torch.no_grad():
            outputs = forward(weights, {k: torch.from_numpy(v).to(DTYPE) for k, v in inputs.items()})
        # The forward's outputs must be the model's `output` line, in order.
        declared = [line.strip() for line in text.splitlines() if line.strip().startswith("output ")][0]
        declared = [o.strip() for o in declared[len("output "):].split(",")]
        assert declared == list(outputs), (name, declared, list(outputs))
        with open(os.path.join(HERE, name + ".cnn"), "w") as f:
            f.write(text)
        write_safetensors(os.path.join(HERE, name + ".safetensors"), weights.arrays)
        for k, v in inputs.items():
            save_npy(os.path.join(HERE, f"{name}.input.{k}.npy"), v)
        for k, v in outputs.items():
            assert torch.isfinite(v).all(), (name, k)
            save_npy(os.path.join(HERE, f"{name}.output.{k}.npy"), v.numpy())
        size = sum(os.path.getsize(os.path.join(HERE, f)) for f in os.listdir(HERE) if f.startswith(name + "."))
        total += size
        print(f"{name}: {len(weights.arrays)} weights, {len(inputs)} inputs, {len(outputs)} outputs, {size} bytes")
    print(f"total {total} bytes")
    assert total < 2_000_000


if __name__ == "__main__":
    main()
