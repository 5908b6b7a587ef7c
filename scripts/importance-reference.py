#!/usr/bin/python3
"""Independent PyTorch reference for bprof's importance and top-n mask (issue 5, Must show 1).

Reads a llama2.c (version-0) checkpoint with its own reader, runs llama2.c's own Llama
(interleaved RoPE, as run.c) in float64, and on the tokens bprof dumped with --dump-tokens
computes, for the MLP scope:

    L_i = mean next-token cross-entropy over the tokens whose loss_mask is 1
    G   = sum_i dL_i/dtheta          (signed-sum)
    I   = |theta * G|                 (taylor)
    n   = floor(k * N_total)          (N_total: every parameter, the shared head once)
    mask = the n highest I, ties by tensor name then flat index

and writes the mask as JSON {tensor name: sorted flat indices} with the Hugging Face names
bprof uses (w1 = gate_proj, w3 = up_proj, w2 = down_proj; [out, in] row-major, which is the
llama2.c layout too). Nothing here imports bprof.

    /usr/bin/python3 scripts/importance-reference.py --model stories260K.bin \
        --tokens tokens.jsonl --k 1e-2 --out golden.json
"""
import argparse
import hashlib
import json
import math
import struct
from fractions import Fraction

import torch


def read_checkpoint(path):
    with open(path, "rb") as f:
        data = f.read()
    dim, hidden, n_layers, n_heads, n_kv_heads, vocab, seq_len = struct.unpack("<7i", data[:28])
    shared = vocab > 0
    vocab = abs(vocab)
    head_size = dim // n_heads
    kv_dim = n_kv_heads * head_size
    floats = torch.frombuffer(bytearray(data[28:]), dtype=torch.float32)
    offset = 0

    def take(*shape):
        nonlocal offset
        count = math.prod(shape)
        t = floats[offset:offset + count].reshape(shape).to(torch.float64).clone()
        offset += count
        return t

    w = {}
    w["emb"] = take(vocab, dim)
    w["rms_att"] = take(n_layers, dim)
    w["wq"] = take(n_layers, dim, dim)
    w["wk"] = take(n_layers, kv_dim, dim)
    w["wv"] = take(n_layers, kv_dim, dim)
    w["wo"] = take(n_layers, dim, dim)
    w["rms_ffn"] = take(n_layers, dim)
    w["w1"] = take(n_layers, hidden, dim)
    w["w2"] = take(n_layers, dim, hidden)
    w["w3"] = take(n_layers, hidden, dim)
    w["rms_final"] = take(dim)
    offset += seq_len * head_size // 2 * 2  # stored RoPE tables: recomputed below
    if not shared:
        w["wcls"] = take(vocab, dim)
    n_total = sum(t.numel() for t in w.values())
    config = dict(dim=dim, hidden=hidden, n_layers=n_layers, n_heads=n_heads, n_kv_heads=n_kv_heads,
                  vocab=vocab, seq_len=seq_len, head_size=head_size)
    return config, w, n_total


def rmsnorm(x, weight, eps=1e-5):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * weight


