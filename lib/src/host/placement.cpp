#include "gbench/host/placement.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "gbench/error.hpp"

namespace gbench::host {

std::map<int, cpu_times> parse_proc_stat(const std::string& text) {
  std::map<int, cpu_times> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    // "cpu0 user nice system idle iowait irq softirq steal guest guest_nice"; "cpu " is the total.
    if (line.size() < 4 || line.compare(0, 3, "cpu") != 0 || line[3] < '0' || line[3] > '9') {
      continue;
    }
    std::istringstream fields(line.substr(3));
    int cpu = 0;
    std::int64_t v[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    fields >> cpu;
    for (auto& x : v) {
      if (!(fields >> x)) {
        x = 0;
      }
    }
    out[cpu] = {.busy = v[0] + v[1] + v[2] + v[5] + v[6], .idle = v[3] + v[4], .steal = v[7]};
  }
  return out;
}

std::map<int, cpu_times> read_proc_stat() {
  std::ifstream in("/proc/stat");
  if (!in) {
    return {};
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_proc_stat(text.str());
}

std::vector<cpu_load> load_between(const std::map<int, cpu_times>& before, const std::map<int, cpu_times>& after) {
  std::vector<cpu_load> out;
  for (const auto& [cpu, a] : after) {
    const auto it = before.find(cpu);
    if (it == before.end()) {
      continue;
    }
    const auto& b = it->second;
    const double busy = static_cast<double>(a.busy - b.busy);
    const double idle = static_cast<double>(a.idle - b.idle);
    const double steal = static_cast<double>(a.steal - b.steal);
    const double total = busy + idle + steal;
    if (total > 0) {
      out.push_back({cpu, busy / total, steal / total});
    }
  }
  return out;
}

double own_cpu_seconds() {
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6; };
  double total = 0;
  for (const int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    if (::getrusage(who, &u) == 0) {
      total += seconds(u.ru_utime) + seconds(u.ru_stime);
    }
  }
  return total;
}

load_monitor::load_monitor() : start_(read_proc_stat()), own_cpu_s_(own_cpu_seconds()) {}

cpu_load load_monitor::others(const std::vector<int>& cpus) const {
  const double tick_s = 1.0 / static_cast<double>(std::max(1L, ::sysconf(_SC_CLK_TCK)));
  return other_load(start_, read_proc_stat(), own_cpu_seconds() - own_cpu_s_, cpus, tick_s);
}

cpu_load other_load(const std::map<int, cpu_times>& start, const std::map<int, cpu_times>& now, double own_cpu_s,
                    const std::vector<int>& cpus, double tick_s) {
  double busy = 0;
  double total = 0;
  double steal = 0;
  for (const auto& [cpu, a] : now) {
    const auto it = start.find(cpu);
    if (it == start.end() || (!cpus.empty() && std::find(cpus.begin(), cpus.end(), cpu) == cpus.end())) {
      continue;
    }
    busy += static_cast<double>(a.busy - it->second.busy) * tick_s;
    steal += static_cast<double>(a.steal - it->second.steal) * tick_s;
    total += static_cast<double>((a.busy + a.idle + a.steal) - (it->second.busy + it->second.idle + it->second.steal)) * tick_s;
  }
  if (total <= 0) {
    return {-1, 0, 0};
  }
  return {-1, std::clamp((busy - own_cpu_s) / total, 0.0, 1.0), steal / total};
}

std::vector<int> parse_cpu_list(const std::string& text, const std::string& what) {
  std::set<int> cpus;
  const auto bad = [&](const std::string& item) {
    return input_error(fmt::format("{}: '{}' is not a CPU list; write CPU numbers and ranges, e.g. 1 or 0-1 or 2,3 "
                                   "(or auto, none)",
                                   what, item.empty() ? text : item));
  };
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    const auto dash = item.find('-');
    try {
      std::size_t used = 0;
      const int first = std::stoi(item.substr(0, dash), &used);
      if (used != item.substr(0, dash).size() || first < 0) {
        throw bad(item);
      }
      int last = first;
      if (dash != std::string::npos) {
        const std::string tail = item.substr(dash + 1);
        last = std::stoi(tail, &used);
        if (used != tail.size() || last < first) {
          throw bad(item);
        }
      }
      if (last > 65535) {
        throw bad(item);
      }
      for (int c = first; c <= last; ++c) {
        cpus.insert(c);
      }
    } catch (const std::logic_error&) {
      throw bad(item);
    }
  }
  if (cpus.empty()) {
    throw bad(text);
  }
  return {cpus.begin(), cpus.end()};
}

