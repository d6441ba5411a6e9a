#!/usr/bin/python3
"""Train the captcha CRNN-CTC model and export it to ONNX with its model card.

Runs with Debian's python3-torch and python3-onnx (/usr/bin/python3). Data: folders written by
`tminus captcha dataset` (images.u8 = N x 32 x 96 grey bytes, labels.txt = one answer per line).

  /usr/bin/python3 native/captcha/train.py --train DIR --test DIR --out resources/models --name captcha-sim

Bounded by --minutes; a checkpoint is written after every epoch (resume with --resume); the seed is fixed.
"""
import argparse
import json
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

# Architectures: "small" reads the simulator's style (32 x 96 in, 24 steps); "general" is wider for many styles
# (32 x 128 in, 32 steps). Both are fully convolutional up to the LSTM; steps = width / 4.
ARCHITECTURES = {
    "small": {"channels": (16, 32, 64, 64, 128), "hidden": 96, "height": 32, "width": 96},
    "general": {"channels": (24, 48, 96, 96, 160), "hidden": 128, "height": 32, "width": 128},
}


def folder_size(folder, default):
    meta = os.path.join(folder, "meta.json")
    if os.path.exists(meta):
        info = json.load(open(meta, encoding="utf-8"))
        if "height" in info and "width" in info:
            return info["height"], info["width"]
    return default


def load(folder, height, width):
    labels = [line.strip() for line in open(os.path.join(folder, "labels.txt"), encoding="utf-8") if line.strip()]
    images = np.fromfile(os.path.join(folder, "images.u8"), dtype=np.uint8)
    if images.size != len(labels) * height * width:
        raise SystemExit(f"{folder}: images.u8 holds {images.size} bytes, not {len(labels)} x {height} x {width}")
    images = images.reshape(len(labels), 1, height, width)
    return images, labels


class CRNN(nn.Module):
    def __init__(self, classes, channels=(16, 32, 64, 64, 128), hidden=96):
        super().__init__()
        c1, c2, c3, c4, c5 = channels

        def block(cin, cout, pool):
            layers = [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
            if pool:
                layers.append(nn.MaxPool2d(pool))
            return layers

        self.features = nn.Sequential(
            *block(1, c1, (2, 2)),  # H/2 x W/2
            *block(c1, c2, (2, 2)),  # H/4 x W/4
            *block(c2, c3, None),
            *block(c3, c4, (2, 1)),  # H/8
            *block(c4, c5, (4, 1)),  # 1 x W/4 (H = 32)
        )
        self.rnn = nn.LSTM(c5, hidden, bidirectional=True, batch_first=True)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, x):
        features = self.features(x).squeeze(2).permute(0, 2, 1)  # batch x steps x c5
        sequence, _ = self.rnn(features)
        return self.head(sequence)  # batch x 24 x classes (logits; class 0 = blank)


