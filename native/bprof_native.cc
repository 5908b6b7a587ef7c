// The thin native binding to libtorch: tensor handles, the ops a decoder forward and backward
// need, autograd, in-place flat writes. It knows nothing about models; src/engine/ is its
// TypeScript face and the only caller.
//
// A tensor handle is a JS number naming a slot in a native table that holds one reference to
// an at::Tensor; dispose() drops the reference at once (deterministic release from scopes).
// A slot table rather than one Napi::External per tensor: externals leave a small native
// allocation per tensor alive until V8 collects it, and those fragment glibc's heap between
// the large activation buffers so that RSS climbs until the next major GC.
// The handle carries the slot's generation, so a handle used after dispose is caught even
// when the slot has been reused.
//
// Every op runs inside guarded(): libtorch's c10::Error and other std::exceptions become JS
// Errors that start with the op name, so a bad shape never takes the process down.

#include <napi.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <c10/core/impl/DeviceGuardImplInterface.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/version.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#ifndef BPROF_LIBTORCH_PATH
#define BPROF_LIBTORCH_PATH ""
#endif

namespace {

struct Slot {
  at::Tensor tensor;
  uint32_t generation = 0;
  int64_t reportedBytes = 0;
};

// handle = generation * kSlotCount + index, exact in a JS number (< 2^53).
constexpr uint64_t kSlotCount = uint64_t{1} << 24;
constexpr uint32_t kGenerationLimit = uint32_t{1} << 28;

std::vector<Slot> slots;
std::vector<uint32_t> freeSlots;
int64_t liveTensors = 0;

// Only fresh allocations of at least this size are reported to V8: views and small tensors
// would only add noise to its GC heuristics.
constexpr int64_t kReportThresholdBytes = 64 * 1024;

// Codes shared with src/engine/native.ts.
enum DTypeCode { kF32 = 0, kBF16 = 1, kF16 = 2, kI64 = 3, kBool = 4, kI32 = 5 };

at::ScalarType scalarTypeOf(int64_t code) {
  switch (code) {
    case kF32: return at::kFloat;
    case kBF16: return at::kBFloat16;
    case kF16: return at::kHalf;
    case kI64: return at::kLong;
    case kBool: return at::kBool;
    case kI32: return at::kInt;
  }
  throw std::invalid_argument("unknown dtype code " + std::to_string(code));
}

int64_t codeOf(at::ScalarType type) {
  switch (type) {
    case at::kFloat: return kF32;
    case at::kBFloat16: return kBF16;
    case at::kHalf: return kF16;
    case at::kLong: return kI64;
    case at::kBool: return kBool;
    case at::kInt: return kI32;
    default: throw std::invalid_argument(std::string("unsupported dtype ") + c10::toString(type));
  }
}

Napi::Value wrap(Napi::Env env, at::Tensor tensor) {
  uint32_t index;
  if (!freeSlots.empty()) {
    index = freeSlots.back();
    freeSlots.pop_back();
  } else {
    if (slots.size() >= kSlotCount) throw std::runtime_error("more than 2^24 live tensors");
    index = static_cast<uint32_t>(slots.size());
    slots.emplace_back();
  }
  Slot& slot = slots[index];
  slot.tensor = std::move(tensor);
  slot.generation = (slot.generation + 1) % kGenerationLimit;
  slot.reportedBytes = 0;
  liveTensors++;
  const at::Tensor& t = slot.tensor;
  if (t.has_storage() && t.storage().use_count() == 1) {
    const int64_t bytes = static_cast<int64_t>(t.storage().nbytes());
    if (bytes >= kReportThresholdBytes) {
      slot.reportedBytes = bytes;
      Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
    }
  }
  return Napi::Number::New(env, static_cast<double>(slot.generation * kSlotCount + index));
}

// The slot a handle names, or null when the handle is stale (disposed) or malformed.
Slot* slotOf(const Napi::Value& handle) {
  const double value = handle.As<Napi::Number>().DoubleValue();
  if (!(value >= 0)) return nullptr;
  const auto raw = static_cast<uint64_t>(value);
  const uint64_t index = raw % kSlotCount;
  if (index >= slots.size()) return nullptr;
  Slot& slot = slots[index];
  if (!slot.tensor.defined() || slot.generation != raw / kSlotCount) return nullptr;
  return &slot;
}

const at::Tensor& tensorOf(const Napi::Value& handle) {
  Slot* slot = slotOf(handle);
  if (slot == nullptr) throw std::invalid_argument("tensor was disposed");
  return slot->tensor;
}

Napi::Value wrapPair(Napi::Env env, const std::tuple<at::Tensor, at::Tensor>& pair) {
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, wrap(env, std::get<0>(pair)));
  out.Set(1u, wrap(env, std::get<1>(pair)));
  return out;
}

const at::Tensor& tensorArg(const Napi::CallbackInfo& info, size_t i) { return tensorOf(info[i]); }

