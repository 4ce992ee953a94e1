#pragma once

#include <string>
#include <vector>


#include "gbench/backend/libtorch.hpp"
#include "gbench/host/host_info.hpp"

namespace gbench::evidence {

/// Whether a knob can change how this model runs on this host with this LibTorch, and why.
struct knob_verdict {
  std::string knob;   ///< an environment variable, or "matmul_precision" for the LibTorch setting
  bool effective = false;
  std::string reason; ///< the facts it was decided from
};

/// Decides, from facts of the host (architecture, ISA features, kernel THP mode) and of the LibTorch build
/// (oneDNN, ACL, BLAS), whether each of the recipe's knobs can act on an fp32 MLP here.
std::vector<knob_verdict> assess_knobs(const host::host_info& host, const backend::libtorch_info& torch);

/// Whether oneDNN on this CPU computes in bf16: AVX-512 (avx512bw, vl, dq), AVX-NE-CONVERT or AMX on x86,
/// the BF16 extension on aarch64. The same test as LibTorch's mkldnn_bf16_device_check.
bool cpu_has_onednn_bf16(const host::host_info& host);

} // namespace gbench::evidence
