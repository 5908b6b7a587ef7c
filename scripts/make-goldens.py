#!/usr/bin/python3
"""Tiny random Llama-family checkpoints and PyTorch goldens for bprof's model tests.

Run with Debian's interpreter (python3-torch):  /usr/bin/python3 scripts/make-goldens.py

For each variant it writes, under test/fixtures/models/<name>/:
  config.json                       Hugging Face config
  model.safetensors                 the weights (or shards + model.safetensors.index.json)
  golden.json                       the input ids and the mean next-token cross-entropy loss
  golden.safetensors                "logits" [B, T, V] and "grad.<param>" for every parameter

The reference below is an independent float64 implementation of Hugging Face Llama
semantics (modeling_llama / modeling_mistral / modeling_qwen2), written from the
equations, not from bprof's TypeScript. Safetensors are written by hand (no package).
"""
import json
import math
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "models")

VARIANTS = [
    # GQA, untied head, sharded checkpoint
    dict(name="llama-gqa", storage="F32", shards=2, config=dict(
        model_type="llama", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, vocab_size=64, tie_word_embeddings=False,
        rms_norm_eps=1e-5, rope_theta=10000.0, max_position_embeddings=128)),
    # tied head, plain multi-head attention, linear RoPE scaling, llama's optional biases
    dict(name="llama-tied-linear", storage="F32", shards=1, config=dict(
        model_type="llama", hidden_size=32, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=4, vocab_size=64, tie_word_embeddings=True,
        rms_norm_eps=1e-6, rope_theta=10000.0, max_position_embeddings=128,
        rope_scaling=dict(rope_type="linear", factor=2.0), attention_bias=True, mlp_bias=True)),
    # qwen2: q/k/v bias, tied, GQA, stored in bf16 as Qwen ships it
    dict(name="qwen2-bias", storage="BF16", shards=1, config=dict(
        model_type="qwen2", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, vocab_size=72, tie_word_embeddings=True,
        rms_norm_eps=1e-6, rope_theta=1000000.0, max_position_embeddings=256, use_sliding_window=False)),
    # Llama-3.1 RoPE scaling; head_dim 16 set explicitly (q width 64 != hidden 32); all three frequency bands hit
    dict(name="llama3-rope", storage="F32", shards=1, config=dict(
        model_type="llama", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, head_dim=16, vocab_size=64, tie_word_embeddings=False,
        rms_norm_eps=1e-5, rope_theta=10000.0, max_position_embeddings=512,
        rope_scaling=dict(rope_type="llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                          original_max_position_embeddings=64))),
    # mistral: multi-query attention, a sliding window shorter than the sequence, stored in f16
    dict(name="mistral-window", storage="F16", shards=1, config=dict(
        model_type="mistral", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=1, vocab_size=64, tie_word_embeddings=False,
        rms_norm_eps=1e-5, rope_theta=10000.0, max_position_embeddings=256, sliding_window=5)),
]

BATCH, SEQ = 2, 8


def head_dim(c):
    return c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]


def parameter_shapes(c):
    C, F, V = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    H, KV, D = c["num_attention_heads"], c["num_key_value_heads"], head_dim(c)
    qkv_bias = c["model_type"] == "qwen2" or c.get("attention_bias", False)
    o_bias = c["model_type"] == "llama" and c.get("attention_bias", False)
    mlp_bias = c["model_type"] == "llama" and c.get("mlp_bias", False)
    shapes = {"model.embed_tokens.weight": (V, C)}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (C,)
        for proj, rows in (("q", H * D), ("k", KV * D), ("v", KV * D)):
            shapes[p + f"self_attn.{proj}_proj.weight"] = (rows, C)
            if qkv_bias:
                shapes[p + f"self_attn.{proj}_proj.bias"] = (rows,)
        shapes[p + "self_attn.o_proj.weight"] = (C, H * D)
        if o_bias:
            shapes[p + "self_attn.o_proj.bias"] = (C,)
        shapes[p + "post_attention_layernorm.weight"] = (C,)
        shapes[p + "mlp.gate_proj.weight"] = (F, C)
        shapes[p + "mlp.up_proj.weight"] = (F, C)
        shapes[p + "mlp.down_proj.weight"] = (C, F)
        if mlp_bias:
            shapes[p + "mlp.gate_proj.bias"] = (F,)
            shapes[p + "mlp.up_proj.bias"] = (F,)
            shapes[p + "mlp.down_proj.bias"] = (C,)
    shapes["model.norm.weight"] = (C,)
    if not c["tie_word_embeddings"]:
        shapes["lm_head.weight"] = (V, C)
    return shapes


def random_weights(c, gen):
    weights = {}
    for name, shape in parameter_shapes(c).items():
        noise = torch.randn(shape, generator=gen, dtype=torch.float64)
        if name.endswith("layernorm.weight") or name == "model.norm.weight":
            weights[name] = 1.0 + 0.2 * noise
        elif name.endswith(".bias"):
            weights[name] = 0.1 * noise
        else:
            weights[name] = noise / math.sqrt(shape[-1])  # unit-scale activations keep the goldens well conditioned
    return weights


def storage_round(t, storage):
    """The weight as it will be read back: rounded to the storage dtype, then widened to float64."""
    dtype = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}[storage]
    return t.to(dtype).to(torch.float64)


def tensor_bytes(t, storage):
    dtype = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}[storage]
    as_int = {"F32": torch.int32, "BF16": torch.int16, "F16": torch.int16}[storage]
    return t.to(dtype).contiguous().view(as_int).numpy().astype("<" + {"F32": "i4", "BF16": "i2", "F16": "i2"}[storage]).tobytes()


