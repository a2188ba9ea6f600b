#!/bin/bash
# ctest entry for tests/packaging/destdir.sh (see its header). Args: BINARY SRCDIR.
exec bash "$2/tests/packaging/destdir.sh" "$1" "$2"
