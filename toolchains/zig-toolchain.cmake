# Shared part of edgestat's cross toolchain files: compiles C with `zig cc`
# and C++ with `zig c++` for one of our targets, links everything statically
# against musl, and links C++ executables with the C driver (`zig cc`) so no
# C++ runtime library ever enters the release binary.
#
# Do not use directly: pass one of the thin per-target files, e.g.
#     cmake -S . -B build-armv6 -G Ninja \
#           -DCMAKE_TOOLCHAIN_FILE=toolchains/armv6.cmake
# Each thin file sets EDGESTAT_TARGET and includes this file.
#
# What a project gets from it:
#   EDGESTAT_TARGET          x86_64 | aarch64 | armv7 | armv6 | mipsel | mips
#   EDGESTAT_ZIG_TRIPLE      e.g. arm-linux-musleabihf
#   EDGESTAT_ZIG_CPU         e.g. arm1176jzf_s
#   EDGESTAT_DEPS_PREFIX     $CACHE/deps/<target> (include/, lib/, lib/cmake/)
#                            from toolchains/build-deps.sh; also in
#                            CMAKE_FIND_ROOT_PATH and CMAKE_PREFIX_PATH, so
#                            find_package(MbedTLS) / find_package(libuv) /
#                            find_library(uv) find the cross-built copies.
#   EDGESTAT_CXX_RUNTIME_LINK_LAUNCHER
#                            a CXX_LINKER_LAUNCHER that makes one executable
#                            (the doctest unit tests) link with `zig c++`,
#                            i.e. with libc++/libc++abi/libunwind. Usage:
#                              set_property(TARGET unit_tests PROPERTY
#                                CXX_LINKER_LAUNCHER
#                                "${EDGESTAT_CXX_RUNTIME_LINK_LAUNCHER}")
#                            Empty in host builds, where the property is a no-op.
#   CMAKE_CROSSCOMPILING_EMULATOR  qemu-<arch>-static -cpu <oldest cpu we
#                            support>, so ctest runs cross-built tests and an
#                            instruction newer than the target traps.
#
# Requires CMake >= 3.21 (CXX_LINKER_LAUNCHER), a host with toolchains/zig.sh's
# prerequisites (npm) the first time, and qemu-user-static for ctest.

cmake_minimum_required(VERSION 3.21)

if(NOT DEFINED EDGESTAT_TARGET)
  message(FATAL_ERROR "zig-toolchain.cmake: use toolchains/<target>.cmake, which sets EDGESTAT_TARGET")
endif()

# ---- target table: the one place that maps our names to zig/qemu names ----
# target   zig triple             zig -mcpu              qemu   qemu -cpu   CMAKE_SYSTEM_PROCESSOR
set(_es_targets
  "x86_64|x86_64-linux-musl|baseline|x86_64||x86_64"
  "aarch64|aarch64-linux-musl|cortex_a53|aarch64|cortex-a53|aarch64"
  "armv7|arm-linux-musleabihf|cortex_a7|arm|cortex-a7|armv7l"
  "armv6|arm-linux-musleabihf|arm1176jzf_s|arm|arm1176|armv6l"
  "mipsel|mipsel-linux-musl|mips32r2+soft_float|mipsel|24Kc|mipsel"
  "mips|mips-linux-musl|mips32r2+soft_float|mips|24Kc|mips")
set(_es_found FALSE)
foreach(_row IN LISTS _es_targets)
  string(REPLACE "|" ";" _f "${_row}")
  list(GET _f 0 _name)
  if(_name STREQUAL EDGESTAT_TARGET)
    list(GET _f 1 EDGESTAT_ZIG_TRIPLE)
    list(GET _f 2 EDGESTAT_ZIG_CPU)
    list(GET _f 3 _qemu_arch)
    list(GET _f 4 _qemu_cpu)
    list(GET _f 5 _processor)
    set(_es_found TRUE)
  endif()
