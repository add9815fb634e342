#!/usr/bin/python3
"""PyTorch peer of `onecycle fit --mnist-idx`: bench/peer_torch.py's recipe (fastai v1's defaults for
simple_cnn((3, 16, 16, 10))) on the whole MNIST, read from its idx files (gzip-compressed or not):
the 60,000 training images train, the 10,000 t10k images validate. @onecycle/mnist ships them
(packages/mnist/data).

usage: peer_torch_mnist.py IDX_DIR {constant,onecycle,torch-onecycle} LR EPOCHS [THREADS] [SEED]
prints one JSON line, as bench/peer_torch.py does.
"""
import gzip
import json
import os
import sys
import time

import numpy as np

from peer_torch import as_inputs, fail, parse_args, train

IDX_TYPES = {0x08: np.uint8}


def read_idx(folder, split, kind):
    """<split>-<kind>-idx<d>-ubyte[.gz] in folder -> numpy array with the header's shape."""
    dims = 3 if kind == "images" else 1
    name = f"{split}-{kind}-idx{dims}-ubyte"
    for path, opener in ((os.path.join(folder, name + ".gz"), gzip.open), (os.path.join(folder, name), open)):
        if not os.path.exists(path):
            continue
        with opener(path, "rb") as f:
            data = f.read()
        if len(data) < 4 + 4 * dims or data[0:2] != b"\0\0" or data[2] not in IDX_TYPES or data[3] != dims:
            fail(f"{path} is not an idx file of unsigned bytes with {dims} dimension(s)")
        shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
        if len(data) != 4 + 4 * dims + int(np.prod(shape)):
            fail(f"{path}: {len(data)} bytes, but its header {shape} needs {4 + 4 * dims + int(np.prod(shape))}")
        return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    fail(f"no {name} or {name}.gz in {folder}")


def load(folder, split):
    images, labels = read_idx(folder, split, "images"), read_idx(folder, split, "labels")
    if len(images) != len(labels):
        fail(f"{folder}: {len(labels)} {split} labels for {len(images)} images")
    return as_inputs(images, labels)


def main():
    args = parse_args(sys.argv[1:], __doc__.split("usage: ")[1].split("\n")[0])
    t0 = time.perf_counter()
    x_train, y_train = load(args["data"], "train")
    x_valid, y_valid = load(args["data"], "t10k")
    load_s = time.perf_counter() - t0
    result = train(x_train, y_train, x_valid, y_valid, args)
    print(json.dumps({**result, "load_s": round(load_s, 3)}))


if __name__ == "__main__":
    main()
