#!/usr/bin/env bash
# CTest driver of the installed tree and the packages: each must run with the build folder and the torch wheel
# out of reach.
#
#   bundle_test.sh install SOURCE_DIR BUILD_DIR TORCH_LIB_DIR...   cmake --install into a fresh prefix, moved
#   bundle_test.sh package SOURCE_DIR BUILD_DIR TORCH_LIB_DIR...   CPack's archive and Debian packages
#
# Exit 77 (CTest: skipped, said on stdout) when the Debian tools CPack needs are missing.
#
# `install` installs the build, moves the prefix elsewhere (the layout must not depend on where it was
# installed) and checks the tree there. `package` runs CPack as scripts/package does but with zstd instead of
# xz (seconds instead of minutes), prints the packages' sizes and the Debian package's Depends, extracts the
# Debian packages into a scratch root (dpkg -x) and checks that tree through its /usr/bin link, runs
# graviton-bench-report from it, then unpacks the archive, whose tree must be the Debian one file for file.
# The checks of a tree:
#   - graviton-bench's RUNPATH is $ORIGIN/../lib and nothing else; a bundled library's is $ORIGIN or none;
#   - `presets`, a short run and `doctor` (and for the Debian tree a run whose process preloads tcmalloc, what
#     tune's allocator knob does) succeed from a fresh folder, with an empty environment, the source tree's
#     configs, the build folder and the wheel's libraries hidden under empty mounts (a private mount namespace;
#     when unshare cannot make one, that is said, the loader's log below still decides, and a model that exists
#     only in the installed configs shows that those are the ones read);
#   - the loader's log of every process (LD_DEBUG=libs) shows no library loaded from the build folder, the source
#     tree or the wheel, one libgomp per process, and every library of lib/ loaded: lib/ holds only what is needed.
# Under emulation GBENCH_WORKER_WRAPPER (e.g. "qemu-aarch64-static -cpu max") goes before the binary, as for
# every other run of it in the tests.
set -euo pipefail
mode="$1" source_dir="$2" build_dir="$3"
shift 3
torch_dirs=("$@")

fail() {
  printf 'FAIL: %s\n' "$*" >&2
  exit 1
}
[[ "$mode" == install || "$mode" == package ]] || fail "mode must be install or package, not '$mode'"

# Outside the build folder, which the runs must not see.
work="$(mktemp -d "${TMPDIR:-/tmp}/graviton-bench-bundle-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
wrapper=()
if [[ -n "${GBENCH_WORKER_WRAPPER:-}" ]]; then
  read -r -a wrapper <<<"$GBENCH_WORKER_WRAPPER"
fi
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { if (b < 1048576) printf "%.0f KiB", b / 1024; else printf "%.1f MiB", b / 1048576 }'; }

# --- what the runs must not reach ---------------------------------------------------------------------------
hidden=("$source_dir/configs" "$build_dir")
for d in "${torch_dirs[@]}"; do
  [[ -d "$d" ]] && hidden+=("$(realpath "$d")")
done
[[ -d "$source_dir/.venv" ]] && hidden+=("$(realpath "$source_dir/.venv")")
can_hide=0
mkdir -p "$work/probe"
if unshare -m --propagation private sh -c 'mount -t tmpfs none "$1"' sh "$work/probe" 2>/dev/null; then
  can_hide=1
else
  echo "note: unshare cannot make a private mount namespace here: the build folder and the wheel stay visible; the loader's log decides"
fi

# run_in ROOT NAME COMMAND...: runs COMMAND from a fresh folder with an empty environment, the hidden folders
# covered, LD_DEBUG=libs logged to $work/ld/NAME.<pid>. Its stdout goes to $work/NAME.out, its stderr to
# $work/NAME.err; fails with both when it exits non-zero.
run_in() {
  local name="$1"
  shift
  local cwd="$work/cwd-$name"
  mkdir -p "$cwd" "$work/ld" "$work/home"
  local env=(env -i PATH=/usr/bin:/bin HOME="$work/home" TMPDIR="$work" LD_DEBUG=libs LD_DEBUG_OUTPUT="$work/ld/$name")
  [[ -n "${GBENCH_WORKER_WRAPPER:-}" ]] && env+=(GBENCH_WORKER_WRAPPER="$GBENCH_WORKER_WRAPPER")
  local rc=0
  if ((can_hide)); then
    (cd "$cwd" && unshare -m --propagation private sh -c \
      'n=$1; shift; while [ "$n" -gt 0 ]; do mount -t tmpfs -o ro none "$1" || exit 99; shift; n=$((n - 1)); done; exec "$@"' \
      sh "${#hidden[@]}" "${hidden[@]}" "${env[@]}" "${wrapper[@]}" "$@") >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  else
    (cd "$cwd" && "${env[@]}" "${wrapper[@]}" "$@") >"$work/$name.out" 2>"$work/$name.err" || rc=$?
  fi
  if ((rc != 0)); then
    printf -- '--- stdout\n' >&2
    tail -n 30 "$work/$name.out" >&2
    printf -- '--- stderr\n' >&2
    tail -n 30 "$work/$name.err" >&2
    fail "$name: exit $rc: $*"
  fi
  echo "ok: $name ($*)"
}

