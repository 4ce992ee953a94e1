#!/usr/bin/env bash
# CTest driver of tests/profile_parity.py: profiles tiny-mlp with graviton-bench, then has Python's
# torch.profiler run the recipe's loop with the same settings and compares the two operator tables.
# Usage: profile_parity.sh GRAVITON_BENCH PYTHON CONFIGS_DIR
set -euo pipefail
bench="$1" python="$2" configs="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# 1000 profiled forwards of tiny-mlp take a few hundred ms per side, and dilute a preempted call to a few
# points of share (200 forwards let one move a share by 15); one thread on both sides, so neither table
# depends on how the two runtimes split work over the cores.
model=tiny-mlp batch=32 warmup=50 iterations=1000 threads=1

if [[ ! -x "$python" ]]; then
  echo "error: no Python at $python; run scripts/setup (it creates .venv) or configure with -DGBENCH_PYTHON=…" >&2
  exit 2
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$bench" --configs "$configs" --model "$model" --batch "$batch" --preset default --warmup "$warmup" \
  --iters "$iterations" --threads "$threads" --json "$work/report.json" >"$work/bench.out"
echo "graviton-bench's table:"
cat "$work/bench.out"
echo
"$python" "$here/profile_parity.py" --report "$work/report.json" --model "$configs/models/$model.json" \
  --batch "$batch" --warmup "$warmup" --iterations "$iterations" --threads "$threads"