endforeach()
if(NOT _es_found)
  message(FATAL_ERROR "zig-toolchain.cmake: unknown EDGESTAT_TARGET '${EDGESTAT_TARGET}'")
endif()

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${_processor})

# ---- cache locations: outside the source tree, never committed ----------
if(NOT DEFINED EDGESTAT_CACHE)
  if(DEFINED ENV{EDGESTAT_CACHE} AND NOT "$ENV{EDGESTAT_CACHE}" STREQUAL "")
    set(EDGESTAT_CACHE "$ENV{EDGESTAT_CACHE}")
  else()
    set(EDGESTAT_CACHE "/var/cache/edgestat")
  endif()
endif()
set(EDGESTAT_DEPS_PREFIX "${EDGESTAT_CACHE}/deps/${EDGESTAT_TARGET}")
# try_compile() re-reads this file in a fresh scope: hand these on to it.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES EDGESTAT_TARGET EDGESTAT_CACHE EDGESTAT_ZIG)

# ---- zig: installed (or just located) by toolchains/zig.sh ---------------
if(NOT DEFINED EDGESTAT_ZIG)
  if(DEFINED ENV{EDGESTAT_ZIG} AND NOT "$ENV{EDGESTAT_ZIG}" STREQUAL "")
    set(EDGESTAT_ZIG "$ENV{EDGESTAT_ZIG}")
  else()
    execute_process(
      COMMAND sh "${CMAKE_CURRENT_LIST_DIR}/zig.sh"
      RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err
      OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "toolchains/zig.sh failed:\n${_err}")
    endif()
    set(EDGESTAT_ZIG "${_out}")
  endif()
endif()

# ---- compiler wrappers ----------------------------------------------------
# CMake wants one executable per compiler, and `zig cc -target T -mcpu C`
# is several words; generated two-line wrappers carry the target so that
# every compile, link and try_compile sees the same flags.
set(_wrap_dir "${EDGESTAT_CACHE}/toolchain/${EDGESTAT_TARGET}/bin")
set(_zig_env
  "ZIG_GLOBAL_CACHE_DIR=\"\${ZIG_GLOBAL_CACHE_DIR:-${EDGESTAT_CACHE}/zig-cache}\"; export ZIG_GLOBAL_CACHE_DIR\nZIG_LOCAL_CACHE_DIR=\"\${ZIG_LOCAL_CACHE_DIR:-${EDGESTAT_CACHE}/zig-cache}\"; export ZIG_LOCAL_CACHE_DIR\n")
set(_target_flags "-target ${EDGESTAT_ZIG_TRIPLE} -mcpu=${EDGESTAT_ZIG_CPU}")

