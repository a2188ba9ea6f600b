# edgestat cross toolchain: armv7. See zig-toolchain.cmake for what it provides.
set(EDGESTAT_TARGET armv7)
include("${CMAKE_CURRENT_LIST_DIR}/zig-toolchain.cmake")
