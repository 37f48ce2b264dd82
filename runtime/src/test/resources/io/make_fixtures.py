#!/usr/bin/python3
"""Makes the test fixtures for cnnc.runtime.io: .npy files written by NumPy itself, safetensors files written by the
format's rules, and expected.json with what each should read as (float32 bit patterns and exact integers computed by
NumPy). Run from anywhere with Debian's python3-numpy (apt-get install python3-numpy); it rewrites the files next to
itself. The outputs are committed, so the Java tests need no Python.

The safetensors files are built byte by byte as the reference implementation (huggingface/safetensors,
safetensors/src/tensor.rs `prepare`/`serialize`) writes them: tensors sorted by dtype alignment (largest first) then
by name, compact JSON with "__metadata__" first, padded with spaces to a multiple of 8 bytes. When the `safetensors`
Python package is installed it is used instead, and the two are checked to agree.
"""
import json
import os
import struct
import zipfile

import numpy as np

np.seterr(over="ignore")  # the fixtures overflow float16 and float32 on purpose
HERE = os.path.dirname(os.path.abspath(__file__))
expected = {}


def path(name):
    return os.path.join(HERE, name)


def f32_bits(a):
    """Float32 bit patterns of an array as NumPy converts it (astype rounds to nearest even)."""
    return [int(b) for b in np.ascontiguousarray(a).astype(np.float32).reshape(-1).view(np.uint32)]


def expect_floats(name, a):
    expected[name] = {"shape": list(a.shape), "bits": f32_bits(a)}


def expect_ints(name, a):
    expected[name] = {"shape": list(a.shape), "ints": [int(v) for v in np.asarray(a).reshape(-1)]}


def save(name, a, version=None):
    with open(path(name), "wb") as f:
        np.lib.format.write_array(f, a, version=version, allow_pickle=True)


# ---------------------------------------------------------------------------------------------------------------- npy
special32 = np.array([0.0, -0.0, 1.0, -2.5, np.inf, -np.inf, np.nan, 1e-45, 1.17549435e-38, 3.4028235e38,
                      np.pi, -1e-7], dtype=np.float32)
base = np.concatenate([special32, np.linspace(-3, 3, 12, dtype=np.float32)]).reshape(2, 3, 4)

for order in "<>":
    tag = "le" if order == "<" else "be"
    for code in ("f2", "f4", "f8"):
        a = base.astype(order + code)
        if code == "f8":
            # Values that round when narrowed to float32, and ones that overflow or underflow.
            a.reshape(-1)[-6:] = [0.1, 1e-40, 1e39, -1e39, 1 + 2.0 ** -30, 1e-50]
        save(f"{code}_{tag}.npy", a)
        expect_floats(f"{code}_{tag}.npy", a)

ints = {
    "|u1": [0, 1, 127, 128, 255, 42],
    "|i1": [0, 1, -1, 127, -128, 42],
    "|b1": [True, False, True, True, False, False],
    "<i2": [0, -1, 32767, -32768, 1234, -1234],
    ">i2": [0, -1, 32767, -32768, 1234, -1234],
    "<u2": [0, 1, 65535, 32768, 1234, 7],
    "<i4": [0, -1, 2 ** 31 - 1, -2 ** 31, 2 ** 24 + 1, -(2 ** 24 + 1)],
    ">u4": [0, 1, 2 ** 32 - 1, 2 ** 31, 2 ** 24 + 1, 7],
    "<u4": [0, 1, 2 ** 32 - 1, 2 ** 31, 2 ** 24 + 1, 7],
    "<i8": [0, -1, 2 ** 63 - 1, -2 ** 63, 2 ** 53 + 1, -(2 ** 24 + 3)],
    "<u8": [0, 1, 2 ** 63 - 1, 2 ** 53 + 1, 2 ** 24 + 3, 9],
}
for descr, values in ints.items():
    a = np.array(values, dtype=descr).reshape(2, 3)
    name = "int_" + {"|": "na", "<": "le", ">": "be"}[descr[0]] + "_" + descr[1:] + ".npy"
    save(name, a)
    expect_floats(name, a)
    expected[name]["ints"] = [int(v) for v in a.reshape(-1)]

