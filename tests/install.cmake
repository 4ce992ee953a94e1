# The installed tree works on its own: installs the build into a fresh prefix, moves the prefix elsewhere (the
# layout must not depend on where it was installed), then runs the installed graviton-bench from there: a small
# benchmark of tiny-mlp, and a model that exists only in the installed configs folder, which proves the binary
# reads share/graviton-bench/configs beside itself and not the source tree's (docs/setup.md, "Installing").
#
#   cmake -DSOURCE_DIR=<source tree> -DBUILD_DIR=<build tree> -DWORK_DIR=<scratch folder> -P tests/install.cmake
#
# Under emulation GBENCH_WORKER_WRAPPER (e.g. "qemu-aarch64-static -cpu max") goes before the binary, as for
# every other run of it in the tests.
cmake_minimum_required(VERSION 3.24)
foreach(var SOURCE_DIR BUILD_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "install.cmake: pass -D${var}=...")
  endif()
endforeach()

function(check_run what)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "COMMAND")
  execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (exit ${rc}): ${arg_COMMAND}\n--- stdout\n${out}\n--- stderr\n${err}")
  endif()
  message(STATUS "${what}: ok")
  set(last_stdout "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
set(moved "${WORK_DIR}/moved/elsewhere")
check_run("cmake --install" COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}")
file(MAKE_DIRECTORY "${WORK_DIR}/moved")
file(RENAME "${prefix}" "${moved}")

set(bin "${moved}/bin/graviton-bench")
set(data "${moved}/share/graviton-bench")
# Every config and every published schema of the source tree is installed.
file(GLOB_RECURSE shipped RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/configs/*" "${SOURCE_DIR}/schemas/*")
list(TRANSFORM shipped PREPEND "${data}/")
foreach(path "${bin}" ${shipped})
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "the installed tree lacks ${path}")
  endif()
endforeach()

set(wrapper "")
if(DEFINED ENV{GBENCH_WORKER_WRAPPER})
  separate_arguments(wrapper UNIX_COMMAND "$ENV{GBENCH_WORKER_WRAPPER}")
endif()

check_run("installed graviton-bench, tiny-mlp" COMMAND ${wrapper} "${bin}" --model tiny-mlp --batch 2 --warmup 0
          --iters 2 --json "${WORK_DIR}/report.json")
file(READ "${WORK_DIR}/report.json" report)
string(JSON samples LENGTH "${report}" runs 0 results 0 samples_ns)
if(NOT samples EQUAL 2)
  message(FATAL_ERROR "the installed binary's report holds ${samples} samples, not the 2 timed forwards")
endif()

file(READ "${data}/configs/models/tiny-mlp.json" tiny)
string(JSON tiny SET "${tiny}" name "\"install-check\"")
file(WRITE "${data}/configs/models/install-check.json" "${tiny}")
check_run("installed graviton-bench reads its installed configs" COMMAND ${wrapper} "${bin}" --model install-check
          --batch 2 --warmup 0 --iters 2 --no-profile)
file(REMOVE_RECURSE "${WORK_DIR}")