function(_es_write_wrapper name body)
  set(_content "#!/bin/sh\n# Generated by toolchains/zig-toolchain.cmake for ${EDGESTAT_TARGET}; do not edit.\n${_zig_env}${body}\n")
  set(_path "${_wrap_dir}/${name}")
  if(EXISTS "${_path}")
    file(READ "${_path}" _old)
    if(_old STREQUAL _content)
      return()
    endif()
  endif()
  file(MAKE_DIRECTORY "${_wrap_dir}")
  # Write-then-rename so a parallel configure never executes a half file.
  string(RANDOM LENGTH 8 _rnd)
  file(WRITE "${_path}.${_rnd}" "${_content}")
  file(CHMOD "${_path}.${_rnd}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
       GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  file(RENAME "${_path}.${_rnd}" "${_path}")
endfunction()

_es_write_wrapper(cc     "exec \"${EDGESTAT_ZIG}\" cc ${_target_flags} \"$@\"")
# The C++ wrapper doubles as the C++ executable linker (see
# CMAKE_CXX_LINK_EXECUTABLE below): given --edgestat-link-with-cc anywhere
# (CMake puts --target=... before it) it drops the marker and runs `zig cc`,
# so no C++ runtime is linked.
set(_drop_marker
  "cc_link=0\nfor a do\n  shift\n  if [ \"$a\" = --edgestat-link-with-cc ]; then cc_link=1; else set -- \"$@\" \"$a\"; fi\ndone\n")
_es_write_wrapper(c++
  "${_drop_marker}if [ $cc_link = 1 ]; then\n  exec \"${EDGESTAT_ZIG}\" cc ${_target_flags} \"$@\"\nfi\nexec \"${EDGESTAT_ZIG}\" c++ ${_target_flags} \"$@\"")
_es_write_wrapper(ar     "exec \"${EDGESTAT_ZIG}\" ar \"$@\"")
_es_write_wrapper(ranlib "exec \"${EDGESTAT_ZIG}\" ranlib \"$@\"")
# Linker launcher for executables that need the C++ runtime (unit tests).
# CMake runs "<launcher> <c++ wrapper> ... --edgestat-link-with-cc ...";
# drop the wrapper and the marker and link with `zig c++`, which adds
# libc++/libc++abi/libunwind.
# -fno-lto: zig 0.11 builds libc++ as LTO bitcode in release modes and LLD
# then segfaults while linking it for 32-bit ARM (armv6 and armv7); with
# -fno-lto libc++ is built as plain objects and links fine on every target.
# The build type's -flto reaches this link line too (CMake passes the
# flags to the link); after -fno-lto it would win, and zig 0.11 then
# segfaults within a second linking the armv6 tests (seen 2026-12-03), so it
# is dropped here. The bitcode objects are still optimised together by LLD.
set(_drop_marker_lto
  "cc_link=0\nfor a do\n  shift\n  case \"$a\" in\n    --edgestat-link-with-cc) cc_link=1 ;;\n    -flto|-flto=*) ;;\n    *) set -- \"$@\" \"$a\" ;;\n  esac\ndone\n")
_es_write_wrapper(link-with-cxx-runtime
  "shift\n${_drop_marker_lto}exec \"${EDGESTAT_ZIG}\" c++ ${_target_flags} -fno-lto \"$@\"")

# The wrappers already pass -target; telling CMake the triple too makes its
# compiler identification compile-only ("-c --target=..."), so configuring
# does not link a C++ test program (which would build libc++ for nothing,
# and crashes on 32-bit ARM, see README.md).
set(CMAKE_C_COMPILER_TARGET   ${EDGESTAT_ZIG_TRIPLE})
set(CMAKE_CXX_COMPILER_TARGET ${EDGESTAT_ZIG_TRIPLE})
set(CMAKE_ASM_COMPILER_TARGET ${EDGESTAT_ZIG_TRIPLE})
set(CMAKE_C_COMPILER   "${_wrap_dir}/cc")
set(CMAKE_CXX_COMPILER "${_wrap_dir}/c++")
set(CMAKE_ASM_COMPILER "${_wrap_dir}/cc")
set(CMAKE_AR           "${_wrap_dir}/ar" CACHE FILEPATH "zig ar")
set(CMAKE_RANLIB       "${_wrap_dir}/ranlib" CACHE FILEPATH "zig ranlib")
set(EDGESTAT_CXX_RUNTIME_LINK_LAUNCHER "${_wrap_dir}/link-with-cxx-runtime")

# ---- flags -----------------------------------------------------------------
# Size first: -Os plus section GC. -s strips at link time.
# -Os sits in the base flags, not only in the build-type flags: zig builds
# musl (and libc++) in the optimisation mode of the link command, so a
# try_compile without -Os would cost a second, Debug, musl build per target.
# No unwind tables anywhere (libuv and mbedTLS are built with these flags
# too): nothing unwinds in a binary without exceptions or backtraces, and
# .eh_frame + .eh_frame_hdr were 58 KB of the aarch64 binary.
set(_es_size_flags "-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables")
set(CMAKE_C_FLAGS_INIT   "${_es_size_flags}")
set(CMAKE_CXX_FLAGS_INIT "${_es_size_flags}")
# Release builds are link-time optimised: objects and the deps' archives
# are LLVM bitcode and `zig cc` optimises the whole program at the link
# (cross-module inlining and dead-code removal that --gc-sections cannot
# do). Compile and link flags both carry -flto (CMake passes the build
# type's flags to the link). Debug builds stay plain objects.
# Not on x86_64: there zig 0.11's LLVM 16 fails the LTO link of the
# current tree ("ld.lld: error: <unknown>:0: Undefined temporary symbol
# .Ltmp6", seen 2026-12-03); x86_64 is the bench and package-test build,
# not a flash-bound one, so it links plain objects until that is found.
set(_es_lto "-flto")
if(EDGESTAT_TARGET STREQUAL "x86_64")
  set(_es_lto "")
endif()
foreach(_lang C CXX)
  set(CMAKE_${_lang}_FLAGS_DEBUG_INIT          "-g")
  set(CMAKE_${_lang}_FLAGS_RELEASE_INIT        "-DNDEBUG ${_es_lto}")
  set(CMAKE_${_lang}_FLAGS_MINSIZEREL_INIT     "-DNDEBUG ${_es_lto}")
  set(CMAKE_${_lang}_FLAGS_RELWITHDEBINFO_INIT "-g -DNDEBUG")
endforeach()
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -s -Wl,--gc-sections")
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE MinSizeRel CACHE STRING "Build type (cross builds default to MinSizeRel)")
endif()

