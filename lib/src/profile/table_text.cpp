#include "gbench/profile/aggregate.hpp"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"

// The text of key_averages().table(): PyTorch 2.13's torch/autograd/profiler_util.py (_build_table,
// _format_time, _format_time_share), byte for byte for a CPU-only profile. The table itself is aggregate.cpp's.
namespace gbench::profile {

namespace {

// profiler_util._format_time.
std::string format_time(double us) {
  if (us >= 1e6) {
    return fmt::format("{:.3f}s", us / 1e6);
  }
  if (us >= 1e3) {
    return fmt::format("{:.3f}ms", us / 1e3);
  }
  return fmt::format("{:.3f}us", us);
}

// profiler_util._format_time_share; Python asserts the part is 0 too when the total is.
std::string format_share(double us, double total_us) {
  return total_us == 0 ? std::string("NaN") : fmt::format("{:.2f}%", us * 100.0 / total_us);
}

// Python pads and cuts strings by code points, not bytes.
std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U; }));
}

std::string first_code_points(const std::string& s, std::size_t n) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0U) != 0x80U && seen++ == n) {
      return s.substr(0, i);
    }
  }
  return s;
}

std::string right_aligned(const std::string& s, std::size_t width) {
  const std::size_t n = code_points(s);
  return n >= width ? s : std::string(width - n, ' ') + s;
}

std::string shapes_cell(const op_stats& op) {
  return op.input_shapes.empty() ? std::string("[]") : op.input_shapes;
}

// The value that sort_by names, as Python reads it with getattr from a FunctionEventAvg.
double sort_value(const op_stats& op, const std::string& key) {
  if (key == "self_cpu_time_total") {
    return op.self_cpu_us;
  }
  if (key == "cpu_time_total") {
    return op.cpu_total_us;
  }
  if (key == "cpu_time") {
    return op.cpu_avg_us();
  }
  return static_cast<double>(op.count);
}

// The rows in printed order: the table's own, or by `sort_by`, largest first.
std::vector<const op_stats*> sorted_rows(const table& t, const std::string& sort_by) {
  std::vector<const op_stats*> rows;
  for (const auto& op : t.ops) {
    rows.push_back(&op);
  }
  if (!sort_by.empty()) {
    // Python's sorted(reverse=True) is stable: equal keys keep the table's order.
    std::stable_sort(rows.begin(), rows.end(), [&](const op_stats* a, const op_stats* b) {
      return sort_value(*a, sort_by) > sort_value(*b, sort_by);
    });
  }
  return rows;
}

constexpr std::size_t max_name_width = 55;

// The columns of the printed rows: each as wide as its longest cell plus four, Name and Input Shapes capped.
struct column_layout {
  std::vector<std::size_t> widths;
  bool has_shapes = false;
  std::size_t shapes_width = 0;

  // Every cell, the last one too, is followed by two spaces.
  [[nodiscard]] std::string line(const std::vector<std::string>& cells) const {
    std::string out;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      out += right_aligned(cells[c], widths[c]) + "  ";
    }
    return out + "\n";
  }
  [[nodiscard]] std::string rule() const {
    std::string out;
    for (const std::size_t w : widths) {
      out += std::string(w, '-') + "  ";
    }
    return out + "\n";
  }
};

column_layout layout_of(const std::vector<const op_stats*>& rows, bool show_input_shapes) {
  constexpr std::size_t max_shapes_width = 80;
  constexpr std::size_t column_width = 12;
  std::size_t name_width = 0;
  std::size_t shapes_width = 0;
  bool has_shapes = false;
  for (const auto* op : rows) {
    name_width = std::max(name_width, code_points(op->name) + 4);
    shapes_width = std::max(shapes_width, code_points(shapes_cell(*op)) + 4);
    has_shapes = has_shapes || !op->input_shapes.empty();
  }
  column_layout l;
  l.has_shapes = has_shapes && show_input_shapes;
  l.shapes_width = std::min(shapes_width, max_shapes_width);
  l.widths = {std::min(name_width, max_name_width)};
  l.widths.insert(l.widths.end(), 6, column_width);
  if (l.has_shapes) {
    l.widths.push_back(l.shapes_width);
  }
  return l;
}

std::vector<std::string> header_cells(bool has_shapes) {
  std::vector<std::string> headers{"Name",      "Self CPU %",   "Self CPU",  "CPU total %",
                                   "CPU total", "CPU time avg", "# of Calls"};
  if (has_shapes) {
    headers.emplace_back("Input Shapes");
  }
  return headers;
}

// One op's row; shares are of `total`, the self time of the printed rows.
std::vector<std::string> row_cells(const op_stats& op, double total, const column_layout& l) {
  // Python appends "..." from 52 code points on, even when nothing was cut.
  std::string name = op.name;
  if (code_points(name) >= max_name_width - 3) {
    name = first_code_points(name, max_name_width - 3) + "...";
  }
  std::vector<std::string> cells{name,
                                 format_share(op.self_cpu_us, total),
                                 format_time(op.self_cpu_us),
                                 op.is_async ? std::string("0") : format_share(op.cpu_total_us, total),
                                 format_time(op.cpu_total_us),
                                 format_time(op.cpu_avg_us()),
                                 std::to_string(op.count)};
  if (l.has_shapes) {
    cells.push_back(first_code_points(shapes_cell(op), l.shapes_width));
  }
  return cells;
}

} // namespace

std::vector<std::string> sort_keys() {
  return {"self_cpu_time_total", "cpu_time_total", "cpu_time", "count"};
}

std::string format_table(const table& t, const std::string& sort_by, int row_limit, bool show_input_shapes) {
  const auto keys = sort_keys();
  if (!sort_by.empty() && std::find(keys.begin(), keys.end(), sort_by) == keys.end()) {
    throw input_error(fmt::format("unknown profile sort key '{}'; expected one of {}", sort_by, fmt::join(keys, ", ")));
  }
  if (t.ops.empty()) {
    return {};
  }
  const auto rows = sorted_rows(t, sort_by);
  const auto layout = layout_of(rows, show_input_shapes);
  // Python sums in the printed order; summing in the same order keeps the last digit the same.
  double total = 0;
  for (const auto* op : rows) {
    total += op->self_cpu_us;
  }
  std::string out = layout.rule() + layout.line(header_cells(layout.has_shapes)) + layout.rule();
  int printed = 0;
  for (const auto* op : rows) {
    if (printed == row_limit) {
      break;
    }
    ++printed;
    out += layout.line(row_cells(*op, total, layout));
  }
  out += layout.rule();
  out += "Self CPU time total: " + format_time(total) + "\n";
  return out;
}

} // namespace gbench::profile
