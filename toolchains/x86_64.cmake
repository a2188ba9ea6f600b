# edgestat cross toolchain: x86_64. See zig-toolchain.cmake for what it provides.
set(EDGESTAT_TARGET x86_64)
include("${CMAKE_CURRENT_LIST_DIR}/zig-toolchain.cmake")