# check_tree TREE COMMAND LABEL [tcmalloc]: TREE holds bin/, lib/, share/; COMMAND starts graviton-bench
# (TREE/bin/graviton-bench, or a link to it). tcmalloc: also the run with tcmalloc preloaded (the Debian tree's,
# whose libraries are the stripped ones that ship).
check_tree() {
  local tree="$1" command="$2" label="$3" tcmalloc="${4:-}"
  local bin="$tree/bin/graviton-bench"
  [[ -f "$bin" && -d "$tree/lib" && -f "$tree/share/graviton-bench/configs/presets.json" ]] ||
    fail "$label: $tree lacks bin/graviton-bench, lib/ or share/graviton-bench/configs/presets.json"
  local dyn paths
  dyn="$(readelf -d -W "$bin")"
  paths="$(sed -n 's/.*(\(RPATH\|RUNPATH\)).*\[\(.*\)\]/\1 \2/p' <<<"$dyn")"
  [[ "$paths" == 'RUNPATH $ORIGIN/../lib' ]] || fail "$label: graviton-bench's search path is '${paths//$'\n'/; }', not RUNPATH \$ORIGIN/../lib only"
  echo "ok: $label: graviton-bench has RUNPATH \$ORIGIN/../lib and no other search path"
  local lib
  for lib in "$tree"/lib/*; do
    paths="$(readelf -d -W "$lib" | sed -n 's/.*(\(RPATH\|RUNPATH\)).*\[\(.*\)\]/\2/p')"
    [[ -z "$paths" || "$paths" == '$ORIGIN' ]] || fail "$label: $(basename "$lib") searches '$paths', outside the tree"
  done

  rm -rf "$work/ld"
  run_in "$label-presets" "$command" presets
  grep -q '^default ' "$work/$label-presets.out" || fail "$label: 'presets' does not list the default preset"
  run_in "$label-run" "$command" --model tiny-mlp --batch 8 --iters 5 --warmup 2 --no-profile --json "$work/$label-report.json"
  python3 - "$work/$label-report.json" <<'EOF' || fail "$label: the short run's report does not hold the 5 timed forwards"
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if len(r["runs"][0]["results"][0]["samples_ns"]) == 5 else 1)
EOF
  run_in "$label-doctor" "$command" doctor --model tiny-mlp --batch 8 --preset default
  grep -q '^libtorch' "$work/$label-doctor.out" || fail "$label: the doctor printed no libtorch section"
  if [[ -n "$tcmalloc" ]]; then
    # tune's allocator knob: the preset's process starts with LD_PRELOAD=libtcmalloc_minimal.so.4. A process
    # that ran with another allocator fails the run (exit 6), so exit 0 means the preload took.
    printf '{ "presets": [ { "name": "tcmalloc", "description": "tcmalloc preloaded", "env": {}, "allocator": "tcmalloc" } ] }\n' \
      >"$work/tcmalloc.json"
    run_in "$label-tcmalloc" "$command" --presets "$work/tcmalloc.json" --preset tcmalloc --model tiny-mlp --batch 8 \
      --iters 2 --warmup 1 --no-profile
  fi

  # The loader's log: every library of every process (the runs start workers and probes).
  local loaded
  loaded="$(cat "$work"/ld/* | sed -n 's/.*calling init: //p' | xargs -r realpath -m | sort | uniq -c)"
  [[ -n "$loaded" ]] || fail "$label: LD_DEBUG=libs logged nothing (no 'calling init' line in $work/ld)"
  local bad
  bad="$(for root in "$source_dir" "${hidden[@]}"; do awk -v r="$root/" 'index($2, r) == 1 { print "  " $2 }' <<<"$loaded"; done | sort -u)"
  [[ -z "$bad" ]] || fail "$label: libraries loaded from the build, the source tree or the wheel:"$'\n'"$bad"
  local real_lib
  real_lib="$(realpath "$tree/lib")"
  for lib in "$real_lib"/*; do
    grep -qF " $lib" <<<"$loaded" || fail "$label: lib/$(basename "$lib") is bundled but no process loaded it"
  done
  # A library the wheel has, loaded from elsewhere (the system's libgomp, say): the tree lacks it.
  local name d
  for name in $(cat "$work"/ld/* | sed -n 's/.*calling init: //p' | grep -vF "$tree/" | xargs -r -n1 basename | sort -u); do
    for d in "${torch_dirs[@]}"; do
      [[ -e "$d/$name" && ! -e "$tree/lib/$name" ]] && fail "$label: $name was loaded from the system, though the wheel has it: the tree's lib/ lacks it"
    done
  done
  local f
  for f in "$work"/ld/*; do
    (($(sed -n 's/.*calling init: //p' "$f" | grep -c '/libgomp[^/]*$') <= 1)) || fail "$label: two libgomp in one process ($f)"
  done
  if [[ -n "$tcmalloc" ]]; then
    grep -q 'calling init: .*/libtcmalloc_minimal\.so\.4' "$work"/ld/"$label"-tcmalloc.* ||
      fail "$label: no process of the tcmalloc run loaded libtcmalloc_minimal.so.4"
  fi
  echo "ok: $label: $(cat "$work"/ld/* | grep -c 'calling init:' ) library loads in $(ls "$work/ld" | wc -l) processes; from the tree's lib/: $(awk -v r="$real_lib/" 'index($2, r) == 1 { n++ } END { print n + 0 }' <<<"$loaded") of $(ls "$real_lib" | wc -l) libraries, none from the build, the source tree or the wheel"
  echo "   loaded: $(awk '{ print $2 }' <<<"$loaded" | xargs -n1 basename | tr '\n' ' ')"
}