class Exported(nn.Module):
    """What ONNX gets: normalised grey input in, per-step probabilities out."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return torch.softmax(self.model(x), dim=2)


def to_input(batch):
    return (torch.from_numpy(batch.astype(np.float32)) / 255.0 - 0.5) / 0.5


def greedy(probabilities, charset):
    best = probabilities.argmax(axis=2)
    texts = []
    for row in best:
        out, previous = [], 0
        for index in row:
            if index != previous and index != 0:
                out.append(charset[index - 1])
            previous = index
        texts.append("".join(out))
    return texts


def parse_tests(values):
    """--test DIR or --test STYLE=DIR (repeatable): the first is the held-out split shown per epoch."""
    tests = []
    for value in values:
        name, _, folder = value.rpartition("=") if "=" in value else ("held-out", "", value)
        tests.append((name, folder))
    return tests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True, action="append", help="a corpus folder (repeatable)")
    parser.add_argument("--test", required=True, action="append", help="DIR or STYLE=DIR (repeatable)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--name", default="captcha-sim")
    parser.add_argument("--arch", choices=sorted(ARCHITECTURES), default="small")
    parser.add_argument("--charset", default="ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--schedule", choices=["epochs", "time"], default="epochs",
                        help="epochs: one cycle over --epochs; time: cosine over the epochs or the minutes, whichever ends first")
    parser.add_argument("--resume", help="checkpoint to continue from (fine-tuning starts from a model)")
    parser.add_argument("--replay", help="base corpus folder replayed beside the new samples, so the model keeps what it knew")
    parser.add_argument("--replay-share", type=float, default=0.5, help="replayed samples per new sample, each epoch")
    parser.add_argument("--data", default="tminus captcha dataset (the simulator's svg-captcha style)", help="for the card")
    parser.add_argument("--held-out-note", default="", help="for the card: what was kept out of training")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    charset = args.charset
    index_of = {c: i + 1 for i, c in enumerate(charset)}
    arch = ARCHITECTURES[args.arch]
    resumed = torch.load(args.resume, map_location="cpu") if args.resume else None
    if resumed and resumed.get("arch"):
        arch = ARCHITECTURES[resumed["arch"]]
        args.arch = resumed["arch"]
    height, width = arch["height"], arch["width"]

    parts = [load(folder, *folder_size(folder, (height, width))) for folder in args.train]
    train_images = np.concatenate([images for images, _ in parts])
    train_labels = [label for _, labels in parts for label in labels]
    if train_images.shape[2:] != (height, width):
        raise SystemExit(f"training images are {train_images.shape[2]} x {train_images.shape[3]}; the {args.arch} model reads {height} x {width}")
    tests = [(name, *load(folder, height, width)) for name, folder in parse_tests(args.test)]
    replay_images, replay_labels = load(args.replay, height, width) if args.replay else (None, [])
    unknown = sorted({c for label in train_labels + replay_labels for c in label.upper()} - set(charset))
    if unknown:
        raise SystemExit(f"labels use characters outside the charset: {''.join(unknown)}")

    model = CRNN(len(charset) + 1, arch["channels"], arch["hidden"]).to(device)
    if resumed:
        model.load_state_dict(resumed["model"])
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
    replay_per_epoch = min(len(replay_labels), int(len(train_labels) * args.replay_share)) if args.replay else 0
    epoch_size = len(train_labels) + replay_per_epoch
    steps_per_epoch = (epoch_size + args.batch - 1) // args.batch
    total_steps = args.epochs * steps_per_epoch
    if args.schedule == "epochs":
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=total_steps, pct_start=0.15)
    else:
        scheduler = None  # "time": cosine over whichever ends first, the epochs or the minutes (fine-tuning)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, f"{args.name}.checkpoint.pt")

    def evaluate(images, labels):
        model.eval()
        correct = 0
        with torch.no_grad():
            for start in range(0, len(labels), 500):
                probs = torch.softmax(model(to_input(images[start : start + 500]).to(device)), dim=2).cpu().numpy()
                for text, label in zip(greedy(probs, charset), labels[start : start + 500]):
                    correct += text.upper() == label.upper()
        model.train()
        return correct / max(1, len(labels))

    started = time.time()
    deadline = started + args.minutes * 60
    epoch = 0
    for epoch in range(1, args.epochs + 1):
        # Each epoch: every new sample once, and a fresh random draw of replayed base samples beside them.
        replayed = np.random.choice(len(replay_labels), replay_per_epoch, replace=False) if replay_per_epoch else np.array([], dtype=int)
        order = np.random.permutation(epoch_size)
        total = 0.0
        for step in range(steps_per_epoch):
            picked = order[step * args.batch : (step + 1) * args.batch]
            new = picked[picked < len(train_labels)]
            old = replayed[picked[picked >= len(train_labels)] - len(train_labels)]
            batch = train_images[new] if len(old) == 0 else np.concatenate([train_images[new], replay_images[old]])
            batch_labels = [train_labels[i] for i in new] + [replay_labels[i] for i in old]
            # Augmentation: shift a pixel or two either way, so the model does not learn exact positions.
            batch = np.roll(batch, np.random.randint(-2, 3), axis=3)
            targets = [index_of[c] for label in batch_labels for c in label.upper()]
            lengths = [len(label) for label in batch_labels]
            logits = model(to_input(batch).to(device))  # B x T x C
            log_probs = logits.log_softmax(2).permute(1, 0, 2)  # T x B x C
            loss = ctc(
                log_probs.cpu(),
                torch.tensor(targets),
                torch.full((len(batch_labels),), log_probs.shape[0], dtype=torch.long),
                torch.tensor(lengths),
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            if scheduler:
                scheduler.step()
            else:
                done = max((epoch - 1 + step / steps_per_epoch) / args.epochs, (time.time() - started) / (args.minutes * 60))
                warm = min(1.0, (step + (epoch - 1) * steps_per_epoch + 1) / 50)
                for group in optimiser.param_groups:
                    group["lr"] = args.lr * warm * 0.5 * (1 + np.cos(np.pi * min(1.0, done)))
            total += loss.item()
            if step % 200 == 0:
                print(f"epoch {epoch} step {step}/{steps_per_epoch}: loss {loss.item():.4f}, {time.time() - started:.0f} s", flush=True)
            if time.time() > deadline:
                break
        name, images, labels = tests[0]
        held_out = evaluate(images[:1000], labels[:1000])
        print(f"epoch {epoch}: loss {total / (step + 1):.4f}, {name} sequence accuracy {held_out:.4f}, {time.time() - started:.0f} s", flush=True)
        torch.save({"model": model.state_dict(), "epoch": epoch, "arch": args.arch, "charset": charset}, checkpoint)
        if time.time() > deadline:
            break

    per_style = {name: {"samples": len(labels), "sequence": round(evaluate(images, labels), 4)} for name, images, labels in tests}
    for name, result in per_style.items():
        print(f"{name}: sequence accuracy {result['sequence']:.4f} on {result['samples']}", flush=True)
    model = model.cpu().eval()
    test_images = tests[0][1]
    onnx_path = os.path.join(args.out, f"{args.name}.onnx")
    torch.onnx.export(
        Exported(model),
        to_input(test_images[:2]),
        onnx_path,
        input_names=["image"],
        output_names=["probabilities"],
        dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"}},
        opset_version=17,
    )
    # Reference outputs, so onnxruntime-node can be checked against torch (there is no Python onnxruntime here).
    # torch.onnx.export puts the modules back in training mode when it ends: eval again, or BatchNorm would use the
    # batch's statistics.
    exported = Exported(model).eval()
    with torch.no_grad():
        reference = exported(to_input(test_images[:8])).numpy()
    json.dump(
        {"images": test_images[:8].reshape(8, -1).tolist(), "probabilities": reference.reshape(8, -1).tolist(), "shape": list(reference.shape)},
        open(os.path.join(args.out, f"{args.name}.reference.json"), "w"),
    )
    first = per_style[tests[0][0]]
    card = {
        "name": args.name,
        "format": "onnx",
        "charset": charset,
        "caseInsensitive": True,
        "input": {"name": "image", "layout": "NCHW", "channels": 1, "height": height, "width": width,
                  "normalisation": "grey = 0.299 R + 0.587 G + 0.114 B on white; bilinear resize; (byte / 255 - 0.5) / 0.5"},
        "output": {"name": "probabilities", "layout": "batch x steps x classes", "steps": width // 4, "classes": len(charset) + 1,
                   "blank": 0, "decode": "greedy CTC: best class per step, merge repeats, drop blanks; class i > 0 is charset[i - 1]"},
        "training": {"samples": len(train_labels), "replayed": replay_per_epoch, "epochs": epoch,
                     "seconds": round(time.time() - started), "seed": args.seed, "data": args.data,
                     "heldOut": args.held_out_note or None, "resumedFrom": args.resume, "architecture": args.arch,
                     "device": "cuda (" + torch.cuda.get_device_name(0) + ")" if device.type == "cuda" else "cpu",
                     "machine": f"{os.cpu_count()}-core CPU, Debian python3-torch " + torch.__version__},
        "accuracy": {"heldOutSamples": first["samples"], "sequence": first["sequence"], "perStyle": per_style},
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    json.dump(card, open(os.path.join(args.out, f"{args.name}.card.json"), "w"), indent=2)
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.2f} MB); {tests[0][0]} sequence accuracy {first['sequence']:.4f}")


if __name__ == "__main__":
    main()
