# Shared by the scripts (source it; it is not a command): the command line (--help, bad options), Debian
# packages, configure and build through CMakePresets.json, the qemu-user lookup. Each function says what went
# wrong and exits with the code its caller documents. Sourcing it does nothing but define these.
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # sets gbench_root; say() prefixes the script's name

gbench_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
gbench_script="$(basename "${BASH_SOURCE[1]:-$0}")"
gbench_script_path="$(cd "$(dirname "${BASH_SOURCE[1]:-$0}")" && pwd)/$gbench_script"

say() { printf '%s: %s\n' "$gbench_script" "$*" >&2; }

# --- the command line: each script's usage is its header comment, printed by --help ------------------

# gbench_usage
# Prints the calling script's header comment (the lines after #! up to the first that is not a comment),
# without the "# ". Every script's --help is this and nothing else: it runs, installs and writes nothing.
gbench_usage() {
  awk 'NR == 1 && /^#!/ { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$gbench_script_path"
}

# gbench_unknown_option OPTION
# Exits 2 (a bad command line) with one line naming OPTION.
gbench_unknown_option() {
  say "unknown option '$1' (see scripts/$gbench_script --help)"
  exit 2
}

# gbench_value OPTION [VALUE...]    e.g.  out="$(gbench_value "$@")"; shift 2
# Prints the value that follows OPTION; exits 2 naming OPTION when there is none (or it is empty).
gbench_value() {
  [[ $# -ge 2 && -n "$2" ]] || { say "$1 needs a value (see scripts/$gbench_script --help)"; exit 2; }
  printf '%s\n' "$2"
}

# gbench_check_ctest_args [CTEST ARGUMENTS...]
# Exits 2, with ctest's own words, when ctest does not accept the arguments: they are parsed by ctest in an
# empty scratch folder (--show-only: nothing is run) before anything is installed or built. Without a ctest on
# the PATH yet (a machine not set up), the arguments are left for the ctest that runs the tests.
gbench_check_ctest_args() {
  (($#)) || return 0
  command -v ctest >/dev/null 2>&1 || return 0
  local scratch out
  scratch="$(mktemp -d)"
  out="$(cd "$scratch" && ctest --show-only "$@" 2>&1)" || true
  rm -rf "$scratch"
  out="$(grep -m1 '^CMake Error: ' <<<"$out" || true)"
  [[ -z "$out" ]] || { say "${out#CMake Error: } (an argument for ctest; see ctest --help)"; exit 2; }
}

# Parallel jobs of a build or a test run: the machine's cores.
gbench_jobs() { nproc 2>/dev/null || echo 2; }

gbench_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# gbench_apt_install EXIT_CODE WHAT PACKAGE...
# Installs the packages that are not installed yet (as root, or through sudo), adding dpkg's arm64
# architecture first when an ":arm64" package is asked for. Exits EXIT_CODE, naming WHAT and the packages,
# when they cannot be installed.
gbench_apt_install() {
  local code="$1" what="$2" sudo="" p log
  shift 2
  local missing=()
  for p in "$@"; do gbench_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { say "$what missing: ${missing[*]}; install them as root"; exit "$code"; }
    sudo="sudo"
  fi
  if [[ " ${missing[*]} " == *":arm64 "* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    say "adding the arm64 architecture to dpkg (multiarch)"
    $sudo dpkg --add-architecture arm64
  fi
  say "installing Debian packages: ${missing[*]}"
  log="$(mktemp)"
  if ! { $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    rm -f "$log"
    say "$what could not be installed: ${missing[*]}"
    exit "$code"
  fi
  rm -f "$log"
}

# gbench_configure [--again] PRESET BUILD_DIR [CMAKE ARGUMENTS...]
# Configures BUILD_DIR from the preset of CMakePresets.json, once: a configured folder is left to CMake,
# which reconfigures by itself when a CMakeLists.txt changes (--again: configure it anyway, e.g. with other
# -D values). A compiler launcher such as ccache comes from CMake's own CMAKE_CXX_COMPILER_LAUNCHER
# environment variable, read when a folder is first configured. Exits 1 with the log on failure.
gbench_configure() {
  local again=0
  [[ "$1" == "--again" ]] && { again=1; shift; }
  local preset="$1" build="$2"
  shift 2
  [[ -f "$build/CMakeCache.txt" ]] && ((!again)) && return 0
  say "configuring $build (preset $preset)"
  mkdir -p "$build"
  (cd "$gbench_root" && cmake --preset "$preset" -B "$build" "$@") >"$build/configure.log" 2>&1 ||
    { cat "$build/configure.log" >&2; say "configure failed (log: $build/configure.log)"; exit 1; }
}

# gbench_build BUILD_DIR [TARGET]
# Builds everything, or one target. Quiet when nothing was to do; exits 1 with the end of the log on failure.
gbench_build() {
  local build="$1" target="${2:-}" log="$1/build.log"
  local args=(--build "$build" -j "$(gbench_jobs)")
  [[ -n "$target" ]] && args+=(--target "$target")
  if ! cmake "${args[@]}" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    say "build failed (log: $log)"
    exit 1
  fi
  if grep -q 'Building CXX\|Linking CXX' "$log"; then say "built ${target:-all targets} in $build"; fi
}

# gbench_qemu [--install]
# Prints the path of the qemu-user binary: $GBENCH_AARCH64_QEMU, else qemu-aarch64-static (installed from
# Debian's qemu-user-static with --install). Exits 4 when there is none.
gbench_qemu() {
  local cmd="${GBENCH_AARCH64_QEMU:-qemu-aarch64-static}" path
  if [[ "${1:-}" == "--install" && -z "${GBENCH_AARCH64_QEMU:-}" ]]; then
    gbench_apt_install 4 "qemu-user" qemu-user-static
  fi
  path="$(command -v "$cmd" || true)"
  [[ -n "$path" ]] || { say "qemu-user is not available: no '$cmd' on the PATH (Debian: qemu-user-static)"; exit 4; }
  printf '%s\n' "$path"
}

# gbench_sanitizer_env
# Exports the sanitizers' options for a run of the dev build (scripts/test-sanitizers, scripts/fuzz): leaks
# checked, reports with stacks. Nothing is suppressed: the suite runs clean, LibTorch included. Options already in
# the environment come last, so they win.
gbench_sanitizer_env() {
  export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
}