std::string format_cpu_list(const std::vector<int>& cpus) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) {
      ++j;
    }
    parts.push_back(j == i ? std::to_string(cpus[i]) : fmt::format("{}-{}", cpus[i], cpus[j]));
    i = j + 1;
  }
  return fmt::format("{}", fmt::join(parts, ","));
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (::sched_getaffinity(0, sizeof(set), &set) != 0) {
    return out;
  }
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) {
      out.push_back(c);
    }
  }
  return out;
}

std::vector<int> placement::cpus_for(int threads) const {
  if (mode == "none" || order.empty()) {
    return {};
  }
  const auto n = threads <= 0 ? order.size() : std::min(order.size(), static_cast<std::size_t>(threads));
  std::vector<int> cpus(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n));
  std::sort(cpus.begin(), cpus.end());
  return cpus;
}

placement choose_placement(const std::string& spec, const std::vector<int>& allowed, const std::vector<cpu_load>& load) {
  placement p;
  if (spec == "none") {
    p.mode = "none";
    p.reason = "not pinned (--cpus none): the kernel places every thread";
    return p;
  }
  if (spec == "auto") {
    p.mode = "auto";
    p.order = allowed;
    const auto busy_of = [&](int cpu) {
      for (const auto& l : load) {
        if (l.cpu == cpu) {
          return l.busy + l.steal;
        }
      }
      return 0.0;
    };
    // Busy differences under 5 points are noise of a short sample; within them, prefer the higher number.
    std::stable_sort(p.order.begin(), p.order.end(), [&](int a, int b) {
      const double ba = busy_of(a);
      const double bb = busy_of(b);
      if (std::abs(ba - bb) >= 0.05) {
        return ba < bb;
      }
      return a > b;
    });
    p.reason = "least busy allowed CPUs first, then the highest numbers (CPU 0 takes most interrupts)";
    return p;
  }
  p.mode = "list";
  p.order = parse_cpu_list(spec, "--cpus");
  std::vector<int> missing;
  for (const int c : p.order) {
    if (std::find(allowed.begin(), allowed.end(), c) == allowed.end()) {
      missing.push_back(c);
    }
  }
  if (!missing.empty()) {
    throw input_error(fmt::format("--cpus: CPU {} is not available to this process (allowed: {}); choose among those, "
                                  "or --cpus auto",
                                  format_cpu_list(missing), format_cpu_list(allowed)));
  }
  p.reason = "as given by --cpus";
  return p;
}

void pin_current_process(const std::vector<int>& cpus) {
  if (cpus.empty()) {
    return;
  }
  cpu_set_t set;
  CPU_ZERO(&set);
  for (const int c : cpus) {
    if (c >= 0 && c < CPU_SETSIZE) {
      CPU_SET(c, &set);
    }
  }
  if (::sched_setaffinity(0, sizeof(set), &set) != 0) {
    throw error(fmt::format("cannot pin the benchmark process to CPUs {} ({})", format_cpu_list(cpus),
                            std::strerror(errno)));
  }
}

scoped_thread_affinity::scoped_thread_affinity(const std::vector<int>& cpus) {
  if (!cpus.empty()) {
    saved_ = allowed_cpus();
    pin_current_process(cpus); // sched_setaffinity(0, ...) acts on the calling thread only
  }
}

scoped_thread_affinity::~scoped_thread_affinity() {
  if (!saved_.empty()) {
    try {
      pin_current_process(saved_);
    } catch (const std::exception&) { // NOLINT(bugprone-empty-catch): a destructor must not throw
    }
  }
}

std::vector<int> online_cpus() {
  std::ifstream in("/sys/devices/system/cpu/online");
  std::string text;
  if (in && std::getline(in, text) && !text.empty()) {
    try {
      return parse_cpu_list(text, "/sys/devices/system/cpu/online");
    } catch (const error&) {
    }
  }
  return allowed_cpus();
}

nlohmann::json to_json(const placement& p) {
  return {{"mode", p.mode}, {"order", p.order}, {"reason", p.reason}};
}

} // namespace gbench::host
