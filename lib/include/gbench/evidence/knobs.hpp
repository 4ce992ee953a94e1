#pragma once

#include <string>
#include <vector>

#include "gbench/backend/libtorch.hpp"
#include "gbench/host/host_info.hpp"
#include "gbench/record/context.hpp"

namespace gbench::evidence {

/// Decides, from facts of the host (architecture, ISA features, kernel THP mode) and of the LibTorch build
/// (oneDNN, ACL, BLAS), whether each of the recipe's knobs can act on an fp32 MLP here.
std::vector<record::knob_verdict> assess_knobs(const host::host_info& host, const backend::libtorch_info& torch);

/// Whether oneDNN on this CPU computes in bf16: AVX-512 (avx512bw, vl, dq), AVX-NE-CONVERT or AMX on x86,
/// the BF16 extension on aarch64. The same test as LibTorch's mkldnn_bf16_device_check.
bool cpu_has_onednn_bf16(const host::host_info& host);

/// Whether the CPU has bf16 arithmetic instructions: avx512_bf16, AMX-BF16 or AVX-NE-CONVERT on x86, BF16 on
/// aarch64. Without them nothing computes in bf16 (oneDNN may still accept bf16 data on AVX-512, converting it).
bool cpu_has_bf16_instructions(const host::host_info& host);

} // namespace gbench::evidence