if [[ "$mode" == install ]]; then
  prefix="$work/prefix" moved="$work/moved/elsewhere"
  cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log" || { cat "$work/install.log" >&2; fail "cmake --install"; }
  { grep -E 'Bundled|Left to the system' "$work/install.log" || true; } | sed 's/^-- /   /'
  mkdir -p "$work/moved"
  mv "$prefix" "$moved"
  # Every config and every published schema of the source tree is installed.
  (cd "$source_dir" && find configs schemas -type f) | while read -r f; do
    [[ -f "$moved/share/graviton-bench/$f" ]] || fail "the installed tree lacks share/graviton-bench/$f"
  done
  echo "installed tree: $(du -sh "$moved" | cut -f1); lib/: $(for l in "$moved"/lib/*; do printf '%s (%s) ' "$(basename "$l")" "$(mib "$l")"; done)"
  check_tree "$moved" "$moved/bin/graviton-bench" installed
  if ((!can_hide)); then
    # The source tree's configs were in reach: a model that exists only in the installed configs shows that the
    # binary reads share/graviton-bench/configs beside itself.
    python3 - "$moved/share/graviton-bench/configs/models" <<'EOF'
import json, sys
m = json.load(open(f"{sys.argv[1]}/tiny-mlp.json"))
m["name"] = "install-check"
json.dump(m, open(f"{sys.argv[1]}/install-check.json", "w"))
EOF
    run_in installed-configs "$moved/bin/graviton-bench" --model install-check --batch 2 --warmup 0 --iters 2 --no-profile
  fi
  exit 0
fi

# --- package ---------------------------------------------------------------------------------------------------
for tool in dpkg-shlibdeps file; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "NOT TESTED: no $tool here, which CPack needs for the Debian package's Depends (Debian: dpkg-dev, file; scripts/package installs them)"; exit 77; }
done
# The packages scripts/package makes, compressed with zstd instead of xz: the same files in a few seconds
# instead of minutes (their sizes below are the zstd ones).
start=$SECONDS
cpack --config "$build_dir/CPackConfig.cmake" -B "$work/packages" -G "TZST;DEB" -D CPACK_DEBIAN_COMPRESSION_TYPE=zstd \
  >"$work/cpack.log" 2>&1 || { tail -n 40 "$work/cpack.log" >&2; fail "cpack"; }
