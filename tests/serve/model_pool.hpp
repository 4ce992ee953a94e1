// A model of a pool of workers for the load generator's tests: each request takes a fixed service time of real
// time, a chosen request stalls, a chosen worker dies at its k-th request. A worker handed a request while it
// holds one answers them in order, as a worker process reading its orders would. No process is started, so the
// load generator's own logic is what is tested.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "gbench/serve/load.hpp"

namespace gbench_test {

class model_pool final : public gbench::serve::pool {
public:
  using clock = gbench::serve::clock;

  model_pool(std::size_t workers, std::chrono::nanoseconds service) : service_(service), busy_(workers) {}

  /// Worker `w` dies when it is handed its k-th request (1-based).
  void die_at(std::size_t w, int k) { deaths_[w] = k; }
  /// The request with this id takes `extra` longer.
  void stall(std::int64_t id, std::chrono::nanoseconds extra) { stalls_[id] = extra; }

  [[nodiscard]] std::size_t size() const override { return busy_.size(); }

  bool send(std::size_t w, std::int64_t id) override {
    auto& b = busy_.at(w);
    if (b.dead) {
      return false;
    }
    ++b.taken;
    if (deaths_.contains(w) && b.taken == deaths_[w]) {
      b.dead = true;
      b.reported = false;
      b.orders.clear();
      return true; // it took the order, then died: the parent learns from its closed pipe
    }
    const auto extra = stalls_.contains(id) ? stalls_[id] : std::chrono::nanoseconds(0);
    const auto begin = b.orders.empty() ? clock::now() : b.orders.back().due;
    b.orders.push_back({id, begin + service_ + extra, service_ + extra});
    return true;
  }

  void wait(clock::time_point until, std::vector<gbench::serve::completion>& done,
            std::vector<std::size_t>& died) override {
    auto wake = until;
    for (const auto& b : busy_) {
      if (!b.orders.empty()) {
        wake = std::min(wake, b.orders.front().due);
      }
    }
    std::this_thread::sleep_until(wake);
    const auto now = clock::now();
    for (std::size_t w = 0; w < busy_.size(); ++w) {
      auto& b = busy_[w];
      if (b.dead && !b.reported) {
        b.reported = true;
        died.push_back(w);
      }
      while (!b.dead && !b.orders.empty() && b.orders.front().due <= now) {
        done.push_back({w, b.orders.front().id, b.orders.front().service.count()});
        b.orders.pop_front();
      }
    }
  }

  void abandon(std::size_t w, const std::string& /*why*/) override {
    busy_.at(w).dead = true;
    busy_.at(w).orders.clear();
  }

private:
  struct order {
    std::int64_t id = -1;
    clock::time_point due;
    std::chrono::nanoseconds service{0};
  };
  struct worker {
    std::deque<order> orders;
    int taken = 0;
    bool dead = false;
    bool reported = true;
  };
  std::chrono::nanoseconds service_;
  std::vector<worker> busy_;
  std::map<std::size_t, int> deaths_;
  std::map<std::int64_t, std::chrono::nanoseconds> stalls_;
};

} // namespace gbench_test
