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

HEIGHT, WIDTH = 32, 96


def load(folder):
    labels = [line.strip() for line in open(os.path.join(folder, "labels.txt"), encoding="utf-8") if line.strip()]
    images = np.fromfile(os.path.join(folder, "images.u8"), dtype=np.uint8)
    images = images.reshape(len(labels), 1, HEIGHT, WIDTH)
    return images, labels


class CRNN(nn.Module):
    def __init__(self, classes):
        super().__init__()

        def block(cin, cout, pool):
            layers = [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]
            if pool:
                layers.append(nn.MaxPool2d(pool))
            return layers

        self.features = nn.Sequential(
            *block(1, 16, (2, 2)),  # 16 x 48
            *block(16, 32, (2, 2)),  # 8 x 24
            *block(32, 64, None),
            *block(64, 64, (2, 1)),  # 4 x 24
            *block(64, 128, (4, 1)),  # 1 x 24
        )
        self.rnn = nn.LSTM(128, 96, bidirectional=True, batch_first=True)
        self.head = nn.Linear(192, classes)

    def forward(self, x):
        features = self.features(x).squeeze(2).permute(0, 2, 1)  # batch x 24 x 128
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


def accuracy(model, images, labels, charset):
    model.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(labels), 500):
            probs = torch.softmax(model(to_input(images[start : start + 500])), dim=2).numpy()
            for text, label in zip(greedy(probs, charset), labels[start : start + 500]):
                correct += text.upper() == label.upper()
    model.train()
    return correct / len(labels)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--test", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--name", default="captcha-sim")
    parser.add_argument("--charset", default="ABCDEFGHJKMNPQRSTUVWXYZ23456789")
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--resume", help="checkpoint to continue from (fine-tuning starts from a model)")
    parser.add_argument("--data", default="tminus captcha dataset (the simulator's svg-captcha style)", help="for the card")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(2)
    charset = args.charset
    index_of = {c: i + 1 for i, c in enumerate(charset)}

    train_images, train_labels = load(args.train)
    test_images, test_labels = load(args.test)
    unknown = sorted({c for label in train_labels for c in label.upper()} - set(charset))
    if unknown:
        raise SystemExit(f"labels use characters outside the charset: {''.join(unknown)}")

    model = CRNN(len(charset) + 1)
    if args.resume:
        model.load_state_dict(torch.load(args.resume)["model"])
    optimiser = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps_per_epoch = (len(train_labels) + args.batch - 1) // args.batch
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    os.makedirs(args.out, exist_ok=True)
    checkpoint = os.path.join(args.out, f"{args.name}.checkpoint.pt")

    started = time.time()
    deadline = started + args.minutes * 60
    epoch = 0
    for epoch in range(1, args.epochs + 1):
        order = np.random.permutation(len(train_labels))
        total = 0.0
        for step in range(steps_per_epoch):
            picked = order[step * args.batch : (step + 1) * args.batch]
            batch = train_images[picked]
            # Augmentation: shift a pixel or two either way, so the model does not learn exact positions.
            shift = np.random.randint(-2, 3)
            batch = np.roll(batch, shift, axis=3)
            targets = [index_of[c] for i in picked for c in train_labels[i].upper()]
            lengths = [len(train_labels[i]) for i in picked]
            logits = model(to_input(batch))  # B x T x C
            log_probs = logits.log_softmax(2).permute(1, 0, 2)  # T x B x C
            loss = ctc(
                log_probs,
                torch.tensor(targets),
                torch.full((len(picked),), log_probs.shape[0], dtype=torch.long),
                torch.tensor(lengths),
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            scheduler.step()
            total += loss.item()
            if time.time() > deadline:
                break
        held_out = accuracy(model, test_images[:1000], test_labels[:1000], charset)
        print(f"epoch {epoch}: loss {total / (step + 1):.4f}, held-out sequence accuracy {held_out:.4f}, {time.time() - started:.0f} s", flush=True)
        torch.save({"model": model.state_dict(), "epoch": epoch}, checkpoint)
        if time.time() > deadline:
            break

    final_accuracy = accuracy(model, test_images, test_labels, charset)
    model.eval()
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
    with torch.no_grad():
        reference = Exported(model)(to_input(test_images[:8])).numpy()
    json.dump(
        {"images": test_images[:8].reshape(8, -1).tolist(), "probabilities": reference.reshape(8, -1).tolist(), "shape": list(reference.shape)},
        open(os.path.join(args.out, f"{args.name}.reference.json"), "w"),
    )
    card = {
        "name": args.name,
        "format": "onnx",
        "charset": charset,
        "caseInsensitive": True,
        "input": {"name": "image", "layout": "NCHW", "channels": 1, "height": HEIGHT, "width": WIDTH,
                  "normalisation": "grey = 0.299 R + 0.587 G + 0.114 B on white; bilinear resize; (byte / 255 - 0.5) / 0.5"},
        "output": {"name": "probabilities", "layout": "batch x steps x classes", "steps": 24, "classes": len(charset) + 1,
                   "blank": 0, "decode": "greedy CTC: best class per step, merge repeats, drop blanks; class i > 0 is charset[i - 1]"},
        "training": {"samples": len(train_labels), "epochs": epoch, "seconds": round(time.time() - started),
                     "seed": args.seed, "data": args.data, "resumedFrom": args.resume,
                     "machine": "2-core CPU, Debian python3-torch " + torch.__version__},
        "accuracy": {"heldOutSamples": len(test_labels), "sequence": round(final_accuracy, 4)},
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    json.dump(card, open(os.path.join(args.out, f"{args.name}.card.json"), "w"), indent=2)
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.2f} MB); held-out sequence accuracy {final_accuracy:.4f}")


if __name__ == "__main__":
    main()
