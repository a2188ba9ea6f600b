#!/bin/bash
# ctest entry for tests/packaging/openwrt_feed.sh (see its header). Args: BINARY SRCDIR.
exec bash "$2/tests/packaging/openwrt_feed.sh" "$1" "$2"