bool isAbsent(const Napi::Value& v) { return v.IsUndefined() || v.IsNull(); }

c10::optional<at::Tensor> optionalTensorArg(const Napi::CallbackInfo& info, size_t i) {
  if (isAbsent(info[i])) return c10::nullopt;
  return tensorArg(info, i);
}

int64_t intArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().Int64Value(); }
double numberArg(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }
bool boolArg(const Napi::CallbackInfo& info, size_t i) { return info[i].ToBoolean().Value(); }

std::vector<int64_t> intsArg(const Napi::CallbackInfo& info, size_t i) {
  Napi::Array array = info[i].As<Napi::Array>();
  std::vector<int64_t> out(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) out[k] = array.Get(k).As<Napi::Number>().Int64Value();
  return out;
}

std::vector<at::Tensor> tensorsArg(const Napi::CallbackInfo& info, size_t i) {
  Napi::Array array = info[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(array.Length());
  for (uint32_t k = 0; k < array.Length(); k++) out.push_back(tensorOf(array.Get(k)));
  return out;
}

// Device as a string ("cpu", "cuda", "cuda:1"); absent means cpu.
c10::Device deviceArg(const Napi::CallbackInfo& info, size_t i) {
  if (isAbsent(info[i])) return c10::Device(c10::kCPU);
  return c10::Device(info[i].As<Napi::String>().Utf8Value());
}

at::TensorOptions optionsArg(const Napi::CallbackInfo& info, size_t dtypeIndex, size_t deviceIndex) {
  return at::TensorOptions().dtype(scalarTypeOf(intArg(info, dtypeIndex))).device(deviceArg(info, deviceIndex));
}


std::string deviceString(const at::Tensor& t) { return t.device().str(); }

template <typename Body>
Napi::Value guarded(const Napi::CallbackInfo& info, const char* op, Body&& body) {
  try {
    return body();
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), std::string(op) + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), std::string(op) + ": " + e.what());
  }
}

#define OP(name) OP_NAMED(name, #name)
#define OP_NAMED(name, label)                                              \
  Napi::Value name(const Napi::CallbackInfo& info) {                       \
    return guarded(info, label, [&]() -> Napi::Value {                     \
      Napi::Env env = info.Env();                                          \
      (void)env;
#define END \
  });       \
  }

// ---------------------------------------------------------------------------------------------
// Creation and read-back

// fromBuffer(typedArray, sourceDtype, shape, targetDtype, device, requiresGrad): one copy
// (plus the dtype conversion / device transfer, fused into it by copy semantics of .to()).
OP(fromBuffer)
  Napi::TypedArray array = info[0].As<Napi::TypedArray>();
  const at::ScalarType source = scalarTypeOf(intArg(info, 1));
  const std::vector<int64_t> shape = intsArg(info, 2);
  const at::ScalarType target = scalarTypeOf(intArg(info, 3));
  const c10::Device device = deviceArg(info, 4);
  int64_t numel = 1;
  for (int64_t d : shape) numel *= d;
  const size_t bytes = array.ByteLength();
  if (static_cast<size_t>(numel) * c10::elementSize(source) != bytes) {
    throw std::invalid_argument("data has " + std::to_string(bytes) + " bytes, shape " + c10::str(c10::IntArrayRef(shape)) +
                                " of " + c10::toString(source) + " needs " +
                                std::to_string(numel * c10::elementSize(source)));
  }
  auto* data = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  at::Tensor view = at::from_blob(data, shape, at::TensorOptions().dtype(source));
  at::Tensor out = (source == target && device.is_cpu()) ? view.clone() : view.to(device, target, false, true);
  if (boolArg(info, 5)) out.requires_grad_(true);
  return wrap(env, out);
END

OP(zeros)
  return wrap(env, at::zeros(intsArg(info, 0), optionsArg(info, 1, 2)));
END

OP(full)
  return wrap(env, at::full(intsArg(info, 0), numberArg(info, 1), optionsArg(info, 2, 3)));
END

OP(arange)
  return wrap(env, at::arange(numberArg(info, 0), optionsArg(info, 1, 2)));
END

// randn(shape, seed | null, dtype, device): with a seed, drawn on the CPU from a private
// generator so the same seed gives the same numbers on every device.
OP(randn)
  const std::vector<int64_t> shape = intsArg(info, 0);
  const at::TensorOptions options = optionsArg(info, 2, 3);
  if (isAbsent(info[1])) return wrap(env, at::randn(shape, options));
  at::Generator generator = at::detail::createCPUGenerator(static_cast<uint64_t>(intArg(info, 1)));
  at::Tensor cpu = at::randn(shape, generator, at::TensorOptions().dtype(at::kFloat));
  return wrap(env, cpu.to(options.device(), options.dtype().toScalarType()));
END

OP(cat)
  return wrap(env, at::cat(tensorsArg(info, 0), intArg(info, 1)));
