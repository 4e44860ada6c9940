#!/bin/sh
# Independent-reader check of ior's Parquet writer: gen.c writes files with
# hostile rows, many row groups, a dictionary fallback, no rows at all, and
# one killed with SIGKILL after its last flush; check.mjs reads each with
# DuckDB and hyparquet and compares every value with what gen.c expects.
# Ends with "parquet: N passed, N failed, N skipped of N registered"; exits 1
# unless every registered case ran and passed.
# Needs a C compiler, libzstd-dev and Node.js 18+ with npm (the readers are
# installed into tests/parquet/node_modules on first use).
# Environment: CC (default cc); PARQUET_SANITIZE=0 builds gen without
# ASan/UBSan; KEEP=1 keeps the work directory.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
passed=0
failed=0
registered=4 # the cases below: hostile, empty, bulk, crash

if ! "$here/install.sh"; then
	echo "parquet: 0 passed, 1 failed, $registered skipped of $registered registered"
	exit 1
fi

work=$(mktemp -d /tmp/ior-parquet.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT

san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
[ "${PARQUET_SANITIZE:-1}" = 0 ] && san=""
warn="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wundef -Wwrite-strings -Wvla -Werror"
# shellcheck disable=SC2086
if ! ${CC:-cc} -std=gnu11 -O1 -g -D_GNU_SOURCE $warn $san -I"$root/src" \
	"$here/gen.c" "$root/src/parquet.c" "$root/src/pqenc.c" "$root/src/thrift.c" \
	"$root/src/bytebuf.c" "$root/src/util.c" "$root/src/syscalls.c" \
	-lzstd -o "$work/gen"; then
	echo "parquet: building gen failed"
	echo "parquet: 0 passed, 1 failed, $registered skipped of $registered registered"
	exit 1
fi

result() {
	if [ "$1" = 0 ]; then
		passed=$((passed + 1))
		echo "ok   $2"
	else
		failed=$((failed + 1))
		echo "FAIL $2"
	fi
}

for mode in hostile empty bulk; do
	f="$work/$mode"
	if "$work/gen" "$mode" "$f.parquet" "$f.jsonl" "$f.meta.json" &&
		node "$here/check.mjs" "$f.parquet" "$f.jsonl" "$f.meta.json"; then
		result 0 "$mode"
	else
		result 1 "$mode"
	fi
done

# Crash safety: gen flushes, adds rows it never flushes, then SIGKILLs
# itself; every flushed row must still be there, and nothing else.
f="$work/crash"
"$work/gen" crash "$f.parquet" "$f.jsonl" "$f.meta.json"
status=$?
if [ "$status" != 137 ]; then
	echo "parquet: gen crash exited with $status, not by SIGKILL (137)"
	result 1 crash
elif node "$here/check.mjs" "$f.parquet" "$f.jsonl" "$f.meta.json"; then
	result 0 crash
else
	result 1 crash
fi

echo "parquet: $passed passed, $failed failed, $((registered - passed - failed)) skipped of $registered registered"
[ "$failed" = 0 ] && [ "$passed" = "$registered" ]