def write_safetensors(path, tensors, storage):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = tensor_bytes(t, storage)
        header[name] = {"dtype": storage, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":"))
    text += " " * ((8 - len(text.encode()) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text.encode())))
        f.write(text.encode())
        for blob in blobs:
            f.write(blob)


# ---------------------------------------------------------------- reference model (float64)

def inverse_frequencies(c):
    D = head_dim(c)
    inv_freq = 1.0 / (c["rope_theta"] ** (torch.arange(0, D, 2, dtype=torch.float64) / D))
    scaling = c.get("rope_scaling")
    if not scaling:
        return inv_freq
    kind = scaling.get("rope_type", scaling.get("type"))
    if kind == "linear":
        return inv_freq / scaling["factor"]
    if kind == "llama3":
        factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
        old_len = scaling["original_max_position_embeddings"]
        out = []
        for f in inv_freq.tolist():
            wavelen = 2 * math.pi / f
            if wavelen < old_len / high:
                out.append(f)
            elif wavelen > old_len / low:
                out.append(f / factor)
            else:
                smooth = (old_len / wavelen - low) / (high - low)
                out.append((1 - smooth) * f / factor + smooth * f)
        return torch.tensor(out, dtype=torch.float64)
    raise ValueError(kind)


def apply_rope(x, positions, inv_freq):
    """x [B, h, T, D]; rotate the two halves of each head as a complex pair (HF rotate_half)."""
    angles = positions[:, None].to(torch.float64) * inv_freq[None, :]  # [T, D/2]
    cos, sin = torch.cos(angles), torch.sin(angles)
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return torch.cat([a * cos - b * sin, b * cos + a * sin], dim=-1)


