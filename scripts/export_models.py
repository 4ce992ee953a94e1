"""Writes graviton-bench's example models as TorchScript (.pt) and AOTInductor packages (.pt2), with sidecars.

Seeded random weights, nothing downloaded. Run through scripts/export-models (which picks .venv's Python).
Each model STEM gets STEM.pt, STEM.pt2 (unless --no-aoti) and STEM.json, the sidecar both share: inputs
(one sample's shape, dtype, value range of integer inputs), a description, and the FLOPs of one sample as
torch.utils.flop_counter counts them. Beside the plain package, STEM.frozen.pt2 is compiled with Inductor's
freezing (TORCHINDUCTOR_FREEZING=1: weights folded in as constants) and CPU weight prepacking, where this PyTorch
has both. --quantize int8-dynamic adds STEM.int8-dynamic.pt: every nn.Linear dynamically quantized to int8
(torch.ao.quantization.quantize_dynamic), whose float model STEM.pt graviton-bench takes the float64 reference
from.
"""

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch
from torch import nn

# --- the networks ----------------------------------------------------------------------------------------------


class Mlp(nn.Sequential):
    """The recipe's model: Flatten, then Linear+ReLU per hidden width, then Linear to the outputs."""

    def __init__(self, input_shape, hidden, outputs):
        layers = [nn.Flatten()]
        features = 1
        for d in input_shape:
            features *= d
        for i, width in enumerate(hidden + [outputs]):
            if i > 0:
                layers.append(nn.ReLU())
            layers.append(nn.Linear(features, width))
            features = width
        super().__init__(*layers)


