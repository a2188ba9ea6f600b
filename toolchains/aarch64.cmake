# edgestat cross toolchain: aarch64. See zig-toolchain.cmake for what it provides.
set(EDGESTAT_TARGET aarch64)
include("${CMAKE_CURRENT_LIST_DIR}/zig-toolchain.cmake")
