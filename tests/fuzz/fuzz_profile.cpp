// libFuzzer target: the profiler's event aggregation (key_averages) and table, on events decoded from the bytes:
// names, nesting, threads, async and hidden flags, shapes in any order and overlap; then the table's JSON read back.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "gbench/error.hpp"
#include "gbench/profile/aggregate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  static const std::vector<std::string> names{"aten::linear", "aten::addmm", "aten::relu", "aten::flatten",
                                              "mymodel_inference", "[memory]", "[OutOfMemory]", "ProfilerStep#3",
                                              "profiler::_record_function_enter_new", "aten::is_leaf",
                                              "_ZN2at6native5addmmE", ""};
  std::vector<gbench::profile::event> events;
  const bool by_shape = in.ConsumeBool();
  while (in.remaining_bytes() > 0 && events.size() < 512) {
    gbench::profile::event e;
    e.name = in.ConsumeBool() ? names[in.ConsumeIntegralInRange<std::size_t>(0, names.size() - 1)]
                              : in.ConsumeRandomLengthString(32);
    e.start_ns = in.ConsumeIntegral<std::int64_t>();
    e.end_ns = in.ConsumeBool() ? e.start_ns + in.ConsumeIntegralInRange<std::int64_t>(-10, 100000)
                                : in.ConsumeIntegral<std::int64_t>();
    e.thread = in.ConsumeIntegralInRange<std::uint64_t>(0, 3);
    e.is_async = in.ConsumeBool();
    e.is_hidden = in.ConsumeBool();
    e.input_shapes = in.ConsumeRandomLengthString(24);
    events.push_back(std::move(e));
  }
  const auto table = gbench::profile::aggregate(events, by_shape);
  for (const auto& key : gbench::profile::sort_keys()) {
    (void)gbench::profile::format_table(table, key, 10, by_shape);
  }
  (void)gbench::profile::format_table(table, "", -1, by_shape);
  try {
    (void)gbench::profile::table_from_json(gbench::profile::to_json(table));
  } catch (const gbench::error&) {
  }
  return 0;
}
