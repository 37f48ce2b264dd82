"""PyTorch 1.13 CPU reference for cnnc's training throughput and accuracy: the Fashion-MNIST model of
examples/fashion_mnist.cnn (Conv2D(16, 3, same, relu) -> MaxPooling2D(2) -> Flatten -> Dense(128, relu) -> Dense(10,
softmax)) trained with sparse categorical cross-entropy and Adam(lr=0.001, beta_1=0.9, beta_2=0.999, eps=1e-7), shuffled
batches with the last partial batch included, Keras-style (glorot_uniform weights, zero biases).

Each epoch's time is the wall clock of the training loop only (the data is already in memory as tensors; slicing
batches from the pre-shuffled tensor is inside the loop); the test evaluation after each epoch is not timed.

Run: /usr/bin/python3 bench/pytorch_train.py [--threads 2] [--epochs 1] [--batch-size 32] [--runs 1] [--seed 0]
                                             [--data DIR] [--json]   (Debian's python3-torch)
"""
import argparse
import gzip
import json
import os
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class FashionNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3, padding=1)
        self.fc1 = nn.Linear(14 * 14 * 16, 128)
        self.fc2 = nn.Linear(128, 10)
        for m in (self.conv, self.fc1, self.fc2):  # Keras defaults
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)

    def forward(self, x):  # returns logits; softmax is folded into CrossEntropyLoss
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = torch.flatten(x.permute(0, 2, 3, 1), 1)  # H, W, C order as Keras
        return self.fc2(F.relu(self.fc1(x)))


def default_data_dir():
    env = os.environ.get("CNNC_DATA")
    if env and os.path.isdir(os.path.join(env, "fashion-mnist")):
        return os.path.join(env, "fashion-mnist")
    return "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError(f"{path}: expected {dims}, got {arr.size} bytes")
    return arr.reshape(dims)


def load(data_dir, prefix):
    images = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1).contiguous()  # N, 1, 28, 28
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def evaluate(model, x, y, batch=1000):
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            logits = model(x[i:i + batch])
            loss_sum += F.cross_entropy(logits, y[i:i + batch], reduction="sum").item()
            correct += (logits.argmax(1) == y[i:i + batch]).sum().item()
    model.train()
    return correct / x.shape[0], loss_sum / x.shape[0]


def train_run(seed, args, train, test):
    torch.manual_seed(seed)
    rng = np.random.RandomState(seed)
    model = FashionNet()
    opt = torch.optim.Adam(model.parameters(), lr=0.001, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    x_train, y_train = train
    n, bs = x_train.shape[0], args.batch_size
    epochs = []
    for epoch in range(1, args.epochs + 1):
        perm = torch.from_numpy(rng.permutation(n))
        xs, ys = x_train[perm], y_train[perm]  # shuffled copy made before the clock starts
        model.train()
        loss_sum = torch.zeros(())
        correct = torch.zeros((), dtype=torch.int64)
        t0 = time.perf_counter()
        for i in range(0, n, bs):  # last partial batch included
            xb, yb = xs[i:i + bs], ys[i:i + bs]
            logits = model(xb)
            loss = loss_fn(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                loss_sum += loss.detach() * yb.shape[0]
                correct += (logits.argmax(1) == yb).sum()
        seconds = time.perf_counter() - t0
        test_acc, test_loss = evaluate(model, *test)
        rec = {"epoch": epoch, "seconds": seconds, "images_per_s": n / seconds,
               "train_loss": loss_sum.item() / n, "train_accuracy": correct.item() / n,
               "test_accuracy": test_acc, "test_loss": test_loss}
        epochs.append(rec)
        print(f"seed {seed} epoch {epoch}: {seconds:.2f} s  {rec['images_per_s']:,.0f} images/s  "
              f"train loss {rec['train_loss']:.4f}  train acc {rec['train_accuracy']:.4f}  "
              f"test acc {test_acc:.4f}  test loss {test_loss:.4f}", flush=True)
    return epochs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", default=None, help="directory of the Fashion-MNIST IDX .gz files")
    parser.add_argument("--json", action="store_true", help="print one JSON object with the figures at the end")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data_dir = args.data or default_data_dir()
    train, test = load(data_dir, "train"), load(data_dir, "t10k")
    print(f"PyTorch {torch.__version__}, {args.threads} threads, batch {args.batch_size}, "
          f"{train[0].shape[0]} train / {test[0].shape[0]} test images from {data_dir}")
    runs = []
    for r in range(args.runs):
        runs.append(train_run(args.seed + r, args, train, test))
    summary = []
    for e in range(args.epochs):
        ips = statistics.median(run[e]["images_per_s"] for run in runs)
        acc = statistics.mean(run[e]["test_accuracy"] for run in runs)
        summary.append({"epoch": e + 1, "median_images_per_s": ips, "mean_test_accuracy": acc})
        print(f"summary epoch {e + 1} ({args.runs} runs): median {ips:,.0f} images/s  mean test acc {acc:.4f}")
    if args.json:
        print(json.dumps({"torch": torch.__version__, "threads": args.threads, "batch_size": args.batch_size,
                          "epochs": args.epochs, "seeds": list(range(args.seed, args.seed + args.runs)),
                          "runs": runs, "summary": summary}))


if __name__ == "__main__":
    main()
