# edgestat cross toolchain: armv6. See zig-toolchain.cmake for what it provides.
set(EDGESTAT_TARGET armv6)
include("${CMAKE_CURRENT_LIST_DIR}/zig-toolchain.cmake")
