#!/bin/sh
# Test-only worker wrapper (GBENCH_WORKER_WRAPPER="sh hang-worker.sh [inner wrapper]"): a preset that sets the
# knob GBENCH_TEST_HANG=1 gets a worker that never finishes, ignores SIGTERM and leaves a helper in its process
# group; every other preset runs normally.
if [ "${GBENCH_TEST_HANG:-}" = 1 ]; then
  trap '' TERM
  sleep 600 &
  [ -n "${GBENCH_TEST_HANG_READY:-}" ] && : > "$GBENCH_TEST_HANG_READY"
  while :; do sleep 1; done
fi
exec "$@"
