#include "gbench/host/host_info.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#endif

#include "gbench/error.hpp"
#include "gbench/util/files.hpp"

namespace gbench::host {

namespace {

// A kernel file, or nothing where this kernel does not provide it.
std::string read_file(const std::string& path) {
  try {
    return util::read_text_file(path);
  } catch (const error&) {
    return {};
  }
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) {
    return {};
  }
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

struct arm_part {
  unsigned implementer;
  unsigned part;
  const char* name;
};

// Arm Neoverse parts (MIDR implementer 0x41) and what AWS sells them as.
constexpr std::array<arm_part, 7> arm_parts{{
    {0x41, 0xd0c, "Neoverse N1 (Graviton2)"},
    {0x41, 0xd40, "Neoverse V1 (Graviton3)"},
    {0x41, 0xd49, "Neoverse N2"},
    {0x41, 0xd4f, "Neoverse V2 (Graviton4)"},
    {0x41, 0xd8e, "Neoverse N3"},
    {0x41, 0xd84, "Neoverse V3"},
    {0x41, 0xd0d, "Cortex-A77"},
}};

// Features worth reporting for the knobs: bf16 GEMM paths on both architectures, SVE, int8 dot products (VNNI,
// AMX-INT8, SDOT, I8MM: the int8 roof of peak).
constexpr std::array<std::string_view, 21> interesting{
    "avx2",           "avx512f",  "avx512bw", "avx512vl",    "avx512dq", "avx512_bf16", "avx512_vnni",
    "avx_vnni",       "amx_int8", "avx_ne_convert", "amx_bf16", "amx_tile", "avx512_fp16", "amx_fp16",
    "asimd",          "asimddp",  "bf16",     "sve",      "sve2",        "i8mm",     "svebf16"};

#if defined(__aarch64__) && defined(__linux__)
// The Arm features from the kernel's auxiliary vector rather than from /proc/cpuinfo's text: the same answer on
// real hardware, and the right one under qemu-user, which emulates the auxiliary vector of the CPU it emulates
// but shows the host's /proc/cpuinfo.
std::vector<std::string> arm_hwcap_features() {
  const unsigned long hw = getauxval(AT_HWCAP);
  const unsigned long hw2 = getauxval(AT_HWCAP2);
  const std::array<std::pair<bool, const char*>, 7> bits{{{(hw & HWCAP_ASIMD) != 0, "asimd"},
                                                          {(hw & HWCAP_ASIMDDP) != 0, "asimddp"},
                                                          {(hw2 & HWCAP2_BF16) != 0, "bf16"},
                                                          {(hw & HWCAP_SVE) != 0, "sve"},
                                                          {(hw2 & HWCAP2_SVE2) != 0, "sve2"},
                                                          {(hw2 & HWCAP2_I8MM) != 0, "i8mm"},
                                                          {(hw2 & HWCAP2_SVEBF16) != 0, "svebf16"}}};
  std::vector<std::string> out;
  for (const auto& [present, name] : bits) {
    if (present) {
      out.emplace_back(name);
    }
  }
  return out;
}
#endif

} // namespace

bool host_info::has_feature(const std::string& name) const {
  return std::find(isa_features.begin(), isa_features.end(), name) != isa_features.end();
}

cpuinfo_facts parse_cpuinfo(const std::string& text) {
  cpuinfo_facts facts;
  std::istringstream in(text);
  std::string line;
  unsigned implementer = 0;
  unsigned part = 0;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    const std::string key = trim(std::string_view(line).substr(0, colon));
    const std::string value = trim(std::string_view(line).substr(colon + 1));
    if (key == "model name" && facts.cpu_model.empty()) {
      facts.cpu_model = value;
    } else if ((key == "flags" || key == "Features") && facts.flags.empty()) {
      std::istringstream words(value);
      for (std::string w; words >> w;) {
        facts.flags.push_back(w);
      }
    } else if (key == "CPU implementer" && implementer == 0) {
      implementer = static_cast<unsigned>(std::stoul(value, nullptr, 0));
    } else if (key == "CPU part" && part == 0) {
      part = static_cast<unsigned>(std::stoul(value, nullptr, 0));
    }
  }
  for (const auto& p : arm_parts) {
    if (p.implementer == implementer && p.part == part) {
      facts.microarchitecture = p.name;
    }
  }
  if (facts.cpu_model.empty() && implementer != 0) {
    facts.cpu_model = facts.microarchitecture.empty()
                          ? "Arm implementer " + std::to_string(implementer) + " part " + std::to_string(part)
                          : facts.microarchitecture;
  }
  return facts;
}

std::string parse_thp_mode(const std::string& text) {
  const auto open = text.find('[');
  const auto close = text.find(']', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) {
    return "unavailable";
  }
  return text.substr(open + 1, close - open - 1);
}

std::optional<std::int64_t> parse_meminfo_bytes(const std::string& text, const std::string& field) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream rest(line.substr(field.size() + 1));
      std::int64_t kib = 0;
      if (rest >> kib) {
        return kib * 1024;
      }
    }
  }
  return std::nullopt;
}

host_info query_host() {
  host_info h;
  utsname u{};
  if (uname(&u) == 0) {
    h.hostname = u.nodename;
    h.arch = u.machine;
    h.kernel = u.release;
  }
  const cpuinfo_facts facts = parse_cpuinfo(read_file("/proc/cpuinfo"));
  h.cpu_model = facts.cpu_model;
  h.microarchitecture = facts.microarchitecture;
  for (const auto& f : interesting) {
    if (std::find(facts.flags.begin(), facts.flags.end(), f) != facts.flags.end()) {
      h.isa_features.emplace_back(f);
    }
  }
#if defined(__aarch64__) && defined(__linux__)
  h.isa_features = arm_hwcap_features();
#endif
  h.cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
#if defined(__aarch64__) && defined(__linux__) && defined(PR_SVE_GET_VL)
  if (h.has_feature("sve")) {
    const int vl = prctl(PR_SVE_GET_VL);
    if (vl > 0) {
      h.sve_vector_bits = (vl & PR_SVE_VL_LEN_MASK) * 8;
    }
  }
#endif
  h.thp_mode = parse_thp_mode(read_file("/sys/kernel/mm/transparent_hugepage/enabled"));
  const std::string meminfo = read_file("/proc/meminfo");
  h.mem_available_bytes = parse_meminfo_bytes(meminfo, "MemAvailable").value_or(0);
  h.mem_total_bytes = parse_meminfo_bytes(meminfo, "MemTotal").value_or(0);
  std::istringstream loadavg(read_file("/proc/loadavg"));
  loadavg >> h.load_average;
  return h;
}

std::optional<std::int64_t> anon_huge_pages_bytes() {
  return parse_meminfo_bytes(read_file("/proc/self/smaps_rollup"), "AnonHugePages");
}

} // namespace gbench::host