# uint64 values above 2^63 - 1: fine as floats, not as exact labels.
a = np.array([2 ** 64 - 1, 2 ** 63, 2 ** 63 + 2 ** 40, 5], dtype="<u8")
save("int_le_u8_big.npy", a)
expect_floats("int_le_u8_big.npy", a)

a = np.float32(3.5)
save("scalar.npy", np.array(a))
expect_floats("scalar.npy", np.array(a))
a = np.zeros((0, 3), dtype=np.float32)
save("empty.npy", a)
expect_floats("empty.npy", a)

a = (np.arange(6, dtype=np.float32) * 0.25).reshape(2, 3)
for version in ((1, 0), (2, 0), (3, 0)):
    name = f"version{version[0]}.npy"
    save(name, a, version=version)
    expect_floats(name, a)

labels = np.array([3, 1, 4, 1, 5, 9, 2, 6, 2 ** 53 + 1, 0], dtype=np.int64)
save("labels_i8.npy", labels)
expect_ints("labels_i8.npy", labels)
save("labels_u1.npy", labels[:8].astype(np.uint8))
expect_ints("labels_u1.npy", labels[:8])
save("labels_f4.npy", np.array([0.0, 1.0, 2.0, -3.0, 16777216.0], dtype=np.float32))
expect_ints("labels_f4.npy", np.array([0, 1, 2, -3, 16777216]))
save("labels_fraction.npy", np.array([1.0, 2.5], dtype=np.float64))

