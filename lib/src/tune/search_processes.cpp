// The search's processes: each started only while the budget allows it, and every configuration screened for
// accuracy in an evidence process before it is ever timed.
#include <fmt/format.h>

#include "gbench/util/interrupt.hpp"
#include "searcher.hpp"

namespace gbench::tune::detail {

double searcher::mean_process_s() const {
  double sum = 0;
  int n = 0;
  for (const auto& p : result_.processes) {
    if (!p.evidence) {
      sum += p.wall_s;
      ++n;
    }
  }
  return n == 0 ? 0.0 : sum / n;
}

// Whether the budget allows so many more processes (each estimated at the mean of the timed ones so far; a
// lockstep worker at its share of its set).
bool searcher::affordable(std::size_t processes) {
  if (result_.budget_spent || result_.interrupted) {
    return false;
  }
  if (util::interrupt_signal() != 0) {
    result_.interrupted = true;
    say("interrupted: no further process is started");
    return false;
  }
  if (opt_.budget_s > 0 && now_() + static_cast<double>(processes) * mean_process_s() > opt_.budget_s) {
    result_.budget_spent = true;
    result_.budget_too_small = !first_stage_done_ && !first_round_done_;
    say(fmt::format("budget of {:.0f} s spent after {:.0f} s", opt_.budget_s, now_()));
    return false;
  }
  return true;
}

record::preset_run searcher::launch(const std::string& stage, int round, const std::string& name,
                                    std::vector<std::int64_t> batches, bool evidence) {
  process_request req{preset_of(space_, result_.candidates.at(name), name), std::move(batches), evidence};
  const double t0 = now_();
  auto run = runner_(req);
  result_.processes.push_back({stage, round, name, evidence, now_() - t0, run});
  return run;
}

// The accuracy guard: one evidence process per configuration, before it is ever timed.
void searcher::screen(const std::string& stage, const std::string& name) {
  if (screened_.count(name) != 0 || !affordable()) {
    return;
  }
  say(fmt::format("[{}] screening {}: routes and accuracy against float64", stage, name));
  const auto run = launch(stage, 0, name, opt_.batches, true);
  if (util::interrupt_signal() != 0) {
    result_.interrupted = true; // stopped by the interrupt: not screened, not held against it
    return;
  }
  auto& by_batch = screened_[name];
  for (const auto b : opt_.batches) {
    screening s;
    const record::batch_evidence* e = nullptr;
    if (run.evidence) {
      for (const auto& x : run.evidence->batches) {
        e = x.batch == b ? &x : e;
      }
    }
    if (e == nullptr || !e->ok) {
      s.failed = true;
      s.reason = fmt::format("its evidence process failed: {}",
                             e != nullptr ? e->error : (run.error.empty() ? "no evidence for this batch" : run.error));
    } else if (e->accuracy.cosine < opt_.cosine_threshold) {
      s.rejected = true;
      s.reason = fmt::format("accuracy: cosine similarity to float64 {:.6f} is below --cosine-threshold {}",
                             e->accuracy.cosine, opt_.cosine_threshold);
    } else if (e->accuracy.top1_agreement < opt_.min_top1) {
      s.rejected = true;
      s.reason = fmt::format("accuracy: top-1 agreement with float64 {:.1f}% is below --min-top1 {:.1f}%",
                             100 * e->accuracy.top1_agreement, 100 * opt_.min_top1);
    }
    by_batch[b] = s;
  }
}

} // namespace gbench::tune::detail
