"""The PyTorch side of Atelier's interop tests, and the reference modules of its architectures.

`Network` is the seed pipeline's network (architecture `seed-cnn`): its state_dict is what
`GET /models/{id}/export?format=safetensors` writes and what `POST /models` reads.

usage: python atelier_reference.py predict WEIGHTS.safetensors IMAGES_DIR OUT.json
  loads the exported file into `Network` with strict=True, checks its metadata, and writes the class
  probabilities of every PNG in IMAGES_DIR (sorted by name), prepared as the metadata says.
usage: python atelier_reference.py build PREFIX IMAGES_DIR OUT.json
  builds a `Network` in PyTorch, saves its state_dict as PREFIX.safetensors (no metadata, as a PyTorch
  user would) and, for the error cases, PREFIX-missing (no fc2.bias), PREFIX-extra (an fc3.weight too),
  PREFIX-misshapen (5 classes) and PREFIX-float64; writes its probabilities for the PNGs in IMAGES_DIR.
usage: python atelier_reference.py build-cnn-bn PREFIX IMAGES_DIR OUT.json
  the same for a `CnnBn` whose batch norms ran over IMAGES_DIR in training mode (running statistics and
  int64 num_batches_tracked as PyTorch saves them), and PREFIX-float-count with a float batch count.
needs: torch, safetensors, numpy, pillow
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image
from safetensors import safe_open
from safetensors.torch import load_file, save_file

FASHION_MNIST_INPUT = {"channels": 1, "height": 28, "width": 28, "scale": "1/255"}


class Network(nn.Module):
    """For any input of at least 16x16: 192 flattened features are 1x28x28's case."""

    def __init__(self, classes=10, channels=1, height=28, width=28):
        super().__init__()
        self.flattened = 12 * ((((height - 4) // 2) - 4) // 2) * ((((width - 4) // 2) - 4) // 2)
        self.conv1 = nn.Conv2d(channels, 6, 5)
        self.conv2 = nn.Conv2d(6, 12, 5)
        self.fc1 = nn.Linear(self.flattened, 120)
        self.fc2 = nn.Linear(120, 60)
        self.out = nn.Linear(60, classes)

    def forward(self, t):
        t = F.max_pool2d(F.relu(self.conv1(t)), 2, 2)
        t = F.max_pool2d(F.relu(self.conv2(t)), 2, 2)
        t = t.reshape(-1, self.flattened)
        return self.out(F.relu(self.fc2(F.relu(self.fc1(t)))))


class CnnBn(nn.Module):
    """Architecture `cnn-bn`, for any input of at least 4x4: its state_dict is what Atelier exports,
    batch norm's int64 `num_batches_tracked` included (Atelier exports 0: it only matters with momentum=None).
    """

    def __init__(self, classes=10, channels=1, height=28, width=28):
        super().__init__()
        layers = []
        for out in (16, 32):
            for _ in range(2):
                layers += [nn.Conv2d(channels, out, 3, padding=1, bias=False), nn.BatchNorm2d(out), nn.ReLU()]
                channels = out
            layers += [nn.MaxPool2d(2, 2), nn.Dropout(0.25)]
        layers += [nn.Flatten(), nn.Linear(32 * (height // 2 // 2) * (width // 2 // 2), 128), nn.ReLU(),
                   nn.Dropout(0.5), nn.Linear(128, classes)]
        self.layers = nn.Sequential(*layers)

    def forward(self, t):
        return self.layers(t)


ARCHITECTURES = {"seed-cnn": Network, "cnn-bn": CnnBn}


def load(weights):
    """The module a file describes, its parameters loaded strictly, and the file's metadata."""
    with safe_open(weights, framework="pt") as f:
        metadata = f.metadata()
    class_names = json.loads(metadata["classNames"])
    shape = json.loads(metadata.get("input", json.dumps(FASHION_MNIST_INPUT)))
    network = ARCHITECTURES[metadata["architecture"]](len(class_names), shape["channels"], shape["height"],
                                                      shape["width"])
    network.load_state_dict(load_file(weights), strict=True)
    return network.eval(), metadata


def images(directory, definition):
    if definition["scale"] != "1/255":
        raise ValueError("unknown scale " + definition["scale"])
    names = sorted(n for n in os.listdir(directory) if n.endswith(".png"))
    mode = "L" if definition["channels"] == 1 else "RGB"
    pixels = [np.asarray(Image.open(os.path.join(directory, n)).convert(mode), dtype=np.float32) / 255.0
              for n in names]
    # Channel planes first (NCHW), as Atelier lays them out; a grayscale image has no channel axis yet.
    planes = [p[None] if p.ndim == 2 else p.transpose(2, 0, 1) for p in pixels]
    return torch.from_numpy(np.ascontiguousarray(np.stack(planes)))


def predict(weights, directory, out):
    network, metadata = load(weights)
    x = images(directory, json.loads(metadata["input"]))
    with torch.inference_mode():
        probabilities = F.softmax(network(x), dim=1)
    with open(out, "w") as f:
        json.dump({"metadata": metadata, "probabilities": probabilities.tolist()}, f)


def build(prefix, directory, out):
    torch.manual_seed(12)
    network = Network().eval()
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.mul_(2)  # sharper than the default initialisation, yet not saturated
    state = {name: tensor.contiguous() for name, tensor in network.state_dict().items()}
    save_file(state, prefix + ".safetensors")
    save_file({k: v for k, v in state.items() if k != "fc2.bias"}, prefix + "-missing.safetensors")
    save_file(dict(state, **{"fc3.weight": torch.zeros(2, 2)}), prefix + "-extra.safetensors")
    save_file(Network(5).state_dict(), prefix + "-misshapen.safetensors")
    save_file({k: v.double() for k, v in state.items()}, prefix + "-float64.safetensors")
    with torch.inference_mode():
        probabilities = F.softmax(network(images(directory, FASHION_MNIST_INPUT)), dim=1)
    with open(out, "w") as f:
        json.dump({"probabilities": probabilities.tolist()}, f)


def build_cnn_bn(prefix, directory, out):
    """A `CnnBn` whose batch norms have seen data: running statistics away from 0 and 1, and batch counts."""
    torch.manual_seed(13)
    network = CnnBn()
    x = images(directory, FASHION_MNIST_INPUT)
    with torch.no_grad():
        for start in range(0, len(x), 100):
            network(x[start:start + 100])  # training mode: only the running statistics and counts change
    network.eval()
    state = {name: tensor.contiguous() for name, tensor in network.state_dict().items()}
    assert state["layers.1.num_batches_tracked"].dtype == torch.int64 and state["layers.1.num_batches_tracked"] > 0
    save_file(state, prefix + ".safetensors")
    save_file(dict(state, **{"layers.1.num_batches_tracked": torch.tensor(1.5)}), prefix + "-float-count.safetensors")
    with torch.inference_mode():
        probabilities = F.softmax(network(x), dim=1)
    with open(out, "w") as f:
        json.dump({"probabilities": probabilities.tolist()}, f)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "predict":
        predict(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "build":
        build(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "build-cnn-bn":
        build_cnn_bn(*sys.argv[2:])
    else:
        sys.exit(__doc__)
