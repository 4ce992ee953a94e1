#pragma once

#include <cstdint>
#include <vector>

/// Machine-peak kernels timed with LibTorch itself, so the ceilings are what this LibTorch can reach.
namespace gbench::backend {

/// Element type of a timed matrix product.
enum class gemm_dtype { float32, bfloat16, int8 };

/// Times `repeats` products of two seeded n x n matrices (at::mm, all of LibTorch's threads; for int8, at::_int_mm:
/// int8 operands, int32 sums, oneDNN's s8s8s32 GEMM where LibTorch has oneDNN) after `warmup` untimed ones; each
/// sample is one product's steady-clock time in ns.
std::vector<std::int64_t> time_gemm(std::int64_t n, gemm_dtype dtype, int warmup, int repeats);

/// Times `repeats` STREAM triads a = b + s * c over float32 vectors of `elements` each (one at::add_out with
/// alpha, LibTorch's vectorised and threaded kernel) after `warmup` untimed ones; the vectors are written
/// before the first so that no page is first touched while timed. Each sample is one triad's time in ns.
std::vector<std::int64_t> time_triad(std::int64_t elements, int warmup, int repeats);

} // namespace gbench::backend
