#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Builds and runs one of ior's libFuzzer harnesses for a while.
#   tests/fuzz/run.sh NAME SECONDS     e.g. tests/fuzz/run.sh iorzst 60
# Builds tests/fuzz/fuzz_NAME.c with clang into build/fuzz/, replays the
# inputs in tests/fuzz/regress/NAME/ (former crashes), then fuzzes for
# SECONDS starting from the seeds in tests/fuzz/corpus/NAME/ (new inputs go
# to build/fuzz/corpus/NAME/). A crash, leak, timeout or out-of-memory input
# is copied to tests/fuzz/regress/NAME/ and the script exits 1; the unit
# tests replay that directory too. The build command, by hand:
#   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
#     -std=gnu11 -D_GNU_SOURCE -Isrc tests/fuzz/fuzz_iorzst.c src/iorzst.c \
#     src/agg.c src/folded.c src/svg.c src/util.c src/syscalls.c -lzstd \
#     -o build/fuzz/fuzz_iorzst
set -eu

name=${1:?usage: tests/fuzz/run.sh NAME SECONDS}
secs=${2:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
CLANG=${CLANG:-clang}
out=build/fuzz
seeds=tests/fuzz/corpus/$name
regress=tests/fuzz/regress/$name
work=$out/corpus/$name
arts=$out/artifacts/$name

case $name in
iorzst) srcs="src/iorzst.c src/agg.c src/folded.c src/svg.c src/util.c src/syscalls.c" ;;
pqread) srcs="src/pqread.c src/parquet.c src/thrift.c src/pqenc.c src/bytebuf.c src/util.c src/syscalls.c" ;;
*) echo "run.sh: no fuzz harness named '$name' (known: iorzst, pqread)" >&2; exit 2 ;;
esac

mkdir -p "$out" "$seeds" "$regress" "$work" "$arts"
echo "  FUZZCC   $out/fuzz_$name"
"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=gnu11 -D_GNU_SOURCE -Isrc "tests/fuzz/fuzz_$name.c" $srcs -lzstd \
	-o "$out/fuzz_$name"

# seeds: generated once by tests/fuzz/seed_NAME.c when the directory is empty
if [ -f "tests/fuzz/seed_$name.c" ] && [ -z "$(ls "$seeds")" ]; then
	"$CLANG" -g -O1 -std=gnu11 -D_GNU_SOURCE -Isrc "tests/fuzz/seed_$name.c" $srcs -lzstd \
		-o "$out/seed_$name"
	"$out/seed_$name" "$seeds"
fi

if [ -n "$(ls "$regress")" ]; then
	echo "  REPLAY   $regress"
	"$out/fuzz_$name" -runs=0 "$regress"/* >"$out/replay-$name.log" 2>&1 || {
		cat "$out/replay-$name.log" >&2
		echo "run.sh: a regression input of $name fails again" >&2
		exit 1
	}
fi

echo "  FUZZ     $name for ${secs}s"
rm -f "$arts"/*
status=0
"$out/fuzz_$name" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$arts/" "$work" "$seeds" \
	>"$out/fuzz-$name.log" 2>&1 || status=$?
tail -n 12 "$out/fuzz-$name.log"
found=$(ls -A "$arts")
if [ -n "$found" ]; then
	for f in $found; do
		cp "$arts/$f" "$regress/$f"
		echo "run.sh: kept $regress/$f" >&2
	done
	exit 1
fi
if [ "$status" -ne 0 ]; then
	echo "run.sh: the fuzzer failed (status $status); see $out/fuzz-$name.log" >&2
	exit 1
fi
