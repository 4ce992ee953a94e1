#pragma once

/// The conversation of a lockstep worker with the orchestrator (docs/statistics.md, "Lockstep"). The worker
/// loads its model, then waits on a blocking read of its stdin for orders, one JSON object a line, and answers
/// each on descriptor 3, one JSON object a line:
///
///   order                                   answer
///   (none: it has loaded its model)         {"hello": 1}
///   {"do": "batch", "batch": B}             {"ready": B, "forward_ns": x, "warmup": n, "steady": true}
///   {"do": "turn", "forwards": N}           {"turned": k, "ns": total}   (k: its turn count at this batch)
///   {"do": "end", "profile": true}          {"written": B}               (the batch's record is in its stream)
///   {"do": "quit"}                          (none: it writes "done" and exits 0)
///
/// A failing batch answers {"failed": B, "error": "..."} to its order and is recorded as failed; the next one
/// may follow. Only one worker runs at a time; the others wait on their read, without spinning.
namespace gbench::run {

/// The version of this conversation; a worker of another answers its own in "hello", and is not used.
inline constexpr int turn_protocol = 1;

} // namespace gbench::run