def rope_interleaved(x, n_heads, head_size):
    """llama2.c run.c: rotate adjacent pairs (x[2j], x[2j+1]) of every head by pos * 10000^(-2j/head_size)."""
    T = x.shape[0]
    x = x.view(T, n_heads, head_size // 2, 2)
    j = torch.arange(head_size // 2, dtype=torch.float64)
    freq = 1.0 / (10000.0 ** (2 * j / head_size))
    angle = torch.arange(T, dtype=torch.float64)[:, None] * freq[None, :]  # [T, D/2]
    cos, sin = torch.cos(angle)[:, None, :], torch.sin(angle)[:, None, :]
    a, b = x[..., 0], x[..., 1]
    return torch.stack([a * cos - b * sin, a * sin + b * cos], dim=-1).reshape(T, n_heads * head_size)


def forward(c, w, ids):
    """ids [T] -> logits [T, V], one sequence, causal."""
    T = ids.shape[0]
    H, KV, D = c["n_heads"], c["n_kv_heads"], c["head_size"]
    x = w["emb"][ids]  # [T, C]
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    for l in range(c["n_layers"]):
        h = rmsnorm(x, w["rms_att"][l])
        q = rope_interleaved(h @ w["wq"][l].T, H, D).view(T, H, D).transpose(0, 1)  # [H, T, D]
        k = rope_interleaved(h @ w["wk"][l].T, KV, D).view(T, KV, D).transpose(0, 1)  # [KV, T, D]
        v = (h @ w["wv"][l].T).view(T, KV, D).transpose(0, 1)  # [KV, T, D]
        k = k.repeat_interleave(H // KV, dim=0)
        v = v.repeat_interleave(H // KV, dim=0)
        att = (q @ k.transpose(1, 2)) / math.sqrt(D)  # [H, T, T]
        att = att.masked_fill(~causal, float("-inf")).softmax(-1)
        out = (att @ v).transpose(0, 1).reshape(T, H * D)
        x = x + out @ w["wo"][l].T
        h = rmsnorm(x, w["rms_ffn"][l])
        x = x + (torch.nn.functional.silu(h @ w["w1"][l].T) * (h @ w["w3"][l].T)) @ w["w2"][l].T
    x = rmsnorm(x, w["rms_final"])
    return x @ w.get("wcls", w["emb"]).T


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--tokens", required=True, help="bprof --dump-tokens JSONL")
    ap.add_argument("--k", required=True, help="ablation fraction, as a decimal (e.g. 1e-2)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    c, w, n_total = read_checkpoint(args.model)
    with open(args.tokens, "rb") as f:
        tokens_bytes = f.read()
    items = [json.loads(line) for line in tokens_bytes.decode("utf8").splitlines() if line.strip()]

    mlp = {"w1": "gate_proj", "w3": "up_proj", "w2": "down_proj"}
    for key in mlp:
        w[key].requires_grad_(True)
    for item in items:
        ids = torch.tensor(item["input_ids"], dtype=torch.long)
        mask = torch.tensor(item["loss_mask"][1:], dtype=torch.float64)
        logits = forward(c, w, ids)
        nll = torch.nn.functional.cross_entropy(logits[:-1], ids[1:], reduction="none")
        loss = (nll * mask).sum() / mask.sum()
        loss.backward()  # grads accumulate: G = sum_i grad L_i

    scores = {}
    for key, matrix in mlp.items():
        for l in range(c["n_layers"]):
            theta, g = w[key][l].detach(), w[key].grad[l]
            scores[f"model.layers.{l}.mlp.{matrix}.weight"] = (theta * g).abs().flatten()

    n = math.floor(Fraction(args.k) * n_total)
    names = sorted(scores)  # tie-break order: name, then flat index
    flat = torch.cat([scores[name] for name in names])
    owner = torch.cat([torch.full((scores[name].numel(),), i, dtype=torch.long) for i, name in enumerate(names)])
    index = torch.cat([torch.arange(scores[name].numel()) for name in names])
    # Stable sort by descending score keeps the (name, index) order among ties.
    order = torch.sort(-flat, stable=True).indices[:n]
    selected = {name: [] for name in names}
    for o in order.tolist():
        selected[names[owner[o]]].append(int(index[o]))
    tensors = {name: sorted(v) for name, v in selected.items() if v}

    with open(args.model, "rb") as f:
        model_sha = hashlib.sha256(f.read()).hexdigest()
    golden = {
        "about": "top-n taylor/signed-sum mask over the mlp scope, by scripts/importance-reference.py (float64 PyTorch)",
        "model_sha256": model_sha,
        "tokens_sha256": hashlib.sha256(tokens_bytes).hexdigest(),
        "items": len(items),
        "k": args.k,
        "n_total": n_total,
        "n": n,
        "variant": "mlp",
        "tensors": tensors,
    }
    with open(args.out, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    print(f"n_total {n_total}, n {n}, {len(items)} items -> {args.out}")


if __name__ == "__main__":
    main()
