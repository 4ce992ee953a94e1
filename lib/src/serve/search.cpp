#include "gbench/serve/search.hpp"

#include "gbench/util/interrupt.hpp"

namespace gbench::serve {

std::string_view name_of(mode m) {
  switch (m) {
  case mode::search:
    return "search";
  case mode::closed:
    return "closed";
  case mode::open:
    return "open";
  case mode::curve:
    return "curve";
  }
  return "?";
}

namespace {

class runner {
public:
  runner(split_result& out, const search_options& o, const measure_fn& measure) : out_(out), o_(o), measure_(measure) {}

  // The point of one load, appended; none when the split can measure no more.
  const point* run(load_spec spec) {
    if (stopped_ || util::interrupt_signal() != 0) {
      stopped_ = true;
      return nullptr;
    }
    spec.seed = o_.base.seed + 0x9E3779B97F4A7C15ULL * (out_.points.size() + 1);
    auto p = measure_(spec);
    if (!p) {
      stopped_ = true;
      return nullptr;
    }
    out_.points.push_back(std::move(*p));
    return &out_.points.back();
  }

  const point* closed() {
    auto spec = o_.base;
    spec.open = false;
    spec.concurrency = o_.concurrency.value_or(out_.processes);
    spec.target_ms.reset();
    return run(spec);
  }

  const point* open(double rate) {
    auto spec = o_.base;
    spec.open = true;
    spec.rate = rate;
    spec.target_ms = o_.target_ms;
    return run(spec);
  }

  void search() {
    const auto* peak = closed();
    if (peak == nullptr || !peak->throughput.value || *peak->throughput.value <= 0) {
      return;
    }
    double lo = 0;
    double hi = *peak->throughput.value;
    for (int step = 0; step < o_.steps; ++step) {
      const double mid = 0.5 * (lo + hi);
      const auto* p = open(mid);
      if (p == nullptr) {
        return;
      }
      (p->meets_target.value_or(false) ? lo : hi) = mid;
    }
  }

  void curve() {
    const auto* peak = closed();
    if (peak == nullptr || !peak->throughput.value || *peak->throughput.value <= 0) {
      return;
    }
    const double top = *peak->throughput.value;
    for (const double f : o_.fractions) {
      if (open(f * top) == nullptr) {
        return;
      }
    }
  }

private:
  split_result& out_;
  const search_options& o_;
  const measure_fn& measure_;
  bool stopped_ = false;
};

} // namespace

void measure_split(split_result& out, const search_options& options, const measure_fn& measure) {
  runner r(out, options, measure);
  switch (options.mode) {
  case mode::closed:
    (void)r.closed();
    break;
  case mode::open:
    for (const double rate : options.rates) {
      if (r.open(rate) == nullptr) {
        break;
      }
    }
    break;
  case mode::curve:
    r.curve();
    break;
  case mode::search:
    r.search();
    break;
  }
  out.best = best_point(out.points, options.mode == mode::closed ? std::nullopt : options.target_ms);
}

std::optional<std::size_t> best_point(const std::vector<point>& points, std::optional<double> target_ms) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto& p = points[i];
    if (target_ms && (p.load != "open" || !p.meets_target.value_or(false))) {
      continue; // a closed loop's p99 says nothing of the queue that arrivals at its rate would build
    }
    if (!best || p.throughput.value.value_or(0) > points[*best].throughput.value.value_or(0)) {
      best = i;
    }
  }
  return best;
}

} // namespace gbench::serve
