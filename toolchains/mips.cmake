# edgestat cross toolchain: mips. See zig-toolchain.cmake for what it provides.
set(EDGESTAT_TARGET mips)
include("${CMAKE_CURRENT_LIST_DIR}/zig-toolchain.cmake")
