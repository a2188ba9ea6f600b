# Shared by the benches (sourced): SRC, the checkout, and BIN, the binary
# under test: $1 if given, else the static build (build-x86_64/edgestat,
# `make cross TARGET=x86_64`) if there is one, else the development build.
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench_binary() {
  if [ -n "${1:-}" ]; then echo "$1"; return; fi
  if [ -x "$SRC/build-x86_64/edgestat" ]; then echo "$SRC/build-x86_64/edgestat"; else echo "$SRC/build/edgestat"; fi
}
