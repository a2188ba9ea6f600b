#!/bin/bash
# ctest entry for tests/packaging/contents.sh (see its header). Args: BINARY SRCDIR.
exec bash "$2/tests/packaging/contents.sh" "$1" "$2"
