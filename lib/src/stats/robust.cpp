#include "gbench/stats/robust.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "gbench/error.hpp"
#include "gbench/stats/summary.hpp"

namespace gbench::stats {

namespace {

std::vector<double> sorted(std::span<const double> values) {
  std::vector<double> v(values.begin(), values.end());
  std::sort(v.begin(), v.end());
  return v;
}

std::size_t cut(std::size_t n, double trim) {
  if (!(trim >= 0 && trim < 0.5)) {
    throw input_error(fmt::format("trimmed statistics: trim {} is not in [0, 0.5)", trim));
  }
  // Fewer than five values: nothing is cut, so that two or three processes a side keep the plain t-test.
  return n < 5 ? 0 : static_cast<std::size_t>(std::floor(trim * static_cast<double>(n)));
}

// (n - 1) s_w^2 / (h (h - 1)): the squared standard error of one trimmed mean.
double squared_error(std::span<const double> values, double trim) {
  const std::size_t n = values.size();
  const std::size_t h = n - 2 * cut(n, trim);
  return static_cast<double>(n - 1) * winsorized_variance(values, trim) / (static_cast<double>(h) * static_cast<double>(h - 1));
}

void need(std::span<const double> values, const char* what) {
  if (values.size() < 2) {
    throw input_error(fmt::format("{}: {} value(s); a trimmed test needs two or more", what, values.size()));
  }
}

} // namespace

double trimmed_mean(std::span<const double> values, double trim) {
  if (values.empty()) {
    throw input_error("trimmed_mean: no values");
  }
  const auto v = sorted(values);
  const std::size_t g = cut(v.size(), trim);
  const double sum = std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(g), v.end() - static_cast<std::ptrdiff_t>(g), 0.0);
  return sum / static_cast<double>(v.size() - 2 * g);
}

double winsorized_variance(std::span<const double> values, double trim) {
  if (values.size() < 2) {
    return 0;
  }
  auto v = sorted(values);
  const std::size_t g = cut(v.size(), trim);
  const std::size_t n = v.size();
  for (std::size_t i = 0; i < g; ++i) {
    v[i] = v[g];
    v[n - 1 - i] = v[n - 1 - g];
  }
  const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(n);
  double ss = 0;
  for (const double x : v) {
    ss += (x - mean) * (x - mean);
  }
  return ss / static_cast<double>(n - 1);
}

trimmed_estimate trimmed_one_sample(std::span<const double> values, double trim) {
  need(values, "trimmed_one_sample");
  trimmed_estimate r;
  r.trimmed = cut(values.size(), trim);
  r.estimate = trimmed_mean(values, trim);
  r.se = std::sqrt(squared_error(values, trim));
  r.df = static_cast<double>(values.size() - 2 * r.trimmed) - 1.0;
  return r;
}

trimmed_estimate trimmed_two_sample(std::span<const double> a, std::span<const double> b, double trim) {
  need(a, "trimmed_two_sample (first sample)");
  need(b, "trimmed_two_sample (second sample)");
  trimmed_estimate r;
  r.trimmed = std::max(cut(a.size(), trim), cut(b.size(), trim));
  r.estimate = trimmed_mean(a, trim) - trimmed_mean(b, trim);
  const double da = squared_error(a, trim);
  const double db = squared_error(b, trim);
  r.se = std::sqrt(da + db);
  const auto h = [&](std::size_t n) { return static_cast<double>(n - 2 * cut(n, trim)); };
  r.df = da + db > 0 ? (da + db) * (da + db) / (da * da / (h(a.size()) - 1) + db * db / (h(b.size()) - 1))
                     : h(a.size()) + h(b.size()) - 2;
  return r;
}

std::vector<bool> beyond_fences(std::span<const double> values, double limit) {
  std::vector<bool> out(values.size(), false);
  if (values.size() < 3) {
    return out;
  }
  const double centre = median(std::vector<double>(values.begin(), values.end()));
  std::vector<double> deviations;
  deviations.reserve(values.size());
  for (const double x : values) {
    deviations.push_back(std::abs(x - centre));
  }
  const double mad = median(deviations);
  if (mad <= 0) {
    return out;
  }
  for (std::size_t i = 0; i < values.size(); ++i) {
    out[i] = 0.6745 * std::abs(values[i] - centre) / mad > limit;
  }
  return out;
}

} // namespace gbench::stats
