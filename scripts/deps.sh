#!/bin/sh
# Installs the Debian packages a target needs, when they are missing.
# Usage: scripts/deps.sh build|test|bench
# Run by the Makefile; it installs with apt-get as root, through sudo as a
# user who has it, and otherwise names the packages and fails.
set -eu

build="clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev libncurses-dev pkg-config gcc make"
# time: /usr/bin/time measures the peak RSS the reliability tests bound
test="python3 tmux zstd time libclang-rt-14-dev"
bench="strace bpftrace"

case "${1:-build}" in
build) want=$build ;;
test) want="$build $test" ;;
bench) want="$build $test $bench" ;;
*) echo "deps.sh: unknown target '$1' (build, test or bench)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# the Parquet tests read files with DuckDB and hyparquet on Node.js; a node
# that came from elsewhere (with its own npm) is fine, so look for commands
if [ "${1:-build}" != build ] && ! { command -v node && command -v npm; } >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
[ -z "$missing" ] && exit 0

as_root=""
if [ "$(id -u)" != 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "ior: missing Debian packages:$missing; install them as root (apt-get install$missing) or run make as root" >&2
		exit 1
	fi
	as_root="sudo"
fi
echo "ior: installing$missing" >&2
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || true
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