END

OP(stack)
  return wrap(env, at::stack(tensorsArg(info, 0), intArg(info, 1)));
END

// Copies t into fresh JS memory of the given dtype: the conversion and the device transfer
// happen in the one copy_ into a blob over the JS buffer.
void copyInto(void* data, const at::Tensor& t, at::ScalarType type) {
  if (t.numel() == 0) return;
  at::from_blob(data, t.sizes(), at::TensorOptions().dtype(type)).copy_(t.detach());
}

OP(toFloat32)
  const at::Tensor& t = tensorArg(info, 0);
  Napi::Float32Array out = Napi::Float32Array::New(env, t.numel());
  copyInto(out.Data(), t, at::kFloat);
  return out;
END

OP(toInt64)
  const at::Tensor& t = tensorArg(info, 0);
  auto out = Napi::TypedArrayOf<int64_t>::New(env, t.numel(), napi_bigint64_array);
  copyInto(out.Data(), t, at::kLong);
  return out;
END

OP(toBytes)
  const at::Tensor& t = tensorArg(info, 0);
  Napi::Uint8Array out = Napi::Uint8Array::New(env, t.numel() * t.element_size());
  copyInto(out.Data(), t, t.scalar_type());
  return out;
END

OP(item)
  return Napi::Number::New(env, tensorArg(info, 0).item<double>());
END

// ---------------------------------------------------------------------------------------------
// Metadata and lifetime

OP(shape)
  const at::Tensor& t = tensorArg(info, 0);
  Napi::Array out = Napi::Array::New(env, t.dim());
  for (int64_t d = 0; d < t.dim(); d++) out.Set(static_cast<uint32_t>(d), Napi::Number::New(env, t.size(d)));
  return out;
END

OP(dtype)
  return Napi::Number::New(env, codeOf(tensorArg(info, 0).scalar_type()));
END

OP(device)
  return Napi::String::New(env, deviceString(tensorArg(info, 0)));
END

OP(byteSize)
  const at::Tensor& t = tensorArg(info, 0);
  return Napi::Number::New(env, static_cast<double>(t.numel() * t.element_size()));
END

OP(isContiguous)
  return Napi::Boolean::New(env, tensorArg(info, 0).is_contiguous());
END

// Drops this handle's reference now; the storage is freed when no other tensor shares it.
// Disposing twice is a no-op (the generation no longer matches).
OP(dispose)
  Slot* slot = slotOf(info[0]);
  if (slot == nullptr) return env.Undefined();
  slot->tensor.reset();
  if (slot->reportedBytes != 0) Napi::MemoryManagement::AdjustExternalMemory(env, -slot->reportedBytes);
  slot->reportedBytes = 0;
  freeSlots.push_back(static_cast<uint32_t>(slot - slots.data()));
  liveTensors--;
  return env.Undefined();
END

OP(liveTensorCount)
  return Napi::Number::New(env, static_cast<double>(liveTensors));
END

// ---------------------------------------------------------------------------------------------
// Elementwise

#define UNARY(name, expr)                  \
  OP(name)                                 \
    const at::Tensor& a = tensorArg(info, 0); \
    return wrap(env, expr);                \
  END

UNARY(neg, at::neg(a))
UNARY(exp, at::exp(a))
UNARY(log, at::log(a))
UNARY(sqrt, at::sqrt(a))
UNARY(rsqrt, at::rsqrt(a))
UNARY(abs, at::abs(a))
UNARY(square, at::square(a))
UNARY(sin, at::sin(a))
UNARY(cos, at::cos(a))
UNARY(silu, at::silu(a))
UNARY(sigmoid, at::sigmoid(a))
UNARY(tanh, at::tanh(a))
UNARY(logicalNot, at::logical_not(a))
UNARY(contiguous, a.contiguous())
UNARY(clone, a.clone())
UNARY(detach, a.detach())
UNARY(flatten, a.flatten())

