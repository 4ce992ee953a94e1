#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace gbench::host {

/// A malloc implementation a benchmark process can run with.
struct allocator_library {
  std::string name;           ///< glibc, tcmalloc, jemalloc
  std::string soname;         ///< what LD_PRELOAD names; empty for glibc's own malloc
  std::string debian_package; ///< where it comes from (scripts/setup installs it)
  std::string maps_marker;    ///< a file name part that shows it mapped in /proc/self/maps
};

/// glibc, tcmalloc (libtcmalloc-minimal4), jemalloc (libjemalloc2).
const std::vector<allocator_library>& allocator_libraries();
std::vector<std::string> allocator_names();
const allocator_library* find_allocator(const std::string& name);

/// Where the dynamic loader would find the library (the multiarch and usual library folders), if installed.
std::optional<std::filesystem::path> locate_allocator(const allocator_library& a);
/// The same in the given folders.
std::optional<std::filesystem::path> locate_allocator(const allocator_library& a,
                                                      const std::vector<std::filesystem::path>& dirs);

/// Checks that the named allocator can be preloaded here; throws input_error naming the Debian package.
void require_allocator(const std::string& name);

/// LD_PRELOAD for a process that is to run with `a`: its library first, then what `existing` held.
std::string preload_value(const allocator_library& a, const std::string& existing);

/// The allocator a process runs with, as seen in its memory map.
struct loaded_allocator {
  std::string name;    ///< tcmalloc, jemalloc, or glibc when neither is mapped
  std::string library; ///< the mapped file, empty for glibc
};

/// From the text of /proc/<pid>/maps.
loaded_allocator allocator_in_maps(const std::string& maps_text);
/// Of this process (/proc/self/maps); glibc when the file cannot be read.
loaded_allocator allocator_of_this_process();

} // namespace gbench::host