class EncoderLayer(nn.Module):
    """A post-norm BERT layer. Attention is written with matmul and softmax (not fused SDPA), so that the
    profiler's FLOP estimates see every product."""

    def __init__(self, width, heads, ffn):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.norm1 = nn.LayerNorm(width)
        self.up = nn.Linear(width, ffn)
        self.down = nn.Linear(ffn, width)
        self.norm2 = nn.LayerNorm(width)

    def forward(self, x):
        b, s, w = x.shape
        q, k, v = self.qkv(x).view(b, s, 3, self.heads, w // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / float(w // self.heads) ** 0.5)
        attended = torch.matmul(torch.softmax(scores, dim=-1), v).transpose(1, 2).reshape(b, s, w)
        x = self.norm1(x + self.out(attended))
        return self.norm2(x + self.down(nn.functional.gelu(self.up(x))))


class Encoder(nn.Module):
    """BERT-style: token and position embeddings, encoder layers, the first token's state to a classifier."""

    def __init__(self, vocab, seq, width, heads, layers, ffn, classes):
        super().__init__()
        self.tokens = nn.Embedding(vocab, width)
        self.positions = nn.Embedding(seq, width)
        self.norm = nn.LayerNorm(width)
        self.layers = nn.ModuleList([EncoderLayer(width, heads, ffn) for _ in range(layers)])
        self.pool = nn.Linear(width, width)
        self.classify = nn.Linear(width, classes)

    def forward(self, ids):
        positions = torch.arange(ids.shape[1], device=ids.device)
        x = self.norm(self.tokens(ids) + self.positions(positions))
        for layer in self.layers:
            x = layer(x)
        return self.classify(torch.tanh(self.pool(x[:, 0])))


class Block(nn.Module):
    """ResNet's basic block: two 3x3 convolutions with batch norm, a shortcut (1x1 when the shape changes)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class Cnn(nn.Module):
    """ResNet-style: 7x7 stem, max pooling, basic blocks over widening stages, average pooling, classifier."""

    def __init__(self, widths, classes):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 7, 2, 3, bias=False), nn.BatchNorm2d(widths[0]),
                                  nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        blocks = []
        cin = widths[0]
        for i, w in enumerate(widths):
            blocks += [Block(cin, w, 1 if i == 0 else 2), Block(w, w, 1)]
            cin = w
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(self.blocks(self.stem(x)), 1), 1))


def randomize_batch_norm(model, generator):
    """Fresh BatchNorm has mean 0 and variance 1: give it statistics, so that folding it is not a no-op."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=generator) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=generator) * 0.1)


# name: (description, constructor, inputs); inputs are (name, one sample's shape, dtype, value range or None)
def catalogue():
    def encoder(vocab, seq, width, heads, layers, ffn):
        return (
            f"BERT-style encoder: {layers} layers, width {width}, {heads} heads, FFN {ffn}, sequence {seq}, "
            f"vocabulary {vocab}, 2 classes from the first token",
            lambda: Encoder(vocab, seq, width, heads, layers, ffn, 2),
            [("input_ids", [seq], "int64", [0, vocab - 1])],
        )

    def cnn(side, widths, classes):
        return (
            f"ResNet-style CNN: 7x7 stem, max pooling, 2 basic blocks per stage of widths {widths}, average "
            f"pooling, {classes} classes; 3x{side}x{side} images",
            lambda: Cnn(widths, classes),
            [("image", [3, side, side], "float32", None)],
        )

    def mlp(shape, hidden, outputs, what):
        return (
            f"{what}: Flatten, Linear {' -> '.join(str(d) for d in [shape[0] * shape[1]] + hidden + [outputs])} "
            "with ReLU between",
            lambda: Mlp(shape, hidden, outputs),
            [("x", shape, "float32", None)],
        )

    return {
        "recipe-mlp": mlp([64, 64], [4096, 11008], 10, "The recipe's MLP"),
        "encoder": encoder(30522, 128, 768, 12, 2, 3072),
        "cnn": cnn(224, [64, 128, 256, 512], 1000),
        "tiny-mlp": mlp([16, 16], [128, 344], 10, "The recipe's MLP at test size"),
        "small-mlp": mlp([32, 32], [1024, 256], 10, "The recipe's MLP small enough for emulation"),
        "tiny-encoder": encoder(1000, 16, 64, 4, 2, 128),
        "tiny-cnn": cnn(32, [8, 16], 10),
    }


# Quantized variants each set writes besides those of --quantize: the test suite's check of a model quantized at
# export (tests/backend/model_file.test.cpp).
SET_QUANTIZED = {"test": {"tiny-mlp": ["int8-dynamic"]}}

# What each set writes: (model, with an AOTInductor package)
SETS = {
    "examples": [("recipe-mlp", True), ("encoder", True), ("cnn", True)],
    # The test suite's: small models, one AOTInductor compile (each takes tens of seconds on 2 cores).
    "test": [("tiny-mlp", True), ("recipe-mlp", False), ("tiny-encoder", False), ("tiny-cnn", False)],
    # scripts/test-aarch64's: TorchScript is portable, so the host exports it for the emulated aarch64 build.
    "aarch64": [("small-mlp", False)],
}


def example_inputs(inputs, batch, generator):
    tensors = []
    for _, shape, dtype, value_range in inputs:
        if dtype == "int64":
            tensors.append(torch.randint(value_range[0], value_range[1] + 1, [batch] + shape, generator=generator))
        else:
            tensors.append(torch.rand([batch] + shape, generator=generator))
    return tuple(tensors)


def flops_per_sample(model, inputs):
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(*inputs)
    return counter.get_total_flops() / inputs[0].shape[0]


def freezing_configs():
    """Inductor's options for a frozen package with CPU weight prepacking, or None where this PyTorch lacks them."""
    from torch._inductor import config

    if not hasattr(config, "freezing") or not hasattr(config, "cpp") or not hasattr(config.cpp, "weight_prepack"):
        return None
    return {"freezing": True, "cpp.weight_prepack": True}


def export_one(name, torchscript, aoti, out_dir, seed, log, variants=()):
    description, make, inputs = catalogue()[name]
    # Seeded so that the built-in MLP of graviton-bench (torch::nn with torch::manual_seed(seed)) gets the
    # same weights as the recipe MLP here: both initialise layer by layer from the default generator.
    torch.manual_seed(seed)
    model = make().eval()
    randomize_batch_norm(model, torch.Generator().manual_seed(seed + 1))
    sample = example_inputs(inputs, 2, torch.Generator().manual_seed(seed + 2))
    sidecar = {
        "description": description,
        "inputs": [
            {"name": n, "shape": s, "dtype": d, **({"range": r} if r is not None else {})}
            for n, s, d, r in inputs
        ],
        "flops_per_sample": flops_per_sample(model, sample),
        "exported_by": f"scripts/export-models, torch {torch.__version__}, {platform.machine()}, seed {seed}",
    }
    (out_dir / f"{name}.json").write_text(json.dumps(sidecar, indent=2) + "\n")

    if torchscript:
        export_torchscript(name, model, sample, out_dir, log)
    if aoti:
        export_aoti(name, model, sample, len(inputs), out_dir, log)
    if "frozen" in variants:
        configs = freezing_configs()
        if configs is None:
            log(f"{name}.frozen.pt2: skipped, torch {torch.__version__} has no Inductor freezing or weight prepacking")
        else:
            export_aoti(name, model, sample, len(inputs), out_dir, log, variant="frozen", configs=configs)
    if "int8-dynamic" in variants:
        export_quantized(name, model, sample, out_dir, log)


def export_quantized(name, model, sample, out_dir, log):
    """STEM.int8-dynamic.pt: every nn.Linear quantized dynamically (per-tensor int8 weights, activations quantized
    at run time), traced. The packed weights are repacked at load for the loading process's quantized engine."""
    import copy
    import warnings

    started = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization's deprecation notice (moving to torchao)
        quantized = torch.ao.quantization.quantize_dynamic(copy.deepcopy(model), {nn.Linear}, dtype=torch.qint8)
        with torch.no_grad():
            traced = torch.jit.trace(quantized, sample)
    tmp = out_dir / f".{name}.int8-dynamic.pt.tmp"
    traced.save(str(tmp))
    os.replace(tmp, out_dir / f"{name}.int8-dynamic.pt")
    log(f"{name}.int8-dynamic.pt: TorchScript, Linear layers quantized to int8 (dynamic), in "
        f"{time.monotonic() - started:.1f} s")


def export_torchscript(name, model, sample, out_dir, log):
    started = time.monotonic()
    with torch.no_grad():
        traced = torch.jit.trace(model, sample)
    tmp = out_dir / f".{name}.pt.tmp"
    traced.save(str(tmp))
    os.replace(tmp, out_dir / f"{name}.pt")
    log(f"{name}.pt: TorchScript in {time.monotonic() - started:.1f} s")


def export_aoti(name, model, sample, count, out_dir, log, variant=None, configs=None):
    started = time.monotonic()
    stem = f"{name}.{variant}" if variant else name
    batch = torch.export.Dim("batch", min=1, max=4096)
    with torch.no_grad():
        program = torch.export.export(model, sample, dynamic_shapes=[{0: batch} for _ in range(count)])
        tmp = out_dir / f".{stem}.tmp.pt2"
        # The metadata lets graviton-bench refuse a package of another architecture or PyTorch with a clear
        # message before dlopen fails on it.
        metadata = {"gbench_torch_version": torch.__version__, "gbench_arch": platform.machine()}
        if variant:
            metadata["gbench_variant"] = variant
        torch._inductor.aoti_compile_and_package(
            program, package_path=str(tmp), inductor_configs={"aot_inductor.metadata": metadata, **(configs or {})}
        )
    os.replace(tmp, out_dir / f"{stem}.pt2")
    what = f" with {', '.join(f'{k}={v}' for k, v in configs.items())}" if configs else ""
    log(f"{stem}.pt2: AOTInductor package{what} in {time.monotonic() - started:.1f} s")


def relabelled_package(source, target, changes):
    """A copy of a .pt2 whose graviton-bench metadata says another architecture or PyTorch: the test suite's
    stand-in for a package compiled elsewhere (which cannot be made here)."""
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith("_metadata.json"):
                metadata = json.loads(data)
                metadata.update(changes)
                data = json.dumps(metadata).encode()
            zout.writestr(item, data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder to write into")
    parser.add_argument("--set", choices=sorted(SETS), default="examples")
    parser.add_argument("--only", help="comma-separated model names of the set")
    parser.add_argument("--no-aoti", action="store_true", help="TorchScript and sidecars only")
    parser.add_argument("--no-frozen", action="store_true",
                        help="no STEM.frozen.pt2 (Inductor freezing and CPU weight prepacking) beside each package")
    parser.add_argument("--quantize", choices=["int8-dynamic"], action="append", default=[],
                        help="also write STEM.int8-dynamic.pt: the TorchScript model with every Linear quantized "
                             "dynamically to int8")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--force", action="store_true", help="export even when the cache is current")
    args = parser.parse_args()

    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    log = lambda text: print(f"export-models: {text}", file=sys.stderr, flush=True)  # noqa: E731
    script_hash = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    wanted = [(n, a and not args.no_aoti) for n, a in SETS[args.set]]
    if args.only:
        keep = set(args.only.split(","))
        unknown = keep - {n for n, _ in wanted}
        if unknown:
            parser.error(f"--only: {', '.join(sorted(unknown))} not in set '{args.set}'")
        wanted = [(n, a) for n, a in wanted if n in keep]

    started = time.monotonic()
    for name, aoti in wanted:
        key = f"{script_hash} torch {torch.__version__} seed {args.seed}"
        # One stamp per file, so that sets sharing a model (with or without its package) do not redo each other.
        files = ["pt", "pt2"] if aoti else ["pt"]
        if aoti and not args.no_frozen and args.set != "test":
            files.append("frozen.pt2")
        files += [f"{q}.pt" for q in dict.fromkeys(args.quantize + SET_QUANTIZED.get(args.set, {}).get(name, []))]
        todo = []
        for ext in files:
            stamp = out_dir / f".{name}.{ext}.stamp"
            current = stamp.exists() and stamp.read_text() == key and (out_dir / f"{name}.{ext}").exists()
            if args.force or not current or not (out_dir / f"{name}.json").exists():
                todo.append(ext)
        if todo:
            variants = [ext.split(".")[0] for ext in todo if ext not in ("pt", "pt2")]
            export_one(name, "pt" in todo, "pt2" in todo, out_dir, args.seed, log, variants)
            for ext in todo:
                if (out_dir / f"{name}.{ext}").exists():
                    (out_dir / f".{name}.{ext}.stamp").write_text(key)
    if args.set == "test" and not args.no_aoti and (out_dir / "tiny-mlp.pt2").exists():
        other_arch = {"gbench_arch": "riscv64", "AOTI_MACHINE": "riscv64"}
        relabelled_package(out_dir / "tiny-mlp.pt2", out_dir / "other-arch.pt2", other_arch)
        relabelled_package(out_dir / "tiny-mlp.pt2", out_dir / "other-torch.pt2", {"gbench_torch_version": "1.0.0"})
    log(f"set '{args.set}' in {out_dir} is current ({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
