#pragma once

#include <string>

namespace gbench::util {

/// Whether everything written to stdout reached it: std::cout writes through C's stdout (synchronised, the
/// default), so flushing both and reading their error flags sees every failed write (a full disk, /dev/full, a
/// closed descriptor), early or at the last flush. Returns the message naming where stdout goes, or empty.
std::string stdout_fault();

} // namespace gbench::util
