"""PyTorch 1.13 CPU reference timings for the models `cnnc bench` is compared with, measured the same way on the
same machine: random inputs, warm-up, then back-to-back runs; latency percentiles (ms) and images/s.

Run: /usr/bin/python3 bench/pytorch_reference.py [--threads 2]   (Debian's python3-torch)
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class FashionNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 16, 3, padding=1)
        self.fc1 = nn.Linear(14 * 14 * 16, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv(x)), 2)
        x = torch.flatten(x.permute(0, 2, 3, 1), 1)  # H, W, C order as Keras
        return F.softmax(self.fc2(F.relu(self.fc1(x))), dim=1)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5)
        self.c2 = nn.Conv2d(6, 16, 5)
        self.f1 = nn.Linear(400, 120)
        self.f2 = nn.Linear(120, 84)
        self.f3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.avg_pool2d(torch.tanh(self.c1(x)), 2)
        x = F.avg_pool2d(torch.tanh(self.c2(x)), 2)
        x = torch.flatten(x.permute(0, 2, 3, 1), 1)
        return F.softmax(self.f3(F.relu(self.f2(F.relu(self.f1(x))))), dim=1)


def bench(model, shape, batch, seconds=5.0, warmup=2.0):
    x = torch.rand((batch,) + shape)
    with torch.no_grad():
        end = time.perf_counter() + warmup
        while time.perf_counter() < end:
            model(x)
        samples = []
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            t0 = time.perf_counter()
            model(x)
            samples.append(time.perf_counter() - t0)
        total = time.perf_counter() - start
    samples.sort()
    pct = lambda p: samples[min(len(samples) - 1, max(0, int(p * len(samples) + 0.999999) - 1))] * 1e3
    return pct(0.5), pct(0.9), pct(0.99), len(samples) * batch / total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    conv64 = nn.Conv2d(64, 64, 3, padding=1)
    cases = [("FashionNet", FashionNet().eval(), (1, 28, 28), 1), ("FashionNet", FashionNet().eval(), (1, 28, 28), 256),
             ("LeNet-5", LeNet5().eval(), (1, 32, 32), 1), ("LeNet-5", LeNet5().eval(), (1, 32, 32), 256),
             ("Conv64", conv64.eval(), (64, 56, 56), 8)]
    print(f"PyTorch {torch.__version__}, {args.threads} threads")
    for name, model, shape, batch in cases:
        p50, p90, p99, ips = bench(model, shape, batch, args.seconds)
        extra = ""
        if name == "Conv64":
            extra = f", {2 * 115_605_504 * ips / 1e9:.1f} GFLOP/s"
        print(f"{name:10s} batch {batch:3d}: p50 {p50:.4f} ms  p90 {p90:.4f}  p99 {p99:.4f}  {ips:,.0f} images/s{extra}")


if __name__ == "__main__":
    main()
