"""Writes fashion_mnist_sample.npy and its labels: the first 8 Fashion-MNIST test images as float32 [8, 28, 28, 1]
in [0, 1] (pixel / 255), from Debian's dataset-fashion-mnist package. Run: /usr/bin/python3 make_sample.py"""
import gzip
import numpy as np

DIR = "/usr/share/datasets/fashion-mnist"
with gzip.open(f"{DIR}/t10k-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28, 1)
with gzip.open(f"{DIR}/t10k-labels-idx1-ubyte.gz") as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)
np.save("fashion_mnist_sample.npy", (images[:8] / 255.0).astype(np.float32))
np.save("fashion_mnist_sample_labels.npy", labels[:8].astype(np.int64))
