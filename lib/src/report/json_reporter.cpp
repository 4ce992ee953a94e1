#include "reporters.hpp"

namespace gbench::report {

namespace {

// The whole report (schemas/report.schema.json) or comparison (schemas/comparison.schema.json).
class json_reporter final : public reporter {
public:
  void write(const record::report& r, std::ostream& out) const override { out << record::to_json(r).dump(2) << '\n'; }
  void write(const compare::report_diff& d, std::ostream& out) const override {
    out << compare::to_json(d).dump(2) << '\n';
  }
  [[nodiscard]] bool writes_diffs() const override { return true; }
};

} // namespace

std::unique_ptr<reporter> make_json_reporter() { return std::make_unique<json_reporter>(); }

} // namespace gbench::report
