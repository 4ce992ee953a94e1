# Cross-compiles graviton-bench for aarch64 Linux on an x86_64 Debian host (scripts/build-aarch64 uses it).
#
#   cmake -S . -B build/aarch64 --toolchain scripts/aarch64-toolchain.cmake \
#         -DGBENCH_AARCH64_TORCH=<unpacked aarch64 torch wheel>   # the folder holding torch/ and torch.libs/
#
# Compiler: Debian's g++-aarch64-linux-gnu. Libraries: arm64 Debian packages installed through multiarch
# (/usr/lib/aarch64-linux-gnu, e.g. libfmt-dev:arm64); header-only packages (CLI11, nlohmann_json, Catch2)
# are found where they are for the host, their CMake configs being architecture-independent. LibTorch: the
# aarch64 wheel of PyPI, unpacked (-DGBENCH_AARCH64_TORCH); Torch_DIR is aarch64-torch/, which imports its CPU part.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Debian multiarch: find_package/find_library look in <prefix>/lib/aarch64-linux-gnu, never in the host's
# x86_64-linux-gnu folders.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# The wheel's location must survive into try_compile projects, which re-read this file.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES GBENCH_AARCH64_TORCH GBENCH_AARCH64_QEMU_CPU GBENCH_AARCH64_QEMU_ROOT)
if(NOT GBENCH_AARCH64_TORCH AND DEFINED ENV{GBENCH_AARCH64_TORCH})
  set(GBENCH_AARCH64_TORCH "$ENV{GBENCH_AARCH64_TORCH}")
endif()
if(GBENCH_AARCH64_TORCH)
  # The CPU part of the wheel's LibTorch (see aarch64-torch/TorchConfig.cmake for why not the wheel's config).
  set(Torch_DIR "${CMAKE_CURRENT_LIST_DIR}/aarch64-torch" CACHE PATH "aarch64 LibTorch: the CPU part of the wheel")
  # libtorch_cpu.so needs the libraries beside it (PyPI's wheel: ACL, NVPL BLAS, libgomp) or those auditwheel put
  # in torch.libs (CPU wheels). A cross linker does not follow a library's own RPATH, so both folders are named.
  set(_gbench_rpath_link "${GBENCH_AARCH64_TORCH}/torch/lib:${GBENCH_AARCH64_TORCH}/torch.libs")
  set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_gbench_rpath_link}")
  set(CMAKE_SHARED_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_gbench_rpath_link}")
endif()

# Programs (cmake, python, git) are the host's; headers and libraries are looked up normally (multiarch above).
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config is the host's: without this it hands FindOpenSSL (and any other pkg-config user) the x86_64
# libraries, and the cross linker fails on them ("file in wrong format"). The arm64 .pc files come with the
# :arm64 -dev packages scripts/build-aarch64 installs.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/pkgconfig:/usr/share/pkgconfig")

# Test discovery (catch_discover_tests) and CTest run aarch64 binaries through qemu-user. The CPU defaults to
# a Graviton3-class one: SVE at 256 bits, BF16, I8MM. GBENCH_AARCH64_QEMU_ROOT (qemu's -L) holds the
# /proc/cpuinfo and MIDR files of a Graviton3 (scripts/build-aarch64 writes it); without it the emulated
# process sees the host's /proc/cpuinfo. The arm64 C library itself comes from Debian's multiarch packages.
if(NOT GBENCH_AARCH64_QEMU_CPU)
  set(GBENCH_AARCH64_QEMU_CPU "max,sve256=on")
endif()
find_program(GBENCH_QEMU_AARCH64 NAMES qemu-aarch64-static qemu-aarch64)
if(GBENCH_QEMU_AARCH64)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${GBENCH_QEMU_AARCH64};-cpu;${GBENCH_AARCH64_QEMU_CPU}")
  if(GBENCH_AARCH64_QEMU_ROOT)
    list(APPEND CMAKE_CROSSCOMPILING_EMULATOR "-L" "${GBENCH_AARCH64_QEMU_ROOT}")
  endif()
endif()
