#!/usr/bin/python3
# The PyTorch eager side of `npm run bench`'s llama section: the same Llama (HF layout:
# RMSNorm, rotate-half RoPE, causal softmax attention, SwiGLU, untied or tied head), the same
# shapes and threads, and the same step (mean next-token cross-entropy, backward w.r.t. every
# weight, gradients dropped). scripts/bench.ts runs it as a subprocess in the same run, so
# machine load falls on both sides alike.
#
# One JSON request per line on stdin, one JSON reply per line on stdout (so the bench can
# interleave its steps with the engine's):
#   {"build": {"hidden": 512, "intermediate": 1376, "layers": 8, "heads": 8, "vocab": 4096,
#              "tied": true, "batch": 4, "seq": 256, "threads": 2}}
#       → {"torch": version, "threads": n}       (builds the model, runs one warm-up step)
#   {"step": 1}  → {"seconds": wall time of one forward + backward}
# torch 1.13 (Debian's python3-torch) has no F.scaled_dot_product_attention; attention is what
# one writes there: q k^T, a causal mask, softmax, @ v.
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


class Llama(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        C, Fw, V, L = c["hidden"], c["intermediate"], c["vocab"], c["layers"]
        self.heads = c["heads"]
        std = 0.02
        self.embed = torch.nn.Parameter(torch.randn(V, C) * std)
        self.head = None if c["tied"] else torch.nn.Parameter(torch.randn(V, C) * std)
        self.layers = torch.nn.ModuleList()
        for _ in range(L):
            layer = torch.nn.Module()
            layer.attn_norm = torch.nn.Parameter(torch.ones(C))
            layer.mlp_norm = torch.nn.Parameter(torch.ones(C))
            for name, shape in [("q", (C, C)), ("k", (C, C)), ("v", (C, C)), ("o", (C, C)),
                                ("gate", (Fw, C)), ("up", (Fw, C)), ("down", (C, Fw))]:
                setattr(layer, name, torch.nn.Parameter(torch.randn(*shape) * std))
            self.layers.append(layer)
        self.norm = torch.nn.Parameter(torch.ones(C))
        D = C // self.heads
        inv = 1.0 / (10000.0 ** (torch.arange(0, D, 2).float() / D))
        self.register_buffer("inv_freq", inv)

    @staticmethod
    def rms(x, w, eps=1e-5):
        return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

    @staticmethod
    def rotate_half(x):
        a, b = x.chunk(2, dim=-1)
        return torch.cat((-b, a), dim=-1)

    def forward(self, ids):
        B, T = ids.shape
        H = self.heads
        x = F.embedding(ids, self.embed)  # [B, T, C]
        C = x.shape[-1]
        D = C // H
        angles = torch.arange(T, dtype=torch.float32)[:, None] * self.inv_freq[None, :]  # [T, D/2]
        full = torch.cat((angles, angles), dim=-1)
        cos, sin = full.cos(), full.sin()  # [T, D]
        causal = torch.full((T, T), float("-inf")).triu(1)  # [T, T]
        for l in self.layers:
            h = self.rms(x, l.attn_norm)
            q = F.linear(h, l.q).view(B, T, H, D).transpose(1, 2)
            k = F.linear(h, l.k).view(B, T, H, D).transpose(1, 2)
            v = F.linear(h, l.v).view(B, T, H, D).transpose(1, 2)
            q = q * cos + self.rotate_half(q) * sin
            k = k * cos + self.rotate_half(k) * sin
            scores = q @ k.transpose(-2, -1) / math.sqrt(D) + causal  # [B, H, T, T]
            att = torch.softmax(scores, dim=-1) @ v  # [B, H, T, D]
            x = x + F.linear(att.transpose(1, 2).reshape(B, T, C), l.o)
            h = self.rms(x, l.mlp_norm)
            x = x + F.linear(F.silu(F.linear(h, l.gate)) * F.linear(h, l.up), l.down)
        x = self.rms(x, self.norm)
        return F.linear(x, self.embed if self.head is None else self.head)  # [B, T, V]


def main():
    model, ids = None, None

    def step():
        logits = model(ids)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
        loss.backward()
        for p in model.parameters():
            p.grad = None

    for line in sys.stdin:
        request = json.loads(line)
        if "build" in request:
            c = request["build"]
            torch.set_num_threads(c["threads"])
            torch.manual_seed(1)
            model = Llama(c)
            ids = (torch.arange(c["batch"] * c["seq"]) * 7919 % c["vocab"]).view(c["batch"], c["seq"])
            step()  # warm-up
            reply = {"torch": torch.__version__, "threads": torch.get_num_threads()}
        else:
            start = time.perf_counter()
            step()
            reply = {"seconds": time.perf_counter() - start}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