echo "cpack (zstd): $((SECONDS - start)) s"
shopt -s nullglob
archive=("$work"/packages/graviton-bench-*.tar.zst)
debs=("$work"/packages/graviton-bench_*.deb)
report_debs=("$work"/packages/graviton-bench-report_*.deb)
((${#archive[@]} == 1 && ${#debs[@]} == 1 && ${#report_debs[@]} == 1)) ||
  fail "cpack made $(ls "$work/packages" | tr '\n' ' '), not one .tar.zst, one graviton-bench_*.deb and one graviton-bench-report_*.deb"
for p in "${archive[0]}" "${debs[0]}" "${report_debs[0]}"; do
  echo "package size: $(basename "$p"): $(mib "$p")"
done
echo "installed size of $(basename "${debs[0]}"): $(dpkg-deb -f "${debs[0]}" Installed-Size) KiB"

# The Debian package: its dependencies, its layout, then the checks through /usr/bin/graviton-bench.
depends="$(dpkg-deb -f "${debs[0]}" Depends)"
echo "Depends: $depends"
for want in libc6 libstdc++6 libgcc-s1 libfmt9 libssl3; do
  [[ ", $depends," == *", $want "* || ", $depends," == *", $want,"* ]] ||
    fail "the package does not depend on $want: Depends: $depends"
done
root="$work/root"
dpkg -x "${debs[0]}" "$root"
dpkg -x "${report_debs[0]}" "$root"
case "$(readelf -h "$root/usr/lib/graviton-bench/bin/graviton-bench" | sed -n 's/^ *Machine: *//p')" in
  AArch64) want_arch=arm64 ;;
  *X86-64) want_arch=amd64 ;;
  *) want_arch="unknown" ;;
esac
arch="$(dpkg-deb -f "${debs[0]}" Architecture)"
[[ "$arch" == "$want_arch" ]] || fail "the package says Architecture: $arch, its binary is for $want_arch"
echo "Architecture: $arch; graviton-bench-report: $(dpkg-deb -f "${report_debs[0]}" Architecture), Depends: $(dpkg-deb -f "${report_debs[0]}" Depends)"
[[ "$(readlink "$root/usr/bin/graviton-bench")" == ../lib/graviton-bench/bin/graviton-bench ]] ||
  fail "usr/bin/graviton-bench is not a link to ../lib/graviton-bench/bin/graviton-bench"
[[ -z "$(cd "$root" && find . -path ./usr/lib/graviton-bench -prune -o -path ./usr/bin -prune -o -type f -print)" ]] ||
  fail "the packages install files outside /usr/lib/graviton-bench and /usr/bin"
check_tree "$root/usr/lib/graviton-bench" "$root/usr/bin/graviton-bench" deb tcmalloc

# graviton-bench-report through its link: without matplotlib it says what is missing; with it (the project's
# .venv), it writes the HTML report of the short run.
if ! python3 -c 'import matplotlib' 2>/dev/null; then
  rc=0
  GBENCH_REPORT_PYTHON=python3 "$root/usr/bin/graviton-bench-report" "$work/deb-report.json" >/dev/null 2>"$work/report-no-mpl.err" || rc=$?
  ((rc == 1)) && grep -q 'needs Python 3 with matplotlib' "$work/report-no-mpl.err" ||
    fail "graviton-bench-report without matplotlib: exit $rc, $(cat "$work/report-no-mpl.err")"
  echo "ok: graviton-bench-report without matplotlib: exit 1, $(cat "$work/report-no-mpl.err")"
fi
venv_python="$source_dir/.venv/bin/python"
if [[ -x "$venv_python" ]] && "$venv_python" -c 'import matplotlib' 2>/dev/null; then
  GBENCH_REPORT_PYTHON="$venv_python" "$root/usr/bin/graviton-bench-report" -o "$work/report-out" --html "$work/report-out/report.html" \
    "$work/deb-report.json" >"$work/report.log" 2>&1 || { cat "$work/report.log" >&2; fail "graviton-bench-report"; }
  [[ -s "$work/report-out/report.html" ]] || fail "graviton-bench-report wrote no report.html"
  echo "ok: graviton-bench-report (with $venv_python) wrote report.html ($(mib "$work/report-out/report.html"))"
else
  echo "NOT TESTED: graviton-bench-report's charts: no Python with matplotlib at $venv_python"
fi

# The archive: one folder holding, byte for byte, the tree the Debian packages put under /usr/lib/graviton-bench
# (checked and run above), both components.
mkdir -p "$work/archive"
(cd "$work/archive" && cmake -E tar xf "${archive[0]}")
top=("$work"/archive/*)
((${#top[@]} == 1)) || fail "the archive holds ${#top[@]} top-level entries, not one folder"
diff -r --no-dereference "${top[0]}" "$root/usr/lib/graviton-bench" >"$work/archive.diff" ||
  { head -n 20 "$work/archive.diff" >&2; fail "the archive's tree differs from the Debian packages' /usr/lib/graviton-bench"; }
echo "ok: the archive's $(basename "${top[0]}")/ is the Debian packages' /usr/lib/graviton-bench, file for file"