// Binary ops come in pairs: name(a, b) with two handles, nameScalar(a, s) with a JS number
// (handles are numbers too, so the two cannot share one entry point).
#define BINARY(name, fn)                                               \
  OP(name)                                                             \
    return wrap(env, fn(tensorArg(info, 0), tensorArg(info, 1)));      \
  END                                                                  \
  OP_NAMED(name##Scalar, #name)                                        \
    return wrap(env, fn(tensorArg(info, 0), at::Scalar(numberArg(info, 1)))); \
  END

BINARY(add, at::add)
BINARY(sub, at::sub)
BINARY(mul, at::mul)
BINARY(div, at::div)
BINARY(eq, at::eq)
BINARY(ne, at::ne)
BINARY(lt, at::lt)
BINARY(gt, at::gt)
BINARY(ge, at::ge)
BINARY(le, at::le)
BINARY(pow, at::pow)

OP(logicalAnd)
  return wrap(env, at::logical_and(tensorArg(info, 0), tensorArg(info, 1)));
END

OP(maximum)
  return wrap(env, at::maximum(tensorArg(info, 0), tensorArg(info, 1)));
END

OP(minimum)
  return wrap(env, at::minimum(tensorArg(info, 0), tensorArg(info, 1)));
END

// clamp(t, min | null, max | null)
OP(clamp)
  c10::optional<at::Scalar> lo, hi;
  if (!isAbsent(info[1])) lo = at::Scalar(numberArg(info, 1));
  if (!isAbsent(info[2])) hi = at::Scalar(numberArg(info, 2));
  return wrap(env, at::clamp(tensorArg(info, 0), lo, hi));
END

// where(cond, a, b): cond ? a : b
OP(where)
  return wrap(env, at::where(tensorArg(info, 0), tensorArg(info, 1), tensorArg(info, 2)));
END

OP(maskedFill)
  return wrap(env, at::masked_fill(tensorArg(info, 0), tensorArg(info, 1), at::Scalar(numberArg(info, 2))));
END

OP(triu)
  return wrap(env, at::triu(tensorArg(info, 0), intArg(info, 1)));
END

OP(tril)
  return wrap(env, at::tril(tensorArg(info, 0), intArg(info, 1)));
END

// ---------------------------------------------------------------------------------------------
// Reductions: dims null means all dimensions.

OP(sum)
  const at::Tensor& a = tensorArg(info, 0);
  if (isAbsent(info[1])) return wrap(env, at::sum(a));
  return wrap(env, at::sum(a, intsArg(info, 1), boolArg(info, 2)));
END

OP(mean)
  const at::Tensor& a = tensorArg(info, 0);
  if (isAbsent(info[1])) return wrap(env, at::mean(a));
  return wrap(env, at::mean(a, intsArg(info, 1), boolArg(info, 2)));
END

OP(max)
  return wrapPair(env, at::max(tensorArg(info, 0), intArg(info, 1), boolArg(info, 2)));
END

OP(argmax)
  return wrap(env, at::argmax(tensorArg(info, 0), intArg(info, 1), boolArg(info, 2)));
END

OP(softmax)
  return wrap(env, at::softmax(tensorArg(info, 0), intArg(info, 1)));
END

OP(logSoftmax)
  return wrap(env, at::log_softmax(tensorArg(info, 0), intArg(info, 1)));
END

OP(cumsum)
  return wrap(env, at::cumsum(tensorArg(info, 0), intArg(info, 1)));
END

// ---------------------------------------------------------------------------------------------
// Linear algebra and fused model ops

OP(matmul)
  return wrap(env, at::matmul(tensorArg(info, 0), tensorArg(info, 1)));
END

// linear(x, weight [out, in], bias | null) = x @ weight^T + bias
OP(linear)
  return wrap(env, at::linear(tensorArg(info, 0), tensorArg(info, 1), optionalTensorArg(info, 2)));
END

// rmsNorm(x, weight, eps) as in HF LlamaRMSNorm: normalise in f32, cast back, then scale.
OP(rmsNorm)
  const at::Tensor& x = tensorArg(info, 0);
  const at::Tensor& weight = tensorArg(info, 1);
  const double eps = numberArg(info, 2);
  at::Tensor xf = x.to(at::kFloat);
  at::Tensor normed = xf * at::rsqrt(xf.square().mean({-1}, true) + eps);
  return wrap(env, weight * normed.to(x.scalar_type()));
END

// crossEntropy(logits [N, V], targets [N] i64, ignoreIndex, reduction: 0 none, 1 mean, 2 sum)
OP(crossEntropy)
  return wrap(env, at::cross_entropy_loss(tensorArg(info, 0), tensorArg(info, 1), c10::nullopt, intArg(info, 3),
                                          intArg(info, 2), 0.0));
END

// The lowest finite value of a floating dtype: masked scores get it rather than -inf, so a
// fully masked (padding) row gives finite outputs and finite gradients instead of NaN.
double lowestOf(at::ScalarType type) {
  return type == at::kHalf ? -65504.0
         : type == at::kBFloat16 ? -3.3895313892515355e38
         : static_cast<double>(std::numeric_limits<float>::lowest());
}

// Causal self-attention over one block of T queries and T keys, as one autograd node:
//   P = softmax(q kᵀ · scale, causal), out = P v
// forward: one batched GEMM, the upper triangle filled in place, softmax, one batched GEMM;
// backward: the four GEMMs of the chain rule around softmax's own backward. Against matmul +
// masked_fill + softmax + matmul under autograd this saves the out-of-place masked_fill and
// its backward (full [B·H, T, T] passes), the contiguous copies matmul makes of q and k, and
// autograd's bookkeeping; it keeps the same saved tensors (q·scale, k, v, P).
struct CausalAttention : public torch::autograd::Function<CausalAttention> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                            double scale) {
    const int64_t B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3);
    // The scale goes on q ([B·H, T, D], smaller than the scores when T > D). Not baddbmm's
    // alpha with beta 0 over an empty tensor: libtorch 1.13's kernel for small matrices reads
    // the empty contents even then (NaN from uninitialised memory).
    at::Tensor scaledQ = q.reshape({B * H, T, D}).mul(scale);
    at::Tensor kc = k.reshape({B * H, T, D});  // views when k, v are contiguous
    at::Tensor vc = v.reshape({B * H, T, D});
    at::Tensor scores = at::bmm(scaledQ, kc.transpose(1, 2));  // [B·H, T, T]
    scores.masked_fill_(at::ones({T, T}, q.options().dtype(at::kBool)).triu(1), lowestOf(q.scalar_type()));
    at::Tensor probs = at::_softmax(scores, -1, false);
    ctx->save_for_backward({scaledQ, kc, vc, probs});
    ctx->saved_data["scale"] = scale;
    return at::bmm(probs, vc).view({B, H, T, D});
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &scaledQ = saved[0], &kc = saved[1], &vc = saved[2], &probs = saved[3];
    const double scale = ctx->saved_data["scale"].toDouble();
    const at::Tensor& out = grads[0];  // [B, H, T, D]
    at::Tensor g = out.reshape(scaledQ.sizes());
    at::Tensor gradV = at::bmm(probs.transpose(1, 2), g);
    at::Tensor gradScores = at::_softmax_backward_data(at::bmm(g, vc.transpose(1, 2)), probs, -1, probs.scalar_type());
    at::Tensor gradQ = at::bmm(gradScores, kc).mul_(scale);
    at::Tensor gradK = at::bmm(gradScores.transpose(1, 2), scaledQ);
    return {gradQ.view(out.sizes()), gradK.view(out.sizes()), gradV.view(out.sizes()), at::Tensor()};
  }
};

