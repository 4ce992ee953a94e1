#include "reporters.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::report {

namespace {

// One JSON document per line: the context first, each preset's results as its process finishes, then the
// comparison, then a status line after an interrupt. A crash loses nothing already written.
class jsonl_reporter final : public reporter {
public:
  void begin(const record::report& r, std::ostream& out) const override {
    nlohmann::json head = record::to_json(r);
    head.erase("runs");
    head.erase("comparison");
    head.erase("status"); // known at the end only
    head["type"] = "context";
    out << util::json_dump(head) << '\n' << std::flush;
  }

  void on_run(const record::preset_run& run, std::ostream& out) const override {
    for (const auto& b : run.batches) {
      nlohmann::json line = record::to_json(b);
      line["type"] = "result";
      line["preset"] = run.preset.name;
      line["repetition"] = run.repetition;
      out << util::json_dump(line) << '\n';
    }
    if (!run.ok) {
      out << util::json_dump({{"type", "failure"},
                            {"preset", run.preset.name},
                            {"repetition", run.repetition},
                            {"error", run.error},
                            {"stderr_tail", run.stderr_tail}})
        << '\n';
    }
    out << std::flush;
  }

  void write(const record::report& r, std::ostream& out) const override {
    for (const auto& row : r.comparison) {
      nlohmann::json line = record::to_json(row);
      line["type"] = "comparison";
      out << util::json_dump(line) << '\n';
    }
    if (r.status != "complete") {
      out << util::json_dump({{"type", "status"}, {"status", r.status}}) << '\n';
    }
  }
};

} // namespace

std::unique_ptr<reporter> make_jsonl_reporter() { return std::make_unique<jsonl_reporter>(); }

} // namespace gbench::report
