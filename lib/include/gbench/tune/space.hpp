#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gbench/config/preset.hpp"
#include "gbench/evidence/knobs.hpp"

/// `graviton-bench tune`: the search space, the race and the search that drives it (docs/tune.md).
namespace gbench::tune {

enum class dimension_kind { env, matmul_precision, threads, allocator, weights_dtype };

/// One knob or setting to search, with the values to try. The first value is always "" (unset: LibTorch's
/// own choice), the configuration every speed-up is measured against.
struct dimension {
  std::string name;
  dimension_kind kind = dimension_kind::env;
  std::string group;               ///< searched together with the other dimensions of its group
  std::vector<std::string> values; ///< "" first
  std::string verdict;             ///< the doctor's: effective, or "no verdict" for knobs it does not assess
  std::string reason;              ///< the doctor's reason
};

/// A declared knob or setting that is not searched, and why.
struct pruned_dimension {
  std::string name;
  std::string reason;
};

struct search_space {
  std::vector<dimension> dimensions;
  std::vector<pruned_dimension> pruned;
  /// The groups of every declaration with candidates, pruned ones included, in the order first declared: the
  /// order of the stages, whatever this host prunes (math before memory on x86 too, where the first math knob
  /// declared is inert).
  std::vector<std::string> declared_groups;
  /// Number of configurations of the full grid (product of the dimensions' value counts).
  [[nodiscard]] double grid_points() const;
  /// The groups of the dimensions, in the order of declared_groups (then any other in dimension order).
  [[nodiscard]] std::vector<std::string> groups() const;
};

/// What build_space needs to know of the host and LibTorch.
struct space_facts {
  std::vector<record::knob_verdict> verdicts; ///< the doctor's (evidence::assess_knobs)
  int cores = 1;
  int default_threads = 1; ///< LibTorch's own thread count: the same configuration as threads unset
};

/// The space of the catalog's declarations with candidates: knobs the doctor calls inert are pruned with its
/// reason, and so are the values of weights_dtype it calls inert (verdicts "weights_dtype" for bf16 and
/// "weights_dtype=VALUE" for the others), each listed as "weights_dtype=VALUE"; `only` (if not empty) keeps just
/// those names. Every candidate value is checked against its
/// declaration, and an allocator against what is installed. Throws input_error (exit 3) on a refused value, an
/// unknown name in `only`, a missing allocator library, or a space with nothing left to search.
search_space build_space(const config::preset_catalog& catalog, const space_facts& facts,
                         const std::vector<std::string>& only = {});

/// A point of the space: dimension name -> value, unset dimensions absent.
using assignment = std::map<std::string, std::string>;

/// "default" for the empty assignment, else "NAME=VALUE ..." in the space's dimension order.
std::string name_of(const search_space& space, const assignment& a);

/// The preset that runs this configuration (env knobs in env, the settings in settings).
config::preset preset_of(const search_space& space, const assignment& a, const std::string& name);

/// Configurations raced at once are at most this many: each is screened in a process of its own, then timed in
/// at least two (race.hpp, min_processes).
inline constexpr double max_race_size = 1024;

/// How many configurations a race of `group` (the whole grid when empty) holds: the product of its dimensions'
/// value counts.
double race_size(const search_space& space, const std::string& group = {});

/// Every combination of the values of the dimensions in `group` (all groups when empty), each on top of `base`.
std::vector<assignment> combinations(const search_space& space, const assignment& base, const std::string& group = {});

nlohmann::json to_json(const search_space& space);

} // namespace gbench::tune
