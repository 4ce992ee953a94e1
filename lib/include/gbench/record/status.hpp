#pragma once

#include "gbench/record/json_reader.hpp"

namespace gbench::record {

/// "ok" or "failed": the status word of a run, a batch result or a batch's evidence.
const char* status_word(bool ok);

/// The node's "status" member: true for "ok", false for "failed"; anything else is an error naming it.
bool read_status(const node& n);

} // namespace gbench::record
