#include "gbench/profile/aggregate.hpp"

#include <cxxabi.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <memory>
#include <string_view>
#include <utility>

// Every rule here is PyTorch 2.13's (torch/autograd/profiler.py: profile._parse_kineto_results;
// torch/autograd/profiler_util.py: EventList, FunctionEvent, FunctionEventAvg), including the order in which
// doubles are summed, so that the printed digits agree with Python's. The table's text is table_text.cpp's.
namespace gbench::profile {

namespace {

constexpr std::string_view memory_event = "[memory]";
constexpr std::string_view out_of_memory_event = "[OutOfMemory]";

// profiler_util._filter_name; the two memory names are handled apart, as _parse_kineto_results does.
bool filtered_out(const std::string& name) {
  static constexpr std::array<std::string_view, 8> names{memory_event,
                                                         out_of_memory_event,
                                                         "profiler::_record_function_enter",
                                                         "profiler::_record_function_enter_new",
                                                         "profiler::_record_function_exit",
                                                         "aten::is_leaf",
                                                         "aten::output_nr",
                                                         "aten::_version"};
  return std::find(names.begin(), names.end(), name) != names.end();
}

// profiler_util._rewrite_name(with_wildcard=True): torch._C._demangle is c10::demangle, which keeps a name
// __cxa_demangle cannot read; one-letter names are kept because they would demangle as builtin types.
std::string rewrite_name(const std::string& name) {
  std::string out = name;
  if (name.size() > 1) {
    int status = -1;
    const std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status),
                                                            std::free);
    if (status == 0 && demangled) {
      out = demangled.get();
    }
  }
  if (out.starts_with("ProfilerStep#")) {
    out = "ProfilerStep*";
  }
  return out;
}

// "[]" is what Python prints for an op without shapes and for one recorded without record_shapes.
std::string normalized_shapes(const std::string& shapes) { return shapes == "[]" ? std::string{} : shapes; }

// A FunctionEvent: times in microseconds as doubles, computed as Python computes them.
struct node {
  std::string name;
  double start_us = 0;
  double end_us = 0;
  std::uint64_t thread = 0;
  bool is_async = false;
  std::string shapes;
  std::size_t parent = 0;
  bool has_parent = false;
  std::vector<std::size_t> children;

  [[nodiscard]] double elapsed_us() const { return end_us - start_us; }
};

node make_node(const event& e, std::string name, std::int64_t start_ns, std::int64_t end_ns) {
  node n;
  n.name = std::move(name);
  n.start_us = static_cast<double>(start_ns) / 1000;
  n.end_us = static_cast<double>(end_ns) / 1000;
  n.thread = e.thread;
  n.is_async = e.is_async;
  n.shapes = normalized_shapes(e.input_shapes);
  return n;
}

// profile._parse_kineto_results: the events Python keeps, sorted by (start, -end).
std::vector<node> function_events(const std::vector<event>& events) {
  std::vector<std::int64_t> memory_starts;
  std::vector<std::size_t> memory_records;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].name == memory_event) {
      memory_records.push_back(i);
    }
  }
  std::vector<std::pair<std::int64_t, std::size_t>> by_start; // (start, index into memory_records)
  for (std::size_t k = 0; k < memory_records.size(); ++k) {
    by_start.emplace_back(events[memory_records[k]].start_ns, k);
  }
  std::sort(by_start.begin(), by_start.end());
  std::vector<bool> claimed(memory_records.size(), false);

  std::vector<node> nodes;
  for (const auto& e : events) {
    if (filtered_out(e.name) || e.is_hidden) {
      continue;
    }
    // A memory record inside an op, on any thread, is that op's allocation and no row of its own.
    auto first = std::lower_bound(by_start.begin(), by_start.end(), std::pair{e.start_ns, std::size_t{0}});
    for (auto it = first; it != by_start.end() && it->first <= e.end_ns; ++it) {
      claimed[it->second] = true;
    }
    nodes.push_back(make_node(e, rewrite_name(e.name), e.start_ns, e.end_ns));
  }
  // Allocations outside every op, and out-of-memory marks, are kept as zero-length events.
  for (std::size_t k = 0; k < memory_records.size(); ++k) {
    if (!claimed[k]) {
      const auto& e = events[memory_records[k]];
      nodes.push_back(make_node(e, e.name, e.start_ns, e.start_ns));
      nodes.back().is_async = false;
      nodes.back().shapes.clear();
    }
  }
  for (const auto& e : events) {
    if (e.name == out_of_memory_event) {
      nodes.push_back(make_node(e, e.name, e.start_ns, e.start_ns));
      nodes.back().is_async = false;
      nodes.back().shapes.clear();
    }
  }
  std::stable_sort(nodes.begin(), nodes.end(), [](const node& a, const node& b) {
    return a.start_us != b.start_us ? a.start_us < b.start_us : -a.end_us < -b.end_us;
  });
  return nodes;
}

