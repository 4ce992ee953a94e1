#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gbench/config/model_spec.hpp"

/// How serve divides the CPUs a run may use between worker processes (docs/serve.md, "The split").
namespace gbench::serve {

/// `processes` workers of `threads` intra-op threads each.
struct split {
  int processes = 1;
  int threads = 1;
  bool operator==(const split&) const = default;
};

/// "2x1".
std::string name_of(const split& s);

/// --split: "auto" (every P x T with P x T = `cpus`, P a divisor of `cpus`, fewest processes first: 1x16, 2x8,
/// 4x4, 8x2, 16x1 on 16 CPUs), or a comma list of PxT, each using at most `cpus` CPUs. Throws input_error naming
/// --split and the fix.
std::vector<split> parse_splits(const std::string& text, int cpus);

/// The CPUs of each worker: disjoint blocks of `threads` CPUs taken from the first processes x threads CPUs of
/// `order` (the run's CPUs, by preference), each block and the blocks in ascending order so that a worker's CPUs
/// are neighbours. With `order` empty (--cpus none), no worker is pinned: every set is empty.
std::vector<std::vector<int>> assign_cpus(const split& s, const std::vector<int>& order);

/// What every worker of the split runs with beyond its preset's knobs, as the AWS Graviton guide gives it for
/// several processes on one instance: OMP_NUM_THREADS = threads, OMP_PROC_BIND=false, OMP_PLACES=cores.
std::map<std::string, std::string> split_environment(const split& s);

/// What one worker process holds besides its model and activations: LibTorch's libraries and heap. A tiny-mlp
/// worker held 115 MiB resident, 57 MiB of it private (the libraries' pages are shared between the workers).
inline constexpr std::int64_t process_allowance_bytes = std::int64_t{128} << 20;

/// The memory a split needs: a copy of the model with its activations at `batch` per process, plus each
/// process's allowance.
std::int64_t split_bytes(const split& s, const config::model_spec& model, std::int64_t batch);

/// Refuses (memory_error, exit 4) a split whose copies of the model do not fit in `available_bytes`, with the
/// figures and the fix; unknown memory (0) fits.
void check_split_memory(const split& s, const config::model_spec& model, std::int64_t batch,
                        std::int64_t available_bytes);

} // namespace gbench::serve
