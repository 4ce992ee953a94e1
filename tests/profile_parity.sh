#!/usr/bin/env bash
# CTest driver of tests/profile_parity.py check: profiles tiny-mlp with graviton-bench (report and Chrome
# trace), then checks its operator table against PyTorch's own aggregation of the same recorded events, and
# its operators and call counts against the recipe run in Python. Nothing timed is compared between runs
# (scripts/profile-parity measures that).
# Usage: profile_parity.sh GRAVITON_BENCH PYTHON CONFIGS_DIR
# Exit 77 (CTest: skipped, said on stdout) when PYTHON has no torch to compare with.
set -euo pipefail
bench="$1" python="$2" configs="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

model=tiny-mlp batch=32 warmup=5 iterations=20 threads=1

if [[ ! -x "$python" ]] || ! "$python" -c 'import torch' >/dev/null 2>&1; then
  echo "NOT TESTED: no Python with torch at $python; run scripts/setup (it creates .venv) or configure with -DGBENCH_PYTHON=..."
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$bench" --configs "$configs" --model "$model" --batch "$batch" --preset default --warmup "$warmup" \
  --iters "$iterations" --threads "$threads" --json "$work/report.json" --trace "$work/trace" >"$work/bench.out"
echo "graviton-bench's table:"
cat "$work/bench.out"
echo
"$python" "$here/profile_parity.py" check --report "$work/report.json" --trace "$work/trace/default-b$batch.json" \
  --model "$configs/models/$model.json" --batch "$batch" --warmup "$warmup" --iterations "$iterations" --threads "$threads"
