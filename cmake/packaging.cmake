# Packages of the installed tree (scripts/package runs CPack): a .tar.gz of the relocatable tree, and Debian
# packages that put the same tree under /usr/lib/graviton-bench with the commands linked into /usr/bin.
#
# Components: `runtime` (graviton-bench, the LibTorch libraries it needs, configs and schemas) and `report`
# (graviton-bench-report, which needs Python 3 and matplotlib). The archive holds both: its report command says
# what it lacks when run without matplotlib. The Debian packages are two, so that installing graviton-bench pulls
# no Python: graviton-bench (Depends from dpkg-shlibdeps) and graviton-bench-report (Architecture: all, Depends:
# python3, python3-matplotlib).

# The Debian layout: a prefix ending in lib/graviton-bench puts a link to each command in the bin/ two levels up
# (/usr/lib/graviton-bench/bin/graviton-bench -> /usr/bin/graviton-bench). The binary resolves its own path
# (/proc/self/exe, and $ORIGIN for the loader), so it finds lib/ and share/ through the link.
foreach(_gbench_command IN ITEMS graviton-bench graviton-bench-report)
  if(_gbench_command STREQUAL "graviton-bench")
    set(_gbench_component runtime)
  else()
    set(_gbench_component report)
  endif()
  install(
    CODE "if(CMAKE_INSTALL_PREFIX MATCHES \"/lib/graviton-bench/?$\")
            file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/../../bin\")
            file(CREATE_LINK \"../lib/graviton-bench/${CMAKE_INSTALL_BINDIR}/${_gbench_command}\"
                 \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/../../bin/${_gbench_command}\" SYMBOLIC)
            message(STATUS \"Installing: \${CMAKE_INSTALL_PREFIX}/../../bin/${_gbench_command} (a link)\")
          endif()"
    COMPONENT ${_gbench_component})
endforeach()

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(_gbench_deb_arch arm64)
  set(_gbench_arch aarch64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(_gbench_deb_arch amd64)
  set(_gbench_arch x86_64)
else()
  set(_gbench_deb_arch "${CMAKE_SYSTEM_PROCESSOR}")
  set(_gbench_arch "${CMAKE_SYSTEM_PROCESSOR}")
endif()

set(CPACK_PACKAGE_NAME graviton-bench)
set(CPACK_PACKAGE_VENDOR graviton-bench)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "graviton-bench maintainers <graviton-bench@localhost>")
# xz: the smallest of what every tar and dpkg reads (x86_64: 66 MB against 104 MB gzip, 86 MB zstd -9), but
# slow: minutes for the 345 MB of LibTorch. The CTest test package_archive_deb packs with zstd to stay fast.
set(CPACK_GENERATOR TXZ DEB)
set(CPACK_PACKAGE_FILE_NAME "graviton-bench-${PROJECT_VERSION}-linux-${_gbench_arch}")
set(CPACK_COMPONENTS_ALL runtime report)
# The binary, and LibTorch's symbol tables (cmake/bundle_runtime.cmake): about 90 MB less on x86_64.
set(CPACK_STRIP_FILES ON)
set(CPACK_THREADS 0) # every core, where CPack's xz can use them
set(CPACK_PROJECT_CONFIG_FILE "${PROJECT_SOURCE_DIR}/cmake/cpack_generator.cmake")

# The archive (.tar.xz): one folder, graviton-bench-<version>-linux-<arch>/{bin,lib,share}, both components.
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)

# Debian: one package per component.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${_gbench_deb_arch}")
set(CPACK_DEBIAN_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME graviton-bench)
# Descriptions: the first line is the package's summary (cmake/cpack_generator.cmake keeps CPack from putting the
# project's in front of each), the rest the extended description, each line indented by CPack.
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
    "${PROJECT_DESCRIPTION}
Times LibTorch CPU inference of an MLP or a model file under presets of the runtime knobs of
PyTorch's Graviton tuning recipe, each preset in a process of its own, and shows which knobs acted.
Carries the LibTorch libraries it needs (from the PyTorch ${_gbench_arch} wheel) under
/usr/lib/graviton-bench/lib.")
# Depends: what dpkg-shlibdeps finds for the binary and the bundled libraries (libc6, libstdc++6, libgcc-s1,
# libfmt9, libssl3); the bundled libraries themselves are private (-l, below), not Debian packages.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "usr/lib/graviton-bench/${GBENCH_INSTALL_LIBDIR}")
# tune's allocator knob preloads these when asked to; graviton-bench-report draws the charts.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "libtcmalloc-minimal4, libjemalloc2, graviton-bench-report")
set(CPACK_DEBIAN_REPORT_PACKAGE_NAME graviton-bench-report)
set(CPACK_DEBIAN_REPORT_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_REPORT_PACKAGE_DEPENDS "python3, python3-matplotlib")
set(CPACK_DEBIAN_REPORT_DESCRIPTION
    "Charts and HTML reports of graviton-bench's JSON reports
graviton-bench-report turns reports written by graviton-bench --json, and its comparisons, into
charts, a self-contained HTML page, a markdown report and a view over a fleet of machines.")

# `make package_source` is not a supported way to ship the sources; kept from picking up what a set-up makes.
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/\\\\.venv" "/\\\\.cache/" "/Testing/")

include(CPack)