// scaledDotProductAttention(q [B, H, T, D], k [B, H, S, D], v [B, H, S, D], mask | null,
// isCausal, scale | null) → [B, H, T, D]. A bool mask is true where attention is allowed, a
// float mask is added to the scores; isCausal aligns the triangle top-left as torch does.
// Masked scores get the dtype's lowest finite value (lowestOf). Plain causal attention over
// T = S (every training and scoring forward without a cache) takes the fused CausalAttention,
// unless libtorch has its own fused kernels (2.1+: flash / memory-efficient attention).
OP(scaledDotProductAttention)
  const at::Tensor& q = tensorArg(info, 0);
  const at::Tensor& k = tensorArg(info, 1);
  const at::Tensor& v = tensorArg(info, 2);
  const c10::optional<at::Tensor> mask = optionalTensorArg(info, 3);
  const bool isCausal = boolArg(info, 4);
  const double scale = isAbsent(info[5]) ? 1.0 / std::sqrt(static_cast<double>(q.size(-1))) : numberArg(info, 5);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
  if (!mask.has_value()) return wrap(env, at::scaled_dot_product_attention(q, k, v, c10::nullopt, 0.0, isCausal, scale));
#else
  if (!mask.has_value() && isCausal && q.dim() == 4 && k.sizes() == q.sizes() && v.sizes() == q.sizes()) {
    return wrap(env, CausalAttention::apply(q, k, v, scale));
  }
#endif
  at::Tensor scores = at::matmul(q * scale, k.transpose(-2, -1));  // [B, H, T, S]
  const double lowest = lowestOf(scores.scalar_type());
  if (isCausal) {
    at::Tensor allowed = at::ones({q.size(-2), k.size(-2)}, q.options().dtype(at::kBool)).tril();
    scores = scores.masked_fill(allowed.logical_not(), lowest);
  }
  if (mask.has_value()) {
    scores = mask->scalar_type() == at::kBool ? scores.masked_fill(mask->logical_not(), lowest) : scores + *mask;
  }
  return wrap(env, at::matmul(at::softmax(scores, -1), v));
END

// Rotary position embedding (rotate-half convention) fused with the head split, as one
// autograd node: x [B, T, h·D] (a q or k projection) → [B, h, T, D], contiguous, ready for
// the attention GEMMs. With x = [a, b] per head (halves of D/2) and the tables
// cos, sin [B|1, T, D/2] (one half; HF repeats it):
//   out = [a·cos − b·sin, b·cos + a·sin]
// The composition in TypeScript (narrow, neg, cat, two muls, add, then a transpose copy for
// the GEMM) made six tensors of x's size; this writes the output once, in its final layout.
// The gradient is the inverse rotation: [ga·cos + gb·sin, gb·cos − ga·sin].
void rotateHalves(at::Tensor out, const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin, double sign) {
  const int64_t half = x.size(-1) / 2;
  at::Tensor a = x.narrow(-1, 0, half), b = x.narrow(-1, half, half);
  at::Tensor outA = out.narrow(-1, 0, half), outB = out.narrow(-1, half, half);
  at::mul_out(outA, a, cos).addcmul_(b, sin, -sign);
  at::mul_out(outB, b, cos).addcmul_(a, sin, sign);
}

