#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "gbench/config/json_file.hpp"
#include "gbench/config/preset.hpp"

namespace gbench::config {

/// Reads the LibTorch settings of one preset's JSON object `item` (found at offset `from` of `doc`, named `what` in
/// messages) into `out`: matmul_precision, mkldnn, threads, allocator, and the precision settings weights_dtype,
/// fp32_precision, quantized_engine, int8_activations, int4_group_size, int4_fallback. Throws input_error naming
/// the line and the valid values of a bad one, and for a preset that sets both matmul_precision and
/// fp32_precision, which PyTorch refuses to mix in one process.
void read_torch_settings(const json_document& doc, std::size_t from, const nlohmann::ordered_json& item,
                         const std::string& what, torch_settings& out);

} // namespace gbench::config
