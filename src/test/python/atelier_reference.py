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
  Also saves the same module as TorchScript, PREFIX-torch2.pt (torch.jit.save of this PyTorch).
usage: python atelier_reference.py torchscript PREFIX IMAGES_DIR OUT.json
  (run by Debian's python3-torch 1.13, the TorchScript that libtorch 2.7.1 must read) builds the same
  `Network` as `build`, saves it with torch.jit.save as PREFIX.pt and writes its probabilities for the PNGs
  in IMAGES_DIR; for the error cases, PREFIX-pooled.pt (one row for the whole batch: output [classes]),
  PREFIX-too-new.pt (PREFIX.pt with its `version` record set to FORMAT_VERSION), PREFIX-new-operator.pt
  (PREFIX.pt calling an operator no PyTorch has yet, aten::reshapf) and PREFIX-pickle.pt (torch.save of
  the state_dict: a zip, but not TorchScript).
usage: python atelier_reference.py build-cnn-bn PREFIX IMAGES_DIR OUT.json
  the same for a `CnnBn` whose batch norms ran over IMAGES_DIR in training mode (running statistics and
  int64 num_batches_tracked as PyTorch saves them), and PREFIX-float-count with a float batch count.
needs: torch, numpy, pillow; safetensors for predict, build and build-cnn-bn
"""
import json
import os
import sys
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

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
    from safetensors import safe_open
    from safetensors.torch import load_file
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


def reference_network():
    """The module both `build` and `torchscript` make, the same whatever the PyTorch version."""
    torch.manual_seed(12)
    network = Network().eval()
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.mul_(2)  # sharper than the default initialisation, yet not saturated
    return network


class Pooled(nn.Module):
    """Not a classifier of each image: one row of scores for the whole batch, flattened to [classes]."""

    def __init__(self, network):
        super().__init__()
        self.network = network

    def forward(self, t):
        return self.network(t).mean(0)


# A TorchScript file format version beyond what libtorch 2.7.1 reads (it reads up to 10).
FORMAT_VERSION = 11


def rewritten(source, target, record, change):
    """A copy of a TorchScript archive with one record (path below the archive's folder) changed."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.split("/", 1)[1] == record:
                data = change(data)
            zout.writestr(item, data)


def torchscript(prefix, directory, out):
    network = reference_network()
    scripted = torch.jit.script(network)
    torch.jit.save(scripted, prefix + ".pt")
    torch.jit.save(torch.jit.script(Pooled(network).eval()), prefix + "-pooled.pt")
    rewritten(prefix + ".pt", prefix + "-too-new.pt", "version", lambda _: ("%d\n" % FORMAT_VERSION).encode())
    # An operator of a future PyTorch, named as long as the real one so that the debug records still fit.
    rewritten(prefix + ".pt", prefix + "-new-operator.pt", "code/__torch__.py",
              lambda code: code.replace(b"torch.reshape(", b"torch.reshapf("))
    torch.save(network.state_dict(), prefix + "-pickle.pt")
    with torch.no_grad():
        probabilities = F.softmax(scripted(images(directory, FASHION_MNIST_INPUT)), dim=1)
    with open(out, "w") as f:
        json.dump({"torch": torch.__version__, "probabilities": probabilities.tolist()}, f)


def build(prefix, directory, out):
    from safetensors.torch import save_file
    network = reference_network()
    torch.jit.save(torch.jit.script(network), prefix + "-torch2.pt")
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
    from safetensors.torch import save_file
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
    elif len(sys.argv) == 5 and sys.argv[1] == "torchscript":
        torchscript(*sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "build-cnn-bn":
        build_cnn_bn(*sys.argv[2:])
    else:
        sys.exit(__doc__)
