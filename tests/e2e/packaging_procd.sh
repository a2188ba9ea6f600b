#!/bin/bash
# ctest entry for tests/packaging/procd.sh (see its header). Args: BINARY SRCDIR.
exec bash "$2/tests/packaging/procd.sh" "$1" "$2"
