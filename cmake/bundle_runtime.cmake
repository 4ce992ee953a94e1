# Install-time step (apps/CMakeLists.txt runs it after installing graviton-bench): copies into the installed
# lib/ folder exactly the shared libraries of LibTorch that the binary needs, directly or through one another,
# so that the installed tree runs without the torch wheel it was built against.
#
# A library is bundled when the dynamic loader would find it in one of GBENCH_BUNDLE_FROM (the wheel's
# torch/lib and, in auditwheel-repaired wheels, torch.libs); everything else the binary needs (libc,
# libstdc++, libfmt, libcrypto) is the system's and is declared as a package dependency instead. The walk reads
# the NEEDED entries with readelf, so it works the same for a cross build (an aarch64 tree from an x86_64 host).
#
# Inputs (set by the install(CODE) that includes this file):
#   GBENCH_BUNDLE_EXE      the built executable (its NEEDED entries are the same as the installed copy's)
#   GBENCH_BUNDLE_FROM     folders holding LibTorch's libraries
#   GBENCH_BUNDLE_LIBDIR   install folder of the libraries, relative to CMAKE_INSTALL_PREFIX ("lib")
#   GBENCH_BUNDLE_READELF  readelf of the target's binutils
#   GBENCH_BUNDLE_STRIP    strip of the target's binutils (used when installing with --strip, and by CPack)

# An install script runs without the project's policies (CMake 3.25 reads IN_LIST below as a plain word);
# include() gives this file a policy scope of its own.
cmake_policy(VERSION 3.24)

foreach(var GBENCH_BUNDLE_EXE GBENCH_BUNDLE_FROM GBENCH_BUNDLE_LIBDIR GBENCH_BUNDLE_READELF)
  if(NOT ${var})
    message(FATAL_ERROR "bundle_runtime.cmake: ${var} is not set")
  endif()
endforeach()

# The dynamic section of an ELF file as a list of "TAG value" pairs: NEEDED, RPATH, RUNPATH.
function(gbench_elf_dynamic file out_needed out_rpath)
  execute_process(COMMAND "${GBENCH_BUNDLE_READELF}" -d -W "${file}" RESULT_VARIABLE rc OUTPUT_VARIABLE text
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${GBENCH_BUNDLE_READELF} -d ${file} failed: ${err}")
  endif()
  string(REGEX MATCHALL "\\(NEEDED\\)[^\n]*\\[[^]\n]*\\]" lines "${text}")
  set(needed "")
  foreach(line IN LISTS lines)
    string(REGEX REPLACE ".*\\[(.*)\\]" "\\1" name "${line}")
    list(APPEND needed "${name}")
  endforeach()
  set(rpath "")
  if(text MATCHES "\\((RPATH|RUNPATH)\\)[^\n]*\\[([^]\n]*)\\]")
    set(rpath "${CMAKE_MATCH_2}")
  endif()
  set(${out_needed} "${needed}" PARENT_SCOPE)
  set(${out_rpath} "${rpath}" PARENT_SCOPE)
endfunction()

set(bundled "")
set(system "")
set(queue "${GBENCH_BUNDLE_EXE}")
while(queue)
  list(POP_FRONT queue file)
  gbench_elf_dynamic("${file}" needed rpath)
  foreach(name IN LISTS needed)
    if(name IN_LIST bundled OR name IN_LIST system)
      continue()
    endif()
    set(found "")
    foreach(dir IN LISTS GBENCH_BUNDLE_FROM)
      if(EXISTS "${dir}/${name}")
        file(REAL_PATH "${dir}/${name}" found)
        break()
      endif()
    endforeach()
    if(found)
      list(APPEND bundled "${name}")
      set(source_${name} "${found}")
      list(APPEND queue "${found}")
    else()
      list(APPEND system "${name}")
    endif()
  endforeach()
endwhile()

set(dest "${CMAKE_INSTALL_PREFIX}/${GBENCH_BUNDLE_LIBDIR}")
set(sizes "")
foreach(name IN LISTS bundled)
  # Under the name the loader asks for (the soname), whatever the wheel's file is called.
  file(INSTALL "${source_${name}}" DESTINATION "${dest}" RENAME "${name}" USE_SOURCE_PERMISSIONS)
  set(installed "$ENV{DESTDIR}${dest}/${name}")
  # The wheel's libraries look for their siblings in $ORIGIN and in folders of the wheel's layout
  # ($ORIGIN/../../nvidia/..., PyPI's aarch64 wheel): in the installed tree those point outside it. Only $ORIGIN
  # stays. (The new value is shorter, so CMake rewrites the entry in place.)
  gbench_elf_dynamic("${installed}" unused rpath)
  if(rpath AND NOT rpath STREQUAL "$ORIGIN")
    file(RPATH_CHANGE FILE "${installed}" OLD_RPATH "${rpath}" NEW_RPATH "$ORIGIN")
  endif()
  if(CMAKE_INSTALL_DO_STRIP AND GBENCH_BUNDLE_STRIP)
    # The symbol table only (the wheel ships libtorch_cpu.so with one: a fifth of its size). The dynamic symbols
    # that linking and dladdr() use stay, so LibTorch's own backtraces still name exported functions.
    execute_process(COMMAND "${GBENCH_BUNDLE_STRIP}" --strip-unneeded "${installed}" RESULT_VARIABLE rc
                    ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${GBENCH_BUNDLE_STRIP} --strip-unneeded ${installed} failed: ${err}")
    endif()
  endif()
  file(SIZE "${installed}" bytes)
  math(EXPR mib "(${bytes} + 524288) / 1048576")
  list(APPEND sizes "${name} (${mib} MiB)")
endforeach()
list(JOIN sizes ", " sizes)
list(JOIN system ", " system)
message(STATUS "Bundled from LibTorch: ${sizes}")
message(STATUS "Left to the system: ${system}")
