# edgestat cross toolchain: mipsel. See zig-toolchain.cmake for what it provides.
set(EDGESTAT_TARGET mipsel)
include("${CMAKE_CURRENT_LIST_DIR}/zig-toolchain.cmake")
