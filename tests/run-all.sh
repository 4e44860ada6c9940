#!/usr/bin/env bash
# make test: every suite in turn, each run to its end even when one before it
# failed, then one line per suite and the total. Each suite closes its own
# output with "NAME: N passed, N failed, N skipped of N registered"; a suite
# that printed no such line (it could not build or start) counts as one
# failure, and so does one that ran fewer tests than it registered. Exit
# status 0 only when every suite ran all its tests and none failed.
set -uo pipefail
cd "$(dirname "$0")/.."
MAKE=${MAKE:-make}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

declare -a names=() lines=()
status=0
for target in unit parquet integration tui fuzz-fixed; do
	: >"$log"
	$MAKE --no-print-directory "$target" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	found=$(grep -E '^[a-z][a-z0-9-]*: [0-9]+ passed, [0-9]+ failed' "$log")
	if [ -z "$found" ]; then
		found="$target: 0 passed, 1 failed (make $target exited $rc before any suite finished)"
	elif [ "$rc" != 0 ] && ! grep -Eq ': [0-9]+ passed, [1-9][0-9]* failed' <<<"$found"; then
		found+=$'\n'"$target: 0 passed, 1 failed (make $target exited $rc)"
	fi
	[ "$rc" = 0 ] || status=1
	while IFS= read -r l; do
		lines+=("$l")
	done <<<"$found"
done

echo
echo "make test: the suites"
passed=0 failed=0
for l in "${lines[@]}"; do
	p=$(sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed.*/\1/' <<<"$l")
	f=$(sed -E 's/^[^:]+: ([0-9]+) passed, ([0-9]+) failed.*/\2/' <<<"$l")
	# every registered test ran: "N passed, 0 failed, 0 skipped of N registered"
	r=$(sed -nE 's/^[^:]+: [0-9]+ passed, [0-9]+ failed, 0 skipped of ([0-9]+) registered$/\1/p' <<<"$l")
	if [ "$f" = 0 ] && [ "$r" != "$p" ]; then
		l+=" (not every registered test ran: 1 failed)"
		f=1
	fi
	echo "  $l"
	passed=$((passed + p))
	failed=$((failed + f))
done
[ "$failed" = 0 ] || status=1
echo "total: $passed passed, $failed failed"
exit "$status"