// EventList._populate_cpu_children: per thread, an event is the child of the innermost open event
// that contains it; one that only overlaps closes the open events it overruns.
void populate_children(std::vector<node>& nodes) {
  std::vector<std::size_t> sync;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i].is_async) {
      sync.push_back(i);
    }
  }
  std::stable_sort(sync.begin(), sync.end(),
                   [&](std::size_t a, std::size_t b) { return nodes[a].thread < nodes[b].thread; });
  std::vector<std::size_t> open;
  for (std::size_t k = 0; k < sync.size(); ++k) {
    if (k == 0 || nodes[sync[k]].thread != nodes[sync[k - 1]].thread) {
      open.clear();
    }
    node& child = nodes[sync[k]];
    while (!open.empty()) {
      const node& parent = nodes[open.back()];
      if (child.start_us >= parent.end_us || child.end_us > parent.end_us) {
        open.pop_back();
      } else {
        nodes[open.back()].children.push_back(sync[k]);
        child.parent = open.back();
        child.has_parent = true;
        break;
      }
    }
    open.push_back(sync[k]);
  }
}

// EventList._remove_dup_nodes: an op whose only child has its name (a dispatch to itself) counts once.
// Repeated until nothing changes, each pass seeing the merges made earlier in the same pass.
std::vector<std::size_t> remove_duplicates(std::vector<node>& nodes) {
  std::vector<std::size_t> kept(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    kept[i] = i;
  }
  while (true) {
    std::vector<bool> remove(kept.size(), false);
    bool any = false;
    for (std::size_t k = 0; k < kept.size(); ++k) {
      node& n = nodes[kept[k]];
      if (n.has_parent && nodes[n.parent].name == n.name && nodes[n.parent].children.size() == 1) {
        nodes[n.parent].children = n.children;
        for (const std::size_t c : n.children) {
          nodes[c].parent = n.parent;
        }
        remove[k] = true;
        any = true;
      }
    }
    if (!any) {
      return kept;
    }
    std::vector<std::size_t> next;
    for (std::size_t k = 0; k < kept.size(); ++k) {
      if (!remove[k]) {
        next.push_back(kept[k]);
      }
    }
    kept = std::move(next);
  }
}

// FunctionEvent.self_cpu_time_total.
double self_us(const std::vector<node>& nodes, const node& n) {
  if (n.is_async) {
    return 0;
  }
  double children = 0;
  for (const std::size_t c : n.children) {
    children += nodes[c].elapsed_us();
  }
  return n.elapsed_us() - children;
}

double percent(double part, double total) { return total == 0 ? 0.0 : part * 100.0 / total; }

} // namespace

double op_stats::cpu_avg_us() const { return count == 0 ? 0.0 : cpu_total_us / static_cast<double>(count); }

table aggregate(const std::vector<event>& events, bool group_by_input_shape) {
  auto nodes = function_events(events);
  populate_children(nodes);
  const auto kept = remove_duplicates(nodes);

  table t;
  std::map<std::pair<std::string, std::string>, std::size_t> group_of;
  for (const std::size_t i : kept) {
    const node& n = nodes[i];
    const std::string shapes = group_by_input_shape ? n.shapes : std::string{};
    const auto [it, inserted] = group_of.try_emplace({n.name, shapes}, t.ops.size());
    if (inserted) {
      t.ops.push_back({.name = n.name, .input_shapes = shapes, .is_async = n.is_async});
    }
    op_stats& op = t.ops[it->second];
    op.cpu_total_us += n.elapsed_us();
    op.self_cpu_us += self_us(nodes, n);
    ++op.count;
  }
  for (const auto& op : t.ops) {
    t.self_cpu_total_us += op.self_cpu_us;
  }
  for (auto& op : t.ops) {
    op.self_cpu_percent = percent(op.self_cpu_us, t.self_cpu_total_us);
    op.cpu_total_percent = op.is_async ? 0.0 : percent(op.cpu_total_us, t.self_cpu_total_us);
  }
  return t;
}

} // namespace gbench::profile