# Files the reader must refuse.
save("fortran.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
save("object.npy", np.array([1, "a", None], dtype=object))
save("structured.npy", np.zeros(3, dtype=[("x", "<f4"), ("y", "<i4")]))
save("complex.npy", np.zeros(3, dtype="<c8"))
save("unicode.npy", np.array(["ab", "c"]))
save("datetime.npy", np.array(["2024-01-01"], dtype="datetime64[D]"))
np.savez(path("archive.npz"), a=np.zeros(2, dtype=np.float32))

# np.save's exact bytes for C-order float32, which Npy.write must reproduce.
for shape in [(), (5,), (2, 3), (1, 28, 28, 1), (1000000, 0)]:
    n = int(np.prod(shape))
    a = (np.arange(n, dtype=np.float32) * 0.5 - 3).reshape(shape)
    name = "np_save_" + ("x".join(map(str, shape)) or "scalar") + ".npy"
    np.save(path(name), a)
    expect_floats(name, a)

# ------------------------------------------------------------------------------------- 16-bit float conversion tables
# Every exponent and sign with 32 mantissas each (zero, one, all ones, the quiet bit, and random), 2048 patterns.
rng = np.random.default_rng(7)
patterns = []
for sign in (0, 1):
    for exponent in range(32):
        mantissas = [0, 1, 0x3FF, 0x200, 0x1FF] + sorted(rng.choice(np.arange(2, 0x3FF), 27, replace=False).tolist())
        patterns += [(sign << 15) | (exponent << 10) | m for m in mantissas]
f16_bits = np.array(patterns, dtype=np.uint16)
f16_table = f16_bits.view(np.float16)
expect_floats("f16_table", f16_table)
expected["f16_table"]["halfbits"] = [int(b) for b in f16_bits]

# bfloat16 is the top half of a float32: NumPy has no bfloat16 type, so the table pairs float32 patterns whose low
# 16 bits are zero (all 8-bit exponents, both signs, 8 mantissas each) with their top halves.
patterns = []
for sign in (0, 1):
    for exponent in range(256):
        mantissas = [0, 1, 0x7F, 0x40] + sorted(rng.choice(np.arange(2, 0x7F), 4, replace=False).tolist())
        patterns += [(sign << 15) | (exponent << 7) | m for m in mantissas]
bf16_bits = np.array(patterns, dtype=np.uint16)
bf16_as_f32 = (bf16_bits.astype(np.uint32) << 16).view(np.float32)
expect_floats("bf16_table", bf16_as_f32)
expected["bf16_table"]["halfbits"] = [int(b) for b in bf16_bits]

# ---------------------------------------------------------------------------------------------------------- safetensors
DTYPES = {"F64": ("<f8", 8), "F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": (None, 2), "I64": ("<i8", 8),
          "I32": ("<i4", 4), "U8": ("|u1", 1)}


def st_bytes(tensors, metadata=None, sort=True):
    """tensors: {name: (dtype, shape, raw little-endian bytes)} -> the file's bytes."""
    items = list(tensors.items())
    if sort:
        items.sort(key=lambda kv: (-DTYPES[kv[1][0]][1], kv[0]))
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for name, (dtype, shape, raw) in items:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(raw for _, (_, _, raw) in items)


def bf16_raw(a32):
    """Rounds float32 to bfloat16 (nearest even, as torch does) and returns (raw bytes, widened float32)."""
    bits = np.ascontiguousarray(a32, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    return rounded.tobytes(), (rounded.astype(np.uint32) << 16).view(np.float32).reshape(a32.shape)


try:
    from safetensors.numpy import save as reference_save
except ImportError:
    reference_save = None


def write_st(name, tensors, metadata=None, expect=None):
    data = st_bytes(tensors, metadata)
    if reference_save is not None and all(d != "BF16" for d, _, _ in tensors.values()):
        arrays = {k: np.frombuffer(raw, DTYPES[d][0]).reshape(shape) for k, (d, shape, raw) in tensors.items()}
        assert reference_save(arrays, metadata) == data, name
    with open(path(name), "wb") as f:
        f.write(data)
    if expect is not None:
        expected[name] = {"tensors": {k: {"shape": list(v.shape), "bits": f32_bits(v)} for k, v in expect.items()},
                          "metadata": metadata or {}}


kernel = (np.arange(18, dtype=np.float32) / 7 - 1).reshape(3, 3, 1, 2)
bias = np.array([0.5, -0.25], dtype=np.float32)
scalar = np.array(2.0, dtype=np.float32)
empty = np.zeros((0, 4), dtype=np.float32)
f32_tensors = {"conv1/kernel": kernel, "conv1/bias": bias, "scalar": scalar, "empty": empty, "special": special32}
write_st("f32.safetensors", {k: ("F32", v.shape, v.astype("<f4").tobytes()) for k, v in f32_tensors.items()},
         {"format": "np", "note": "ünïcode ✓"}, f32_tensors)

wide = np.array([0.1, 1e-40, 1e39, -1e39, 1 + 2.0 ** -30, np.nan, -np.inf, 3.0], dtype=np.float64).reshape(2, 4)
half = special32.astype(np.float16)
brain_raw, brain = bf16_raw(special32.reshape(3, 4))
write_st("mixed.safetensors", {
    "wide": ("F64", wide.shape, wide.astype("<f8").tobytes()),
    "half": ("F16", half.shape, half.astype("<f2").tobytes()),
    "brain": ("BF16", brain.shape, brain_raw),
    "plain": ("F32", bias.shape, bias.tobytes()),
}, None, {"wide": wide, "half": half, "brain": brain, "plain": bias})

write_st("f16_table.safetensors", {"t": ("F16", f16_bits.shape, f16_bits.astype("<u2").tobytes())})
write_st("bf16_table.safetensors", {"t": ("BF16", bf16_bits.shape, bf16_bits.astype("<u2").tobytes())})
write_st("i64.safetensors", {"step": ("I64", (1,), np.array([7], dtype="<i8").tobytes()),
                             "w": ("F32", (2,), bias.tobytes())})

# What Safetensors.write must produce for these tensors in this order (the reference's order, so no sorting issue).
writer_tensors = {"a_kernel": kernel, "b_bias": bias, "c_empty": empty, "d_scalar": scalar}
with open(path("writer_reference.safetensors"), "wb") as f:
    f.write(st_bytes({k: ("F32", v.shape, v.tobytes()) for k, v in writer_tensors.items()}, {"producer": "cnnc"}))
expected["writer_reference.safetensors"] = {
    "tensors": {k: {"shape": list(v.shape), "bits": f32_bits(v)} for k, v in writer_tensors.items()},
    "metadata": {"producer": "cnnc"}}

with open(path("expected.json"), "w") as f:
    f.write("{\n" + ",\n".join(json.dumps(k) + ": " + json.dumps(expected[k], separators=(",", ":"), sort_keys=True)
                              for k in sorted(expected)) + "\n}\n")
