/* Stand-ins for the two CUDA libraries that PyPI's aarch64 libtorch_cpu.so names (libcudart.so.13 for device
 * queries, libcupti.so.13 for the profiler). The CUDA runtime is not on the package index this project can
 * reach, and a CPU-only run never needs it; the dynamic loader only needs the names to resolve. Every function
 * answers "no CUDA device", so LibTorch sees a machine without a GPU, which is what a Graviton instance is.
 * scripts/build-aarch64 compiles this file once per library, adding `int NAME(void) { return 100; }` for each
 * further function that libtorch_cpu.so imports from that library. */
#include <stddef.h>

#define NO_DEVICE 100 /* cudaErrorNoDevice; for CUPTI any non-zero result is an error */

#ifdef STUB_CUDART
int cudaGetDeviceCount(int* count) {
  if (count != NULL) *count = 0;
  return NO_DEVICE;
}
int cudaDriverGetVersion(int* v) {
  if (v != NULL) *v = 0;
  return 0;
}
int cudaRuntimeGetVersion(int* v) {
  if (v != NULL) *v = 0;
  return 0;
}
const char* cudaGetErrorString(int e) {
  (void)e;
  return "no CUDA device (graviton-bench's CPU-only stand-in for libcudart)";
}
#endif

#ifdef STUB_CUPTI
int cuptiGetResultString(int r, const char** s) {
  (void)r;
  if (s != NULL) *s = "CUPTI unavailable (graviton-bench's CPU-only stand-in for libcupti)";
  return 0;
}
int cuptiGetVersion(unsigned* v) {
  if (v != NULL) *v = 0;
  return NO_DEVICE;
}
#endif
