# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE in cmake/packaging.cmake).
if(CPACK_GENERATOR STREQUAL "DEB")
  # Debian's layout: the tree under /usr/lib/graviton-bench, the commands linked into /usr/bin.
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr/lib/graviton-bench")
else()
  set(CPACK_PACKAGING_INSTALL_PREFIX "/")
endif()