struct Rope : public torch::autograd::Function<Rope> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin,
                            int64_t heads) {
    const int64_t B = x.size(0), T = x.size(1), D = x.size(2) / heads;
    at::Tensor out = at::empty({B, heads, T, D}, x.options());
    // Tables [B|1, T, D/2] → [B|1, T, 1, D/2], broadcast over heads.
    rotateHalves(out.permute({0, 2, 1, 3}), x.view({B, T, heads, D}), cos.unsqueeze(2), sin.unsqueeze(2), 1.0);
    ctx->save_for_backward({cos, sin});
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& g = grads[0];  // [B, h, T, D]
    const int64_t B = g.size(0), heads = g.size(1), T = g.size(2), D = g.size(3);
    at::Tensor gradX = at::empty({B, T, heads, D}, g.options());
    rotateHalves(gradX, g.permute({0, 2, 1, 3}), saved[0].unsqueeze(2), saved[1].unsqueeze(2), -1.0);
    return {gradX.view({B, T, heads * D}), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

// rope(x [B, T, h·D], cos [B|1, T, D/2], sin [B|1, T, D/2], h) → [B, h, T, D]
OP(rope)
  const at::Tensor& x = tensorArg(info, 0);
  const int64_t heads = intArg(info, 3);
  if (x.dim() != 3 || x.size(2) % (2 * heads) != 0) {
    throw std::invalid_argument("x must be [B, T, h·D] with an even head size D, got " + c10::str(x.sizes()) + " for " +
                                std::to_string(heads) + " heads");
  }
  return wrap(env, Rope::apply(x.contiguous(), tensorArg(info, 1), tensorArg(info, 2), heads));
END

// ---------------------------------------------------------------------------------------------
// Shape

OP(reshape)
  return wrap(env, tensorArg(info, 0).reshape(intsArg(info, 1)));
END

OP(transpose)
  return wrap(env, tensorArg(info, 0).transpose(intArg(info, 1), intArg(info, 2)));
END

OP(permute)
  return wrap(env, tensorArg(info, 0).permute(intsArg(info, 1)));
END

OP(narrow)
  return wrap(env, tensorArg(info, 0).narrow(intArg(info, 1), intArg(info, 2), intArg(info, 3)));
END

OP(unsqueeze)
  return wrap(env, tensorArg(info, 0).unsqueeze(intArg(info, 1)));
END

// squeeze(t, dim | null): null squeezes every size-1 dimension.
OP(squeeze)
  const at::Tensor& a = tensorArg(info, 0);
  return wrap(env, isAbsent(info[1]) ? a.squeeze() : a.squeeze(intArg(info, 1)));
END

OP(expand)
  return wrap(env, tensorArg(info, 0).expand(intsArg(info, 1)));
END

OP(repeatInterleave)
  return wrap(env, tensorArg(info, 0).repeat_interleave(intArg(info, 1), intArg(info, 2)));
END

// ---------------------------------------------------------------------------------------------
// Indexing

// embedding(weight [V, C], ids i64 [...]) → [..., C]
OP(embedding)
  return wrap(env, at::embedding(tensorArg(info, 0), tensorArg(info, 1)));
END

OP(gather)
  return wrap(env, at::gather(tensorArg(info, 0), intArg(info, 1), tensorArg(info, 2)));
END

OP(indexSelect)
  return wrap(env, at::index_select(tensorArg(info, 0), intArg(info, 1), tensorArg(info, 2)));
END

// topk(t, k, dim, largest, sorted) → [values, indices]
OP(topk)
  return wrapPair(env, at::topk(tensorArg(info, 0), intArg(info, 1), intArg(info, 2), boolArg(info, 3), boolArg(info, 4)));
END

// sort(t, dim, descending, stable) → [values, indices]
OP(sort)
  return wrapPair(env, at::sort(tensorArg(info, 0), c10::optional<bool>(boolArg(info, 3)), intArg(info, 1), boolArg(info, 2)));
END

// ---------------------------------------------------------------------------------------------
// dtype / device

// to(t, dtype code | null, device | null)
OP(to)
  const at::Tensor& a = tensorArg(info, 0);
  const at::ScalarType type = isAbsent(info[1]) ? a.scalar_type() : scalarTypeOf(intArg(info, 1));
  const c10::Device device = isAbsent(info[2]) ? a.device() : deviceArg(info, 2);
  return wrap(env, a.to(device, type));
END

// ---------------------------------------------------------------------------------------------
// Autograd

OP(requiresGrad)
  return Napi::Boolean::New(env, tensorArg(info, 0).requires_grad());
END

OP(setRequiresGrad)
  const at::Tensor& a = tensorArg(info, 0);
  a.requires_grad_(boolArg(info, 1));
  return env.Undefined();
END

// backward(t, gradient | null, retainGraph)
OP(backward)
  const at::Tensor& a = tensorArg(info, 0);
  const c10::optional<at::Tensor> gradient = optionalTensorArg(info, 1);
  a.backward(gradient.value_or(at::Tensor()), c10::optional<bool>(boolArg(info, 2)), false);
  return env.Undefined();
END

// grad(t) → a handle sharing the gradient's storage, or null when there is none.
OP(grad)
  const at::Tensor& g = tensorArg(info, 0).grad();
  if (!g.defined()) return env.Null();
  return wrap(env, g);
END

// zeroGrad(t): the gradient becomes None (as optimizer.zero_grad(set_to_none=True)).
OP(zeroGrad)
  tensorArg(info, 0).mutable_grad().reset();
  return env.Undefined();
END

OP(setGradEnabled)
  const bool previous = c10::GradMode::is_enabled();
  c10::GradMode::set_enabled(boolArg(info, 0));
  return Napi::Boolean::New(env, previous);
END

OP(isGradEnabled)
  return Napi::Boolean::New(env, c10::GradMode::is_enabled());
END

// ---------------------------------------------------------------------------------------------
// In place, outside autograd: ablation, exact restore, optimizer updates. They write through
// a detached alias, so they work on leaf parameters that require grad.

at::Tensor flatAlias(const at::Tensor& t) {
  if (!t.is_contiguous()) throw std::invalid_argument("flat access needs a contiguous tensor");
  return t.detach().view({-1});
}

at::Tensor indicesArg(const Napi::CallbackInfo& info, size_t i, const c10::Device& device) {
  auto array = info[i].As<Napi::TypedArrayOf<int64_t>>();
  at::Tensor blob = at::from_blob(array.Data(), {static_cast<int64_t>(array.ElementLength())}, at::kLong);
  return device.is_cpu() ? blob : blob.to(device);
}

// getFlat(t, BigInt64Array) → Float32Array of t.view(-1)[indices]
OP(getFlat)
  const at::Tensor& t = tensorArg(info, 0);
  c10::NoGradGuard noGrad;
  at::Tensor picked = flatAlias(t).index_select(0, indicesArg(info, 1, t.device()));
  Napi::Float32Array out = Napi::Float32Array::New(env, picked.numel());
  copyInto(out.Data(), picked, at::kFloat);
  return out;
END

// setFlat(t, BigInt64Array, Float32Array | number): t.view(-1)[indices] = values
OP(setFlat)
  const at::Tensor& t = tensorArg(info, 0);
  c10::NoGradGuard noGrad;
  at::Tensor flat = flatAlias(t);
  at::Tensor indices = indicesArg(info, 1, t.device());
  if (info[2].IsNumber()) {
    flat.index_fill_(0, indices, at::Scalar(numberArg(info, 2)));
  } else {
    Napi::Float32Array values = info[2].As<Napi::Float32Array>();
    if (values.ElementLength() != static_cast<size_t>(indices.numel())) {
      throw std::invalid_argument(std::to_string(indices.numel()) + " indices but " +
                                  std::to_string(values.ElementLength()) + " values");
    }
    at::Tensor blob = at::from_blob(values.Data(), {indices.numel()}, at::kFloat);
    flat.index_put_({indices}, blob.to(t.device(), t.scalar_type()));
  }
  return env.Undefined();
END

OP(copyInPlace)
  c10::NoGradGuard noGrad;
  tensorArg(info, 0).detach().copy_(tensorArg(info, 1));
  return env.Undefined();
END

// addInPlace(t, other, alpha): t += alpha * other
OP(addInPlace)
  c10::NoGradGuard noGrad;
  tensorArg(info, 0).detach().add_(tensorArg(info, 1), at::Scalar(numberArg(info, 2)));
  return env.Undefined();
END

OP(mulInPlace)
  c10::NoGradGuard noGrad;
  tensorArg(info, 0).detach().mul_(tensorArg(info, 1));
  return env.Undefined();
END

OP(mulScalarInPlace)
  c10::NoGradGuard noGrad;
  tensorArg(info, 0).detach().mul_(at::Scalar(numberArg(info, 1)));
  return env.Undefined();
END

// addcmulInPlace(t, a, b, value): t += value * a * b (Adam's moment updates)
OP(addcmulInPlace)
  c10::NoGradGuard noGrad;
  tensorArg(info, 0).detach().addcmul_(tensorArg(info, 1), tensorArg(info, 2), at::Scalar(numberArg(info, 3)));
  return env.Undefined();
END

// addcdivInPlace(t, a, b, value): t += value * a / b (Adam's step)
OP(addcdivInPlace)
  c10::NoGradGuard noGrad;
  tensorArg(info, 0).detach().addcdiv_(tensorArg(info, 1), tensorArg(info, 2), at::Scalar(numberArg(info, 3)));
  return env.Undefined();
END

// ---------------------------------------------------------------------------------------------
// Runtime

OP(setNumThreads)
  at::set_num_threads(static_cast<int>(intArg(info, 0)));
  return env.Undefined();
END

OP(getNumThreads)
  return Napi::Number::New(env, at::get_num_threads());
END

OP(cudaAvailable)
  return Napi::Boolean::New(env, at::hasCUDA());
END

// Through the device-guard registry c10_cuda fills in: stable across libtorch versions.
int cudaDevices() {
  return c10::impl::hasDeviceGuardImpl(c10::kCUDA) ? c10::impl::getDeviceGuardImpl(c10::kCUDA)->deviceCount() : 0;
}

OP(cudaDeviceCount)
  return Napi::Number::New(env, cudaDevices());
END

OP(manualSeed)
  const uint64_t seed = static_cast<uint64_t>(intArg(info, 0));
  {
    at::Generator cpu = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(cpu.mutex());
    cpu.set_current_seed(seed);
  }
  if (at::hasCUDA()) {
    for (int i = 0; i < cudaDevices(); i++) {
      at::Generator gpu = at::globalContext().defaultGenerator(c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(i)));
      std::lock_guard<std::mutex> lock(gpu.mutex());
      gpu.set_current_seed(seed);
    }
  }
  return env.Undefined();
END

#define EXPORT(name) exports.Set(#name, Napi::Function::New(env, name, #name))

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  EXPORT(fromBuffer); EXPORT(zeros); EXPORT(full); EXPORT(arange); EXPORT(randn); EXPORT(cat); EXPORT(stack);
  EXPORT(toFloat32); EXPORT(toInt64); EXPORT(toBytes); EXPORT(item);
  EXPORT(shape); EXPORT(dtype); EXPORT(device); EXPORT(byteSize); EXPORT(isContiguous); EXPORT(dispose);
  EXPORT(liveTensorCount);
  EXPORT(neg); EXPORT(exp); EXPORT(log); EXPORT(sqrt); EXPORT(rsqrt); EXPORT(abs); EXPORT(square);
  EXPORT(sin); EXPORT(cos); EXPORT(silu); EXPORT(sigmoid); EXPORT(tanh); EXPORT(logicalNot);
  EXPORT(contiguous); EXPORT(clone); EXPORT(detach); EXPORT(flatten);
  EXPORT(add); EXPORT(sub); EXPORT(mul); EXPORT(div); EXPORT(eq); EXPORT(ne); EXPORT(lt); EXPORT(gt);
  EXPORT(ge); EXPORT(le); EXPORT(pow);
  EXPORT(addScalar); EXPORT(subScalar); EXPORT(mulScalar); EXPORT(divScalar); EXPORT(eqScalar); EXPORT(neScalar);
  EXPORT(ltScalar); EXPORT(gtScalar); EXPORT(geScalar); EXPORT(leScalar); EXPORT(powScalar); EXPORT(logicalAnd); EXPORT(maximum); EXPORT(minimum); EXPORT(clamp);
  EXPORT(where); EXPORT(maskedFill); EXPORT(triu); EXPORT(tril);
  EXPORT(sum); EXPORT(mean); EXPORT(max); EXPORT(argmax); EXPORT(softmax); EXPORT(logSoftmax); EXPORT(cumsum);
  EXPORT(matmul); EXPORT(linear); EXPORT(rmsNorm); EXPORT(crossEntropy); EXPORT(scaledDotProductAttention); EXPORT(rope);
  EXPORT(reshape); EXPORT(transpose); EXPORT(permute); EXPORT(narrow); EXPORT(unsqueeze); EXPORT(squeeze);
  EXPORT(expand); EXPORT(repeatInterleave);
  EXPORT(embedding); EXPORT(gather); EXPORT(indexSelect); EXPORT(topk); EXPORT(sort);
  EXPORT(to);
  EXPORT(requiresGrad); EXPORT(setRequiresGrad); EXPORT(backward); EXPORT(grad); EXPORT(zeroGrad);
  EXPORT(setGradEnabled); EXPORT(isGradEnabled);
  EXPORT(getFlat); EXPORT(setFlat); EXPORT(copyInPlace); EXPORT(addInPlace); EXPORT(mulInPlace); EXPORT(mulScalarInPlace);
  EXPORT(addcmulInPlace); EXPORT(addcdivInPlace);
  EXPORT(setNumThreads); EXPORT(getNumThreads); EXPORT(cudaAvailable); EXPORT(cudaDeviceCount); EXPORT(manualSeed);
  exports.Set("libtorchVersion", Napi::String::New(env, TORCH_VERSION));
  exports.Set("libtorchPath", Napi::String::New(env, BPROF_LIBTORCH_PATH));
  return exports;
}

}  // namespace

NODE_API_MODULE(bprof_native, Init)