# C++ objects, C driver: the release binary has no libc++/libc++abi/libunwind.
# A C++ feature that needs the runtime (exceptions, RTTI, iostream, operator
# new's throwing path...) becomes an undefined-symbol link error, which is
# exactly the guard DESIGN.md asks for.
# (The rule names <CMAKE_CXX_COMPILER> with a marker rather than
# <CMAKE_C_COMPILER> because CMake inserts CXX_LINKER_LAUNCHER exactly where
# <CMAKE_CXX_COMPILER> appears; the marker makes the wrapper run `zig cc`.)
set(CMAKE_CXX_LINK_EXECUTABLE
    "<CMAKE_CXX_COMPILER> --edgestat-link-with-cc <FLAGS> <CMAKE_CXX_LINK_FLAGS> <LINK_FLAGS> <OBJECTS> -o <TARGET> <LINK_LIBRARIES>")

# Static only: a shared library makes no sense in a static-musl binary.
set(BUILD_SHARED_LIBS OFF CACHE BOOL "edgestat cross builds are static")

# ---- finding the prebuilt deps ---------------------------------------------
list(APPEND CMAKE_FIND_ROOT_PATH "${EDGESTAT_DEPS_PREFIX}")
list(APPEND CMAKE_PREFIX_PATH "${EDGESTAT_DEPS_PREFIX}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)   # host tools (python, promtool)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)    # never a host .a/.so
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)    # never the host's libuv/mbedtls configs
# Headers: deps prefix first, then the host, so header-only host packages
# (doctest-dev's /usr/include/doctest) stay findable. A host uv.h can only be
# picked up if the deps were not built, and then find_library fails anyway.
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_FIND_LIBRARY_SUFFIXES ".a")

# ---- running target binaries ---------------------------------------------
if(_qemu_arch STREQUAL "x86_64" AND CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64)$")
  set(CMAKE_CROSSCOMPILING_EMULATOR "")
else()
  find_program(EDGESTAT_QEMU qemu-${_qemu_arch}-static NO_CMAKE_FIND_ROOT_PATH)
  if(EDGESTAT_QEMU)
    if(_qemu_cpu)
      set(CMAKE_CROSSCOMPILING_EMULATOR "${EDGESTAT_QEMU};-cpu;${_qemu_cpu}")
    else()
      set(CMAKE_CROSSCOMPILING_EMULATOR "${EDGESTAT_QEMU}")
    endif()
  else()
    message(WARNING "qemu-${_qemu_arch}-static not found (apt-get install qemu-user-static): cross-built tests cannot run")
  endif()
endif()
