#pragma once

#include <cstdint>
#include <string>
#include <vector>


/// PyTorch's prof.key_averages().table() for profiles taken in C++, where LibTorch offers neither. The
/// algorithm is torch/autograd/profiler.py and profiler_util.py of the LibTorch this project builds with
/// (2.13); the text of format_table is Python's, byte for byte, for a CPU-only profile.
namespace gbench::profile {

/// One profiler event, as LibTorch's KinetoEvent reports it.
struct event {
  std::string name;     ///< as recorded; aggregate() demangles it and folds ProfilerStep#N as Python does
  std::int64_t start_ns; ///< since the start of the trace (ProfilerResult::trace_start_ns), as Python counts
  std::int64_t end_ns;
  std::uint64_t thread; ///< the thread the event started on
  bool is_async = false; ///< KinetoEvent::isAsync(), or started and ended on different threads
  bool is_hidden = false; ///< KinetoEvent::isHiddenEvent()
  std::string input_shapes; ///< "[[32, 4096], [4096, 4096], []]" as Python prints them, empty when not recorded
};

/// The statistics of one row of key_averages(): Python's FunctionEventAvg. Times in microseconds.
struct op_stats {
  std::string name;
  std::string input_shapes; ///< set when grouped by input shape and the op had shapes; empty prints as "[]"
  std::int64_t count = 0;
  double self_cpu_us = 0;  ///< time in the op itself, without its children
  double cpu_total_us = 0; ///< time in the op and its children, summed over calls (nested calls count twice)
  double self_cpu_percent = 0;  ///< of the table's self_cpu_total_us
  double cpu_total_percent = 0; ///< also of self_cpu_total_us, so it reaches 100% at the outermost op
  bool is_async = false;        ///< the group's first event was async: no self time, CPU total % printed as 0
  /// cpu_total_us / count, 0 without calls.
  [[nodiscard]] double cpu_avg_us() const;
};

/// key_averages(): one op_stats per group, in the order their first event started.
struct table {
  std::vector<op_stats> ops;
  double self_cpu_total_us = 0; ///< the sum of the ops' self time: the profile's CPU time
};

/// Python's EventList built from KinetoEvents, _build_tree() and key_averages(group_by_input_shape):
/// drops profiler-internal ops (profiler::_record_function_*, aten::is_leaf, aten::output_nr,
/// aten::_version), hidden events and [memory] records inside an op (on any thread); keeps other
/// [memory] and all [OutOfMemory] records as zero-length ops; nests each thread's synchronous events
/// by time; merges an op into its parent of the same name when it is the parent's only child; groups
/// by name (and input shapes). Async events are counted with their time but own no self time.
table aggregate(const std::vector<event>& events, bool group_by_input_shape);

/// The text of Python's key_averages().table(sort_by=sort_by, row_limit=row_limit): columns Name,
/// Self CPU %, Self CPU, CPU total %, CPU total, CPU time avg, # of Calls, and Input Shapes when
/// show_input_shapes and some op has shapes. An empty sort_by keeps the table's order (Python's None);
/// a negative row_limit prints every row. Throws input_error naming the valid keys on an unknown sort_by.
std::string format_table(const table& t, const std::string& sort_by, int row_limit, bool show_input_shapes);

/// The sort_by values format_table accepts: self_cpu_time_total, cpu_time_total, cpu_time (the
/// average), count.
std::vector<std::string> sort_keys();

} // namespace gbench::profile
