# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE in cmake/packaging.cmake).
if(CPACK_GENERATOR STREQUAL "DEB")
  # Debian's layout: the tree under /usr/lib/graviton-bench, the commands linked into /usr/bin.
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr/lib/graviton-bench")
  # Each package's description starts with its own summary line (cmake/packaging.cmake); CPack would put the
  # project's summary in front of both.
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
else()
  set(CPACK_PACKAGING_INSTALL_PREFIX "/")
endif()
