#include "reporters.hpp"
#include "gbench/util/json_text.hpp"

namespace gbench::report {

namespace {

// The whole report (schemas/report.schema.json) or comparison (schemas/comparison.schema.json).
class json_reporter final : public reporter {
public:
  void write(const record::report& r, std::ostream& out) const override { out << util::json_dump(record::to_json(r), 2) << '\n'; }
  void write(const compare::report_diff& d, std::ostream& out) const override {
    out << util::json_dump(compare::to_json(d), 2) << '\n';
  }
  [[nodiscard]] bool writes_diffs() const override { return true; }
};

} // namespace

std::unique_ptr<reporter> make_json_reporter() { return std::make_unique<json_reporter>(); }

} // namespace gbench::report
