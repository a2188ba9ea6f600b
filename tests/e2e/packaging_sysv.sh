#!/bin/bash
# ctest entry for tests/packaging/sysv.sh (see its header). Args: BINARY SRCDIR.
exec bash "$2/tests/packaging/sysv.sh" "$1" "$2"
