#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Builds and runs one of ior's libFuzzer harnesses.
#   tests/fuzz/run.sh NAME SECONDS        random: e.g. tests/fuzz/run.sh iorzst 600
#   tests/fuzz/run.sh NAME -runs=N SEED   fixed: N inputs from seed SEED (make test)
# Builds tests/fuzz/fuzz_NAME.c with clang into build/fuzz/, replays the
# inputs in tests/fuzz/regress/NAME/ (former crashes), then fuzzes from the
# seeds in tests/fuzz/corpus/NAME/.
#
# A random run (make fuzz) keeps the inputs it finds in build/fuzz/corpus/NAME/
# and goes on from them next time. A fixed run starts from the seeds alone
# into an emptied build/fuzz/fixed/NAME/ with libFuzzer's -seed and -runs,
# so every run tries the same inputs: it turns red on a change to the code,
# not on luck. Neither writes into the checkout: a crash, leak, timeout or
# out-of-memory input stays in build/fuzz/artifacts/NAME/ and the script
# exits 1; it joins tests/fuzz/regress/NAME/ by hand, with its fix (the unit
# tests replay that folder and count its files). The build command, by hand:
#   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
#     -std=gnu11 -D_GNU_SOURCE -Isrc tests/fuzz/fuzz_iorzst.c src/iorzst.c \
#     src/agg.c src/folded.c src/svg.c src/util.c src/syscalls.c -lzstd \
#     -o build/fuzz/fuzz_iorzst
set -eu

name=${1:?usage: tests/fuzz/run.sh NAME SECONDS | NAME -runs=N SEED}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
CLANG=${CLANG:-clang}
out=build/fuzz
seeds=tests/fuzz/corpus/$name
regress=tests/fuzz/regress/$name
arts=$out/artifacts/$name

case ${2:-60} in
-runs=[0-9]*)
	seed=${3:?usage: tests/fuzz/run.sh NAME -runs=N SEED}
	work=$out/fixed/$name
	rm -rf "$work"
	limit="$2 -seed=$seed"
	what="${2#-runs=} inputs from seed $seed"
	;;
*[!0-9]* | "")
	echo "run.sh: '$2' is neither SECONDS nor -runs=N" >&2
	exit 2
	;;
*)
	work=$out/corpus/$name
	limit="-max_total_time=$2"
	what="${2}s"
	;;
esac

case $name in
iorzst) srcs="src/iorzst.c src/agg.c src/folded.c src/svg.c src/util.c src/syscalls.c" ;;
pqread) srcs="src/pqread.c src/parquet.c src/thrift.c src/pqenc.c src/bytebuf.c src/util.c src/syscalls.c" ;;
*) echo "run.sh: no fuzz harness named '$name' (known: iorzst, pqread)" >&2; exit 2 ;;
esac
if [ -z "$(ls "$seeds" 2>/dev/null)" ]; then
	echo "run.sh: $seeds holds no seeds (tests/fuzz/seed_$name.c writes them)" >&2
	exit 1
fi

mkdir -p "$out" "$work" "$arts"
echo "  FUZZCC   $out/fuzz_$name"
"$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=gnu11 -D_GNU_SOURCE -Isrc "tests/fuzz/fuzz_$name.c" $srcs -lzstd \
	-o "$out/fuzz_$name"

if [ -n "$(ls "$regress" 2>/dev/null)" ]; then
	echo "  REPLAY   $regress"
	"$out/fuzz_$name" -runs=0 "$regress"/* >"$out/replay-$name.log" 2>&1 || {
		cat "$out/replay-$name.log" >&2
		echo "run.sh: a regression input of $name fails again" >&2
		exit 1
	}
fi

echo "  FUZZ     $name: $what"
rm -f "$arts"/*
status=0
# shellcheck disable=SC2086
"$out/fuzz_$name" $limit -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$arts/" "$work" "$seeds" \
	>"$out/fuzz-$name.log" 2>&1 || status=$?
tail -n 12 "$out/fuzz-$name.log"
found=$(ls -A "$arts")
if [ -n "$found" ]; then
	for f in $found; do
		echo "run.sh: $name fails on $arts/$f; fix it, then add the file to $regress/" >&2
	done
	exit 1
fi
if [ "$status" -ne 0 ]; then
	echo "run.sh: the fuzzer failed (status $status); see $out/fuzz-$name.log" >&2
	exit 1
fi