def reference_logits(c, w, ids):
    B, T = ids.shape
    C, H, KV, D = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"], head_dim(c)
    eps = c["rms_norm_eps"]

    def norm(x, weight):
        return weight * x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps)

    def proj(x, name):
        y = torch.einsum("btc,oc->bto", x, w[name + ".weight"])
        return y + w[name + ".bias"] if name + ".bias" in w else y

    positions = torch.arange(T)
    inv_freq = inverse_frequencies(c)
    allowed = positions[None, :] <= positions[:, None]  # [T(query), T(key)]
    window = c.get("sliding_window") if c["model_type"] == "mistral" else None
    if window:
        allowed &= positions[:, None] - positions[None, :] < window
    kv_head_of = torch.arange(H) // (H // KV)

    x = w["model.embed_tokens.weight"][ids]  # [B, T, C]
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = norm(x, w[p + "input_layernorm.weight"])
        q = proj(h, p + "self_attn.q_proj").view(B, T, H, D).permute(0, 2, 1, 3)
        k = proj(h, p + "self_attn.k_proj").view(B, T, KV, D).permute(0, 2, 1, 3)
        v = proj(h, p + "self_attn.v_proj").view(B, T, KV, D).permute(0, 2, 1, 3)
        q, k = apply_rope(q, positions, inv_freq), apply_rope(k, positions, inv_freq)
        k, v = k[:, kv_head_of], v[:, kv_head_of]
        scores = torch.einsum("bhqd,bhkd->bhqk", q, k) / math.sqrt(D)
        scores = scores.masked_fill(~allowed, float("-inf"))
        attn = torch.einsum("bhqk,bhkd->bhqd", torch.softmax(scores, dim=-1), v)
        x = x + proj(attn.permute(0, 2, 1, 3).reshape(B, T, H * D), p + "self_attn.o_proj")
        h = norm(x, w[p + "post_attention_layernorm.weight"])
        gate = proj(h, p + "mlp.gate_proj")
        x = x + proj(gate * torch.sigmoid(gate) * proj(h, p + "mlp.up_proj"), p + "mlp.down_proj")
    x = norm(x, w["model.norm.weight"])
    head = w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else w["lm_head.weight"]
    return torch.einsum("btc,vc->btv", x, head)


def next_token_loss(logits, ids):
    V = logits.shape[-1]
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))


def main():
    for index, variant in enumerate(VARIANTS):
        c, name, storage = variant["config"], variant["name"], variant["storage"]
        gen = torch.Generator().manual_seed(1234 + index)
        weights = {k: storage_round(t, storage).requires_grad_(True) for k, t in random_weights(c, gen).items()}
        ids = torch.randint(0, c["vocab_size"], (BATCH, SEQ), generator=gen)

        logits = reference_logits(c, weights, ids)
        loss = next_token_loss(logits, ids)
        loss.backward()

        out = os.path.join(OUT, name)
        os.makedirs(out, exist_ok=True)
        for stale in os.listdir(out):
            os.remove(os.path.join(out, stale))
        config = dict(architectures=[{"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM",
                                       "qwen2": "Qwen2ForCausalLM"}[c["model_type"]]],
                      hidden_act="silu", torch_dtype={"F32": "float32", "BF16": "bfloat16", "F16": "float16"}[storage],
                      **c)
        with open(os.path.join(out, "config.json"), "w") as f:
            json.dump(config, f, indent=2)
        detached = {k: t.detach() for k, t in weights.items()}
        if variant["shards"] == 1:
            write_safetensors(os.path.join(out, "model.safetensors"), detached, storage)
        else:
            names = list(detached)
            per_shard = math.ceil(len(names) / variant["shards"])
            weight_map = {}
            for s in range(variant["shards"]):
                shard = f"model-{s + 1:05d}-of-{variant['shards']:05d}.safetensors"
                part = {k: detached[k] for k in names[s * per_shard:(s + 1) * per_shard]}
                write_safetensors(os.path.join(out, shard), part, storage)
                weight_map.update({k: shard for k in part})
            with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
                json.dump({"metadata": {}, "weight_map": weight_map}, f, indent=2)

        golden = {"logits": logits.detach()}
        golden.update({"grad." + k: t.grad for k, t in weights.items()})
        write_safetensors(os.path.join(out, "golden.safetensors"), golden, "F32")
        with open(os.path.join(out, "golden.json"), "w") as f:
            json.dump({"input_ids": ids.tolist(), "loss": loss.item(),
                       "note": "made by scripts/make-goldens.py (float64 PyTorch reference)"}, f, indent=2)
        print(f"{name}: loss {loss.item():.6f}, {sum(t.numel() for t in weights.values())} parameters")


if __name__ == "__main__":
    main()
