# Helpers for tests/packaging/*.sh (sourced by bash).
# shellcheck shell=bash

PASS=0
check() { # DESCRIPTION EXPECTED ACTUAL
	if [ "$2" == "$3" ]; then
		PASS=$((PASS + 1))
	else
		echo "FAIL: $1"
		echo "  expected: $2"
		echo "  actual:   $3"
		FAILED=1
	fi
}
check_true() { # DESCRIPTION COMMAND...
	local d=$1
	shift
	if "$@"; then PASS=$((PASS + 1)); else echo "FAIL: $d"; FAILED=1; fi
}
finish() {
	if [ "${FAILED:-0}" = 1 ]; then
		echo "$(basename "$0"): FAILED ($PASS checks passed)"
		exit 1
	fi
	echo "$(basename "$0"): $PASS checks passed"
}
