#pragma once

#include <filesystem>
#include <string>

namespace gbench::util {

/// Writes `content` to `path` atomically: a temporary file in the same directory, flushed, then renamed
/// over `path`. A reader sees the old file or the new one, never a torn one. A symbolic link is followed: the
/// file it names is replaced, the link stays. A path that is not a regular file (a device such as /dev/null, a
/// pipe, /dev/stdout) is written in place, every write checked. Throws output_error naming the path and the cause.
void write_file_atomically(const std::filesystem::path& path, const std::string& content);

/// Checks before any work that `path` can be written: its directory exists and takes a new file, and
/// `path` itself is not a directory or a read-only file (a device or pipe: that it may be opened for writing).
/// `option` names the flag in the message.
void check_writable(const std::filesystem::path& path, const std::string& option);

/// A fresh private directory, removed with everything in it when the object goes.
class temp_dir {
public:
  explicit temp_dir(const std::string& prefix = "graviton-bench");
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

/// The whole file; throws input_error naming it when it cannot be opened.
std::string read_text_file(const std::filesystem::path& path);

} // namespace gbench::util
