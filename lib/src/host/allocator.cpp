#include "gbench/host/allocator.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "gbench/error.hpp"

namespace gbench::host {

const std::vector<allocator_library>& allocator_libraries() {
  static const std::vector<allocator_library> libs{
      {"glibc", "", "libc6", ""},
      {"tcmalloc", "libtcmalloc_minimal.so.4", "libtcmalloc-minimal4", "libtcmalloc"},
      {"jemalloc", "libjemalloc.so.2", "libjemalloc2", "libjemalloc"},
  };
  return libs;
}

std::vector<std::string> allocator_names() {
  std::vector<std::string> out;
  for (const auto& a : allocator_libraries()) {
    out.push_back(a.name);
  }
  return out;
}

const allocator_library* find_allocator(const std::string& name) {
  const auto& libs = allocator_libraries();
  const auto it = std::find_if(libs.begin(), libs.end(), [&](const allocator_library& a) { return a.name == name; });
  return it == libs.end() ? nullptr : &*it;
}

namespace {

std::vector<std::filesystem::path> library_dirs() {
#if defined(__aarch64__)
  const std::string triplet = "aarch64-linux-gnu";
#elif defined(__x86_64__)
  const std::string triplet = "x86_64-linux-gnu";
#else
  const std::string triplet;
#endif
  std::vector<std::filesystem::path> dirs;
  if (!triplet.empty()) {
    dirs.push_back("/usr/lib/" + triplet);
    dirs.push_back("/lib/" + triplet);
  }
  for (const char* d : {"/usr/lib64", "/usr/lib", "/lib64", "/lib", "/usr/local/lib"}) {
    dirs.emplace_back(d);
  }
  return dirs;
}

} // namespace

std::optional<std::filesystem::path> locate_allocator(const allocator_library& a) {
  return locate_allocator(a, library_dirs());
}

std::optional<std::filesystem::path> locate_allocator(const allocator_library& a,
                                                      const std::vector<std::filesystem::path>& dirs) {
  if (a.soname.empty()) {
    return std::filesystem::path{};
  }
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (std::filesystem::exists(dir / a.soname, ec)) {
      return dir / a.soname;
    }
  }
  return std::nullopt;
}

void require_allocator(const std::string& name) {
  const allocator_library* a = find_allocator(name);
  if (a == nullptr) {
    throw input_error(fmt::format("allocator '{}' is unknown; expected one of glibc, tcmalloc, jemalloc", name));
  }
  if (!locate_allocator(*a)) {
    throw input_error(fmt::format("allocator {}: {} is not installed; install the Debian package {} (scripts/setup "
                                  "does: apt-get install {}), or leave {} out of the search",
                                  name, a->soname, a->debian_package, a->debian_package, name));
  }
}

std::string preload_value(const allocator_library& a, const std::string& existing) {
  if (a.soname.empty()) {
    return existing;
  }
  return existing.empty() ? a.soname : a.soname + ":" + existing;
}

loaded_allocator allocator_in_maps(const std::string& maps_text) {
  std::istringstream in(maps_text);
  for (std::string line; std::getline(in, line);) {
    const auto slash = line.find('/');
    if (slash == std::string::npos) {
      continue;
    }
    const std::string path = line.substr(slash);
    const std::string file = std::filesystem::path(path).filename().string();
    for (const auto& a : allocator_libraries()) {
      if (!a.maps_marker.empty() && file.starts_with(a.maps_marker)) {
        return {a.name, path};
      }
    }
  }
  return {"glibc", ""};
}

loaded_allocator allocator_of_this_process() {
  std::ifstream in("/proc/self/maps");
  std::stringstream text;
  text << in.rdbuf();
  return allocator_in_maps(text.str());
}

} // namespace gbench::host
