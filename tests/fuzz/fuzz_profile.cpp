// libFuzzer target: the profiler's event aggregation (PyTorch's key_averages) and its table, on events decoded
// from the bytes: names, nesting, threads, async and hidden flags, shapes, in any order and overlap. Then the
// table goes the way a worker's result goes: to JSON text and read back by the record model, which must take
// whatever aggregate produced. The events are what Kineto reports: times since the trace's start, and names that
// are valid UTF-8 (operator names are ASCII; a model's record_function scopes are Python strings).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "gbench/profile/aggregate.hpp"
#include "gbench/record/json_reader.hpp"
#include "gbench/record/run.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  static const std::vector<std::string> names{"aten::linear",
                                              "aten::addmm",
                                              "aten::relu",
                                              "aten::flatten",
                                              "mymodel_inference",
                                              "[memory]",
                                              "[OutOfMemory]",
                                              "ProfilerStep#3",
                                              "profiler::_record_function_enter_new",
                                              "aten::is_leaf",
                                              "_ZN2at6native5addmmERKNS_6TensorE",
                                              "sc\u00e8ne \u2192 \u6a21\u578b",
                                              ""};
  constexpr std::int64_t max_time_ns = std::int64_t{1} << 50; // 13 days of trace
  const auto ascii = [&in](std::size_t max_length) {
    std::string s = in.ConsumeRandomLengthString(max_length);
    for (auto& c : s) {
      c = static_cast<char>(0x20 + static_cast<unsigned char>(c) % 0x5f);
    }
    return s;
  };
  std::vector<gbench::profile::event> events;
  const bool by_shape = in.ConsumeBool();
  while (in.remaining_bytes() > 0 && events.size() < 512) {
    gbench::profile::event e;
    e.name = in.ConsumeBool() ? names[in.ConsumeIntegralInRange<std::size_t>(0, names.size() - 1)]
                              : ascii(32);
    e.start_ns = in.ConsumeIntegralInRange<std::int64_t>(0, max_time_ns);
    e.end_ns = in.ConsumeBool() ? e.start_ns + in.ConsumeIntegralInRange<std::int64_t>(-10, 100000)
                                : in.ConsumeIntegralInRange<std::int64_t>(0, max_time_ns);
    e.thread = in.ConsumeIntegralInRange<std::uint64_t>(0, 3);
    e.is_async = in.ConsumeBool();
    e.is_hidden = in.ConsumeBool();
    e.input_shapes = ascii(24);
    events.push_back(std::move(e));
  }
  const auto table = gbench::profile::aggregate(events, by_shape);
  for (const auto& key : gbench::profile::sort_keys()) {
    (void)gbench::profile::format_table(table, key, 10, by_shape);
  }
  (void)gbench::profile::format_table(table, "", -1, by_shape);
  const std::string file = "fuzz.json";
  const auto j = gbench::record::parse_document(gbench::record::to_json(table).dump(), file);
  gbench::profile::table back;
  gbench::record::from_json(gbench::record::node(j, file), back);
  return 0;
}
