#!/bin/bash
# ctest entry for tests/packaging/lint.sh (see its header). Args: BINARY SRCDIR.
exec bash "$2/tests/packaging/lint.sh" "$1" "$2"
