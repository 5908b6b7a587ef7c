#!/usr/bin/python3
"""Tiny random Llama-family checkpoints and PyTorch goldens for bprof's model tests.

Run with Debian's interpreter (python3-torch):  /usr/bin/python3 scripts/make-goldens.py

For each variant it writes, under test/fixtures/models/<name>/:
  config.json                       Hugging Face config
  model.safetensors                 the weights (or shards + model.safetensors.index.json)
  golden.json                       the input ids and the mean next-token cross-entropy loss
  golden.safetensors                "logits" [B, T, V] and "grad.<param>" for every parameter

The reference below is an independent float64 implementation of Hugging Face semantics
(modeling_llama / mistral / qwen2 / qwen3 / gemma2 / gemma3 / phi3), written from the
equations, not from bprof's TypeScript. Safetensors are written by hand (no package).
The newer architectures have vocab_size 260 so that a byte-level tokenizer (259 tokens)
fits them in the profile round-trip tests.
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
    # qwen3: per-head q/k RMSNorm, head_dim 16 != hidden/heads, GQA, untied, bf16 as Qwen ships it
    dict(name="qwen3-qknorm", storage="BF16", shards=1, config=dict(
        model_type="qwen3", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, head_dim=16, vocab_size=260, tie_word_embeddings=False,
        rms_norm_eps=1e-6, rope_theta=1000000.0, max_position_embeddings=256, attention_bias=False,
        use_sliding_window=False, hidden_act="silu")),
    # gemma2: √C embedding scale, (1+w) norms, sandwich norms, GeGLU (gelu tanh), attention and final
    # logit soft-capping small enough to bite, query_pre_attn_scalar != head_dim, even layers slide
    # a window shorter than the sequence, tied head
    dict(name="gemma2-softcap", storage="F32", shards=1, config=dict(
        model_type="gemma2", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, head_dim=16, vocab_size=260, tie_word_embeddings=True,
        rms_norm_eps=1e-6, rope_theta=10000.0, max_position_embeddings=256, query_pre_attn_scalar=24,
        attn_logit_softcapping=2.0, final_logit_softcapping=3.0, sliding_window=3,
        hidden_activation="gelu_pytorch_tanh", hidden_act="gelu_pytorch_tanh")),
    # gemma3 text: Gemma-2 without soft-capping, (1+w) q/k norms, one global layer in
    # sliding_window_pattern, local RoPE base for sliding layers, linear scaling on the global ones
    dict(name="gemma3-local-global", storage="BF16", shards=1, config=dict(
        model_type="gemma3_text", hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=1, head_dim=16, vocab_size=260, tie_word_embeddings=True,
        rms_norm_eps=1e-6, rope_theta=1000000.0, rope_local_base_freq=10.0, max_position_embeddings=256,
        rope_scaling=dict(rope_type="linear", factor=4.0), query_pre_attn_scalar=16, sliding_window=3,
        sliding_window_pattern=2, final_logit_softcapping=None, attn_logit_softcapping=None,
        hidden_activation="gelu_pytorch_tanh")),
    # phi3: fused qkv_proj and gate_up_proj as the checkpoint stores them, GQA, a sliding window, f16
    dict(name="phi3-fused", storage="BF16", shards=1, config=dict(
        model_type="phi3", hidden_size=32, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, vocab_size=260, tie_word_embeddings=False,
        rms_norm_eps=1e-5, rope_theta=10000.0, max_position_embeddings=256, sliding_window=6, hidden_act="silu")),
]

GEMMA = ("gemma2", "gemma3_text")
ARCHITECTURE_CLASS = {"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "qwen2": "Qwen2ForCausalLM",
                      "qwen3": "Qwen3ForCausalLM", "gemma2": "Gemma2ForCausalLM", "gemma3_text": "Gemma3ForCausalLM",
                      "phi3": "Phi3ForCausalLM"}

BATCH, SEQ = 2, 8


def head_dim(c):
    return c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]


def parameter_shapes(c):
    C, F, V = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    H, KV, D = c["num_attention_heads"], c["num_key_value_heads"], head_dim(c)
    t = c["model_type"]
    qkv_bias = t == "qwen2" or (t != "phi3" and c.get("attention_bias", False))
    o_bias = t != "phi3" and c.get("attention_bias", False)
    mlp_bias = t == "llama" and c.get("mlp_bias", False)
    shapes = {"model.embed_tokens.weight": (V, C)}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (C,)
        if t == "phi3":
            shapes[p + "self_attn.qkv_proj.weight"] = ((H + 2 * KV) * D, C)
        else:
            for proj, rows in (("q", H * D), ("k", KV * D), ("v", KV * D)):
                shapes[p + f"self_attn.{proj}_proj.weight"] = (rows, C)
                if qkv_bias:
                    shapes[p + f"self_attn.{proj}_proj.bias"] = (rows,)
        shapes[p + "self_attn.o_proj.weight"] = (C, H * D)
        if o_bias:
            shapes[p + "self_attn.o_proj.bias"] = (C,)
        if t in ("qwen3", "gemma3_text"):
            shapes[p + "self_attn.q_norm.weight"] = (D,)
            shapes[p + "self_attn.k_norm.weight"] = (D,)
        shapes[p + "post_attention_layernorm.weight"] = (C,)
        if t in GEMMA:
            shapes[p + "pre_feedforward_layernorm.weight"] = (C,)
            shapes[p + "post_feedforward_layernorm.weight"] = (C,)
        if t == "phi3":
            shapes[p + "mlp.gate_up_proj.weight"] = (2 * F, C)
        else:
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
        if name.endswith("norm.weight"):
            # Gemma scales by (1 + w): weights near 0 there give the same near-unit scale
            weights[name] = (0.0 if c["model_type"] in GEMMA else 1.0) + 0.2 * noise
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

def inverse_frequencies(c, local=False):
    """Gemma-3's sliding layers (local) rotate with rope_local_base_freq and no scaling."""
    D = head_dim(c)
    base = c["rope_local_base_freq"] if local else c["rope_theta"]
    inv_freq = 1.0 / (base ** (torch.arange(0, D, 2, dtype=torch.float64) / D))
    scaling = None if local else c.get("rope_scaling")
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


