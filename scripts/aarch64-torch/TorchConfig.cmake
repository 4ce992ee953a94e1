# The CPU part of an aarch64 LibTorch wheel, as find_package(Torch) sees it in the cross build
# (scripts/aarch64-toolchain.cmake points Torch_DIR here; GBENCH_AARCH64_TORCH is the unpacked wheel).
#
# Why not the wheel's own TorchConfig.cmake: PyPI's aarch64 torch wheels are CUDA builds (libtorch.so needs
# libtorch_cuda.so, and Caffe2Config.cmake requires a CUDA toolkit to be found). graviton-bench only needs
# libtorch_cpu.so and libc10.so, the same libraries and headers the wheel's `torch_cpu` target names, with the
# same compile definitions; this file imports exactly those and nothing from CUDA. With a CPU-only aarch64
# wheel (download.pytorch.org/whl/cpu) it imports the same two libraries.
if(NOT GBENCH_AARCH64_TORCH OR NOT EXISTS "${GBENCH_AARCH64_TORCH}/torch/lib/libtorch_cpu.so")
  set(Torch_FOUND FALSE)
  set(Torch_NOT_FOUND_MESSAGE "GBENCH_AARCH64_TORCH must name an unpacked aarch64 torch wheel (scripts/build-aarch64 does it)")
  return()
endif()
set(TORCH_INSTALL_PREFIX "${GBENCH_AARCH64_TORCH}/torch")
set(TORCH_INCLUDE_DIRS "${TORCH_INSTALL_PREFIX}/include" "${TORCH_INSTALL_PREFIX}/include/torch/csrc/api/include")

if(NOT TARGET c10)
  add_library(c10 SHARED IMPORTED)
  set_target_properties(c10 PROPERTIES IMPORTED_LOCATION "${TORCH_INSTALL_PREFIX}/lib/libc10.so"
                                       INTERFACE_INCLUDE_DIRECTORIES "${TORCH_INSTALL_PREFIX}/include")
endif()
if(NOT TARGET torch)
  add_library(torch SHARED IMPORTED)
  set_target_properties(
    torch
    PROPERTIES IMPORTED_LOCATION "${TORCH_INSTALL_PREFIX}/lib/libtorch_cpu.so"
               INTERFACE_INCLUDE_DIRECTORIES "${TORCH_INCLUDE_DIRS}"
               # as the wheel's torch_cpu target (share/cmake/Caffe2/Caffe2Targets.cmake)
               INTERFACE_COMPILE_DEFINITIONS "USE_DISTRIBUTED;USE_C10D_GLOO;USE_RPC;USE_TENSORPIPE"
               INTERFACE_LINK_LIBRARIES c10
               CXX_STANDARD 20)
endif()
set(TORCH_LIBRARIES torch c10)
set(TORCH_LIBRARY "${TORCH_INSTALL_PREFIX}/lib/libtorch_cpu.so")
set(TORCH_CXX_FLAGS "")
set(Torch_FOUND TRUE)
