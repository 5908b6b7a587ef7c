#!/usr/bin/python3
"""PyTorch reference for `scripts/organism-diagnostics.ts recall`: is the long plateau of bare
associative recall in the organism's trainer the task's, or bprof's engine's?

Run with Debian's interpreter (python3-torch):
  /usr/bin/python3 scripts/recall-reference.py [--steps 1500] [--hidden 64] [--layers 2] [--batch 16] [--no-equals]

The same task (4 key-value pairs from 40 keys and 40 values, then `? key [=] value`, only the
value weighted), the same Llama shape (RMSNorm, RoPE, grouped-query attention 4/2, SwiGLU,
tied embeddings, N(0, 0.02^2) init), packing with document masking, AdamW (0.9, 0.95, weight
decay 0.1 on matrices), linear warmup over 50 steps then cosine decay to 5 %, clipping at 1.0.
Written from the equations with torch.autograd, not from bprof's TypeScript. It draws its own
examples (Python's RNG), so curves match in level and shape, not step by step. Prints the mean
answer loss over the last 50 steps every 250 steps.
"""
import argparse
import math
import random
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--steps", type=int, default=1500)
parser.add_argument("--hidden", type=int, default=64)
parser.add_argument("--layers", type=int, default=2)
parser.add_argument("--batch", type=int, default=16)
parser.add_argument("--lr", type=float, default=3e-3)
parser.add_argument("--no-equals", action="store_true", help="ask `? key value`, the classic induction form")
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()

torch.set_num_threads(2)
torch.manual_seed(args.seed)
rng = random.Random(args.seed)
C, L, B = args.hidden, args.layers, args.batch
H, KV = 4, 2
D, F, V, T = C // H, 2 * C, 128, 128
BOS, SEP, QUERY, EQUALS = 1, 3, 4, 5
KEYS, VALUES = range(20, 60), range(60, 100)


def example():
    """Token ids and loss weights of one recall example."""
    keys = rng.sample(KEYS, 4)
    values = [rng.choice(VALUES) for _ in keys]
    ids = [BOS]
    for k, v in zip(keys, values):
        ids += [k, v, SEP]
    asked = rng.randrange(4)
    ids += [QUERY, keys[asked]] + ([] if args.no_equals else [EQUALS]) + [values[asked]]
    return ids, [0.0] * (len(ids) - 1) + [1.0]


def batch():
    """Rows of whole examples packed in order, padding after; segment ids number them."""
    ids = torch.zeros(B, T, dtype=torch.long)
    weights = torch.zeros(B, T)
    segments = torch.zeros(B, T, dtype=torch.long)
    for b in range(B):
        t, s = 0, 0
        while True:
            e, w = example()
            if t + len(e) > T:
                break
            ids[b, t:t + len(e)] = torch.tensor(e)
            weights[b, t:t + len(e)] = torch.tensor(w)
            segments[b, t:t + len(e)] = s
            t, s = t + len(e), s + 1
        segments[b, t:] = s
    return ids, weights, segments


def matrix(*shape):
    return torch.nn.Parameter(torch.randn(*shape) * 0.02)


params = {"embed": matrix(V, C), "norm": torch.nn.Parameter(torch.ones(C))}
for l in range(L):
    for name, shape in [("q", (H * D, C)), ("k", (KV * D, C)), ("v", (KV * D, C)), ("o", (C, H * D)),
                        ("gate", (F, C)), ("up", (F, C)), ("down", (C, F))]:
        params[f"{l}.{name}"] = matrix(*shape)
    params[f"{l}.norm1"] = torch.nn.Parameter(torch.ones(C))
    params[f"{l}.norm2"] = torch.nn.Parameter(torch.ones(C))

inverse_frequencies = 1.0 / (10000 ** (torch.arange(0, D, 2).float() / D))
angles = torch.arange(T).float()[:, None] * inverse_frequencies[None]  # [T, D/2]
cos, sin = angles.cos(), angles.sin()
causal = torch.tril(torch.ones(T, T, dtype=torch.bool))  # [T(query), T(key)]


def rope(x):
    """x [B, h, T, D]: rotate the two halves of each head as complex pairs (HF rotate_half)."""
    a, b = x[..., :D // 2], x[..., D // 2:]
    return torch.cat([a * cos - b * sin, b * cos + a * sin], -1)


def rms_norm(x, weight):
    return weight * x * torch.rsqrt((x * x).mean(-1, keepdim=True) + 1e-5)


def forward(ids, segments):
    allowed = (segments[:, :, None] == segments[:, None, :]) & causal  # [B, T, T]
    x = params["embed"][ids]  # [B, T, C]
    for l in range(L):
        h = rms_norm(x, params[f"{l}.norm1"])
        q = rope((h @ params[f"{l}.q"].T).view(B, T, H, D).transpose(1, 2))  # [B, H, T, D]
        k = rope((h @ params[f"{l}.k"].T).view(B, T, KV, D).transpose(1, 2)).repeat_interleave(H // KV, 1)
        v = (h @ params[f"{l}.v"].T).view(B, T, KV, D).transpose(1, 2).repeat_interleave(H // KV, 1)
        scores = (q @ k.transpose(-1, -2) / math.sqrt(D)).masked_fill(~allowed[:, None], float("-inf"))
        attended = torch.softmax(scores, -1) @ v  # [B, H, T, D]
        x = x + attended.transpose(1, 2).reshape(B, T, C) @ params[f"{l}.o"].T
        h = rms_norm(x, params[f"{l}.norm2"])
        x = x + (torch.nn.functional.silu(h @ params[f"{l}.gate"].T) * (h @ params[f"{l}.up"].T)) @ params[f"{l}.down"].T
    return rms_norm(x, params["norm"]) @ params["embed"].T  # [B, T, V]


optimizer = torch.optim.AdamW(
    [{"params": [p for p in params.values() if p.dim() == 2], "weight_decay": 0.1},
     {"params": [p for p in params.values() if p.dim() == 1], "weight_decay": 0.0}],
    lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
warmup, floor = 50, 0.05
started, losses = time.time(), []
print(f"recall (PyTorch {torch.__version__}): {L} layers x hidden {C}, {args.steps} steps of {B} rows, "
      f"lr {args.lr}{', no =' if args.no_equals else ''}; chance loss {math.log(40):.2f}", flush=True)
for step in range(args.steps):
    if step < warmup:
        lr = args.lr * (step + 1) / warmup
    else:
        progress = (step - warmup) / max(1, args.steps - warmup)
        lr = args.lr * floor + 0.5 * args.lr * (1 - floor) * (1 + math.cos(math.pi * progress))
    for group in optimizer.param_groups:
        group["lr"] = lr
    ids, weights, segments = batch()
    logits = forward(ids, segments)
    ce = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1), reduction="none")
    loss = (ce * weights[:, 1:].reshape(-1)).sum() / weights[:, 1:].sum()
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params.values(), 1.0)
    optimizer.step()
    losses.append(loss.item())
    if (step + 1) % 250 == 0 or step + 1 == args.steps:
        tail = losses[-50:]
        print(f"step {step + 1} loss {sum(tail) / len(tail):.3f} ({time.time() - started:.0f} s)", flush=True)
