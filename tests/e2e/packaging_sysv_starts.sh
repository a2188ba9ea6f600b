#!/bin/bash
# ctest entry for tests/packaging/sysv_starts.sh (see its header). Args: BINARY SRCDIR.
exec bash "$2/tests/packaging/sysv_starts.sh" "$1" "$2"