def sliding_layers(c):
    """Which layers attend within the sliding window only."""
    t, L = c["model_type"], c["num_hidden_layers"]
    if t in ("mistral", "phi3"):
        return [bool(c.get("sliding_window"))] * L
    if t == "gemma2":  # HF Gemma2: layer i slides when i is even
        return [i % 2 == 0 for i in range(L)]
    if t == "gemma3_text":  # HF Gemma3: every sliding_window_pattern-th layer is global
        return [(i + 1) % c["sliding_window_pattern"] != 0 for i in range(L)]
    return [False] * L


def gelu_tanh(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def reference_logits(c, w, ids):
    B, T = ids.shape
    t = c["model_type"]
    C, H, KV, D, F = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"], head_dim(c), c["intermediate_size"]
    eps = c["rms_norm_eps"]
    gemma = t in GEMMA

    def norm(x, weight):
        scale = (1.0 + weight) if gemma else weight
        return scale * x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps)

    def proj(x, name):
        y = torch.einsum("btc,oc->bto", x, w[name + ".weight"])
        return y + w[name + ".bias"] if name + ".bias" in w else y

    positions = torch.arange(T)
    causal = positions[None, :] <= positions[:, None]  # [T(query), T(key)]
    window = c.get("sliding_window")
    windowed = causal & (positions[:, None] - positions[None, :] < window) if window else causal
    slides = sliding_layers(c)
    kv_head_of = torch.arange(H) // (H // KV)
    scaling = c["query_pre_attn_scalar"] ** -0.5 if gemma else 1.0 / math.sqrt(D)

    x = w["model.embed_tokens.weight"][ids]  # [B, T, C]
    if gemma:
        x = x * math.sqrt(C)
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        inv_freq = inverse_frequencies(c, local=t == "gemma3_text" and slides[i])
        h = norm(x, w[p + "input_layernorm.weight"])
        if t == "phi3":
            qkv = proj(h, p + "self_attn.qkv_proj")
            q, k, v = qkv[..., :H * D], qkv[..., H * D:(H + KV) * D], qkv[..., (H + KV) * D:]
        else:
            q, k, v = proj(h, p + "self_attn.q_proj"), proj(h, p + "self_attn.k_proj"), proj(h, p + "self_attn.v_proj")
        q = q.view(B, T, H, D)
        k = k.view(B, T, KV, D)
        if p + "self_attn.q_norm.weight" in w:
            q, k = norm(q, w[p + "self_attn.q_norm.weight"]), norm(k, w[p + "self_attn.k_norm.weight"])
        q, k, v = q.permute(0, 2, 1, 3), k.permute(0, 2, 1, 3), v.view(B, T, KV, D).permute(0, 2, 1, 3)
        q, k = apply_rope(q, positions, inv_freq), apply_rope(k, positions, inv_freq)
        k, v = k[:, kv_head_of], v[:, kv_head_of]
        scores = torch.einsum("bhqd,bhkd->bhqk", q, k) * scaling
        if c.get("attn_logit_softcapping"):
            cap = c["attn_logit_softcapping"]
            scores = cap * torch.tanh(scores / cap)
        scores = scores.masked_fill(~(windowed if slides[i] else causal), float("-inf"))
        attn = torch.einsum("bhqk,bhkd->bhqd", torch.softmax(scores, dim=-1), v)
        out = proj(attn.permute(0, 2, 1, 3).reshape(B, T, H * D), p + "self_attn.o_proj")
        if gemma:
            x = x + norm(out, w[p + "post_attention_layernorm.weight"])
            h = norm(x, w[p + "pre_feedforward_layernorm.weight"])
        else:
            x = x + out
            h = norm(x, w[p + "post_attention_layernorm.weight"])
        if t == "phi3":
            gate_up = proj(h, p + "mlp.gate_up_proj")
            gate, up = gate_up[..., :F], gate_up[..., F:]
        else:
            gate, up = proj(h, p + "mlp.gate_proj"), proj(h, p + "mlp.up_proj")
        act = gelu_tanh(gate) if gemma else gate * torch.sigmoid(gate)
        mlp = proj(act * up, p + "mlp.down_proj")
        x = x + (norm(mlp, w[p + "post_feedforward_layernorm.weight"]) if gemma else mlp)
    x = norm(x, w["model.norm.weight"])
    head = w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else w["lm_head.weight"]
    logits = torch.einsum("btc,vc->btv", x, head)
    if c.get("final_logit_softcapping"):
        cap = c["final_logit_softcapping"]
        logits = cap * torch.tanh(logits / cap)
    return logits


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
        config = dict(architectures=[ARCHITECTURE_CLASS[c["model_type"]]],
                      hidden_act="silu", torch_dtype={"F32": "float32", "BF16": "bfloat16", "F16": "float16"}[storage])
        config.update(c)
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
