#!/usr/bin/env bash
# The syscall-storm benchmark: how much slower a storm of 1-byte pread/pwrite
# calls runs under ior than untraced, and than under the attach-only floor
# (empty programs on the same two raw tracepoints ior uses).
#
# Usage, as root from anywhere (normally `make bench`, which builds first):
#   BUILD=build bench/run.sh
# Environment:
#   BENCH_ROUNDS  rounds of every configuration (default 5); the table shows medians
#   BENCH_N       syscalls per storm thread (default 2000000)
#   BUILD         build folder holding bench/storm and bench/floor (default build)
#   IOR           the ior binary (default ./ior); its rows are skipped if it is missing
#   BENCH_IOR_WAIT seconds ior -plain gets to attach before the storm starts (default 1)
#   BENCH_CONFIGS only these configurations (space-separated names below),
#                 besides untraced, floor and clock, which every table needs
#   BENCH_INGEST_N rows of the storm-like Parquet recording the ingest benchmark
#                 reads (default 5000000); it repeats BENCH_ROUNDS times (at most 99)
#   BENCH_STARTUP_ROUNDS runs of `ior -plain -- true` timed for start-up (default 11)
#   BENCH_MEM_N   storm sizes (syscalls, space-separated) of the -flamegraph memory
#                 runs (default "5000000 20000000"; "5000000 100000000" with BENCH_LONG=1)
#   BENCH_LONG    1: the memory runs go to 100 million syscalls (minutes, not seconds)
#   BENCH_DASH_SECONDS seconds the dashboard watches a storm for its memory (default 10)
#
# Configurations, each run single-threaded and with one storm thread per core,
# interleaved round-robin so machine noise spreads over all of them:
#   untraced   the storm alone
#   floor      the storm while build/bench/floor holds its empty programs
#   clock      the storm while `floor -clock` holds programs that read the clock
#              at entry and exit and keep the difference (row "floor+clock")
#   ior-plain  the storm while `ior -plain` traces system-wide to /dev/null
#   ior-cmd    `ior -plain -- storm` (ior traces only its command)
#   ior-flame  `ior -flamegraph -name X -- storm` (aggregated, one .ior.zst at the end)
#   ior-parquet `ior -parquet X -- storm` (one Parquet row per syscall)
#   ior-dash   the live dashboard `ior -- storm` in a detached tmux (160x48),
#              quit with q once the storm is done (needs tmux)
#   strace     `strace -f -c` on N/20 syscalls per thread, time scaled x20
#   bpftrace   per-syscall latency histograms of the storm's pid (tracepoints)
# The storm writes its result line to a file (storm -o), so it survives
# whatever a tracer does with stdout. The time is the storm's own loop time.
#
# After the table, each on its own lines:
#   parquet   the Parquet encoder alone on storm-like rows (bench/parquet_bench)
#   flame, stats  the Flame tab's rebuild and layout of a 200,000-event aggregate, and
#             the statistics' ingest of 4M events, on one core (bench/model)
#   ingest    a storm-like Parquet recording decoded, alone and into the dashboard's
#             model (statistics, Stream ring, Flame aggregate), on one core (bench/ingest)
#   startup   `ior -plain -- true`: exec to exit, and exec to the first traced event
#             (that event's own timestamp, which ior prints)
#   memory    ior's peak RSS under `-flamegraph -- storm` at each BENCH_MEM_N, and of
#             the live dashboard (in a detached tmux) while a storm runs. ior's RSS
#             includes its BPF maps' mappings, where the ring buffers' data pages are
#             mapped twice (2 x (-ringbuf + the path ring)); that share is measured and
#             printed too.
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
IOR=${IOR:-./ior}
ROUNDS=${BENCH_ROUNDS:-5}
N=${BENCH_N:-2000000}
IOR_WAIT=${BENCH_IOR_WAIT:-1}
INGEST_N=${BENCH_INGEST_N:-5000000}
STARTUP_ROUNDS=${BENCH_STARTUP_ROUNDS:-11}
if [ "${BENCH_LONG:-0}" = 1 ]; then
	MEM_N=${BENCH_MEM_N:-5000000 100000000}
else
	MEM_N=${BENCH_MEM_N:-5000000 20000000}
fi
DASH_SECONDS=${BENCH_DASH_SECONDS:-10}
STRACE_DIV=20
STORM=$BUILD/bench/storm
FLOOR=$BUILD/bench/floor

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

[[ $ROUNDS =~ ^[1-9][0-9]{0,3}$ ]] || die "BENCH_ROUNDS must be a whole number from 1 to 9999, not '$ROUNDS'"
[[ $N =~ ^[1-9][0-9]{0,11}$ ]] || die "BENCH_N must be a whole number of syscalls per thread (>= 1), not '$N'"
[[ $IOR_WAIT =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "BENCH_IOR_WAIT must be a number of seconds, not '$IOR_WAIT'"
[[ $INGEST_N =~ ^[1-9][0-9]{0,8}$ ]] || die "BENCH_INGEST_N must be a whole number of rows from 1 to 999999999, not '$INGEST_N'"
[[ $STARTUP_ROUNDS =~ ^[1-9][0-9]{0,3}$ ]] || die "BENCH_STARTUP_ROUNDS must be a whole number from 1 to 9999, not '$STARTUP_ROUNDS'"
[[ $MEM_N =~ ^\ *[1-9][0-9]{0,11}(\ +[1-9][0-9]{0,11})*\ *$ ]] || die "BENCH_MEM_N must be whole numbers of syscalls (>= 1) separated by spaces, not '$MEM_N'"
[[ ${BENCH_LONG:-0} =~ ^[01]$ ]] || die "BENCH_LONG must be 0 or 1, not '$BENCH_LONG'"
[[ $DASH_SECONDS =~ ^[1-9][0-9]{0,4}$ ]] || die "BENCH_DASH_SECONDS must be a whole number of seconds (>= 1), not '$DASH_SECONDS'"
[ "$(id -u)" = 0 ] || die "must run as root (attaching BPF programs needs it): sudo make bench"
[ -x "$STORM" ] || die "$STORM is missing: run 'make bench' (or 'make $STORM')"
[ -x "$FLOOR" ] || die "$FLOOR is missing: run 'make bench' (or 'make $FLOOR')"

CORES=$(nproc)
THREADS=(1)
[ "$CORES" -gt 1 ] && THREADS+=("$CORES")

# ---- background processes and cleanup ---------------------------------------
WORK=$(mktemp -d /tmp/ior-bench.XXXXXX)
BG_PIDS=()
MOUNTED_TRACEFS=0
TMUX_SOCK=

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local pid
	# Children of ours first (ior under /usr/bin/time, a storm under a
	# tracer), by parent id; then ours. ior and floor stop cleanly on TERM.
	for pid in "${BG_PIDS[@]}"; do
		pkill -TERM -P "$pid" 2>/dev/null || true
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${BG_PIDS[@]}"; do
		stop_pid "$pid" TERM 2>/dev/null || true
	done
	[ "$MOUNTED_TRACEFS" = 1 ] && umount /sys/kernel/tracing 2>/dev/null
	# the tmux server of the dashboard's memory run (its own socket), with its ior
	[ -z "$TMUX_SOCK" ] || tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "bench: interrupted" >&2; exit 130' INT TERM HUP

forget_pid() {
	local keep=() p
	for p in "${BG_PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	BG_PIDS=("${keep[@]+"${keep[@]}"}")
}

# run_fg COMMAND...: run it as a child the shell waits for, so a signal to
# this script is handled at once (a foreground command would delay the trap
# until it ended) and the cleanup can stop it. Returns its exit status.
run_fg() {
	local pid rc=0
	"$@" &
	pid=$!
	BG_PIDS+=("$pid")
	wait "$pid" || rc=$?
	forget_pid "$pid"
	return "$rc"
}

# exited PID: the background child has ended (gone, or a zombie not yet reaped).
exited() {
	! [ -d "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# stop_pid PID [SIGNAL]: signal a background child, give it 10 s to exit,
# then kill it; reap it either way. Returns the child's exit status. (No
# watchdog subshell: a subshell killed in its sleep ran this script's EXIT
# trap, whose cleanup is not its to do.)
stop_pid() {
	local pid=$1 sig=${2:-INT} i rc=0
	kill "-$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		exited "$pid" && break
		sleep 0.05
	done
	exited "$pid" || kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || rc=$?
	forget_pid "$pid"
	return "$rc"
}

# ---- results ----------------------------------------------------------------
# TIMES[cfg,threads]: the storm's loop times in seconds, one per round.
# LOST[cfg,threads]:  ior's lost events summed over the rounds.
# RSS[cfg,threads]:   ior's peak resident set (kB), the largest of the rounds.
# CPU[cfg,threads]:   ior's own CPU per traced syscall (ns), one per round.
# FAILED[cfg]:        why a configuration stopped being run.
declare -A TIMES=() LOST=() RSS=() CPU=() LASTSUM=() FAILED=()

# storm_time FILE: the loop time from a storm result line.
storm_time() {
	local line
	line=$(cat "$1" 2>/dev/null) || return 1
	[[ $line =~ ^storm:\ [0-9]+\ threads,\ [0-9]+\ syscalls,\ ([0-9]+\.[0-9]+)\ s, ]] || return 1
	echo "${BASH_REMATCH[1]}"
}

# ior_lost LINE: the events ior lost, from its summary line: every counter
# after "lost:" except unreadable strings and unknown paths, which are events
# delivered with a missing string or path rather than events lost.
ior_lost() {
	local part=${1#*lost: } total=0 item n name
	IFS=',' read -ra items <<<"$part"
	for item in "${items[@]}"; do
		item=${item# }
		n=${item%% *}
		name=${item#* }
		[[ $n =~ ^[0-9]+$ ]] || continue
		case $name in "unreadable strings" | "unknown paths") continue ;; esac
		total=$((total + n))
	done
	echo "$total"
}

add_result() { # cfg threads seconds
	TIMES[$1,$2]="${TIMES[$1,$2]:-} $3"
}

# ior_cpu_ns FILE: ior's own CPU per traced syscall (ns), from the line after
# its summary ("ior: own CPU ... (N ns a syscall)"), or nothing.
ior_cpu_ns() {
	local line
	line=$(grep -E '^ior: own CPU ' "$1" 2>/dev/null | tail -n1) || return 0
	[[ $line =~ \(([0-9]+)\ ns\ a\ syscall\) ]] && echo "${BASH_REMATCH[1]}"
	return 0
}

add_ior() { # cfg threads summary-line rss-kB [cpu-ns]
	local lost
	[ -z "${5:-}" ] || CPU[$1,$2]="${CPU[$1,$2]:-} $5"
	lost=$(ior_lost "$3")
	LOST[$1,$2]=$((${LOST[$1,$2]:-0} + lost))
	LASTSUM[$1,$2]=$3
	if [[ $4 =~ ^[0-9]+$ ]] && [ "$4" -gt "${RSS[$1,$2]:-0}" ]; then
		RSS[$1,$2]=$4
	fi
}

fail_cfg() { # cfg reason
	FAILED[$1]=$2
	note "$1: $2; not run again"
}

# check_ior_saw cfg threads summary: ior must have seen at least the storm's
# syscalls, or it was not attached for the whole loop.
check_ior_saw() {
	local seen
	[[ $3 =~ ^ior:\ ([0-9]+)\ syscalls ]] || return 0
	seen=${BASH_REMATCH[1]}
	if [ "$seen" -lt $(($2 * N)) ]; then
		note "warning: $1 with $2 threads: ior saw $seen syscalls, fewer than the storm's $(($2 * N)); raise BENCH_IOR_WAIT?"
	fi
}

# ---- one run of each configuration --------------------------------------------
run_untraced() { # threads
	local out=$WORK/storm.out t
	rm -f "$out"
	run_fg "$STORM" -t "$1" -n "$N" -p "$WORK" -o "$out" || die "the storm failed untraced; see above"
	t=$(storm_time "$out") || die "the storm printed no result line to $out"
	add_result untraced "$1" "$t"
}

# run_floor THREADS [CONFIG FLOOR-ARGS...]: the storm while bench/floor holds
# its programs (the empty pair, or with -clock the clock pair)
run_floor() {
	local out=$WORK/storm.out fpid i t threads=$1 cfg=${2:-floor}
	shift $(($# < 2 ? $# : 2))
	rm -f "$out" "$WORK/floor.out"
	"$FLOOR" "$@" >"$WORK/floor.out" 2>"$WORK/floor.err" &
	fpid=$!
	BG_PIDS+=("$fpid")
	for ((i = 0; i < 200; i++)); do
		grep -q '^floor: attached$' "$WORK/floor.out" 2>/dev/null && break
		exited "$fpid" && break
		sleep 0.05
	done
	if ! grep -q '^floor: attached$' "$WORK/floor.out"; then
		stop_pid "$fpid" TERM || true
		die "floor did not attach: $(head -c 400 "$WORK/floor.err")"
	fi
	run_fg "$STORM" -t "$threads" -n "$N" -p "$WORK" -o "$out" || { stop_pid "$fpid" TERM || true; die "the storm failed under $cfg"; }
	stop_pid "$fpid" TERM || die "$cfg exited with an error: $(head -c 400 "$WORK/floor.err")"
	t=$(storm_time "$out") || die "the storm printed no result line to $out"
	add_result "$cfg" "$threads" "$t"
}

run_ior_plain() {
	local out=$WORK/storm.out err=$WORK/ior.err ipid rss=- sum t i
	rm -f "$out"
	"$IOR" -plain >/dev/null 2>"$err" &
	ipid=$!
	BG_PIDS+=("$ipid")
	sleep "$IOR_WAIT"
	if exited "$ipid"; then
		i=0
		stop_pid "$ipid" || i=$?
		fail_cfg ior-plain "ior exited at start with status $i: $(head -c 400 "$err")"
		return
	fi
	run_fg "$STORM" -t "$1" -n "$N" -p "$WORK" -o "$out" || true
	rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$ipid/status" 2>/dev/null || true)
	stop_pid "$ipid" INT || true
	sum=$(grep -E '^ior: [0-9]+ syscalls in' "$err" | tail -n1 || true)
	if ! t=$(storm_time "$out"); then
		fail_cfg ior-plain "the storm failed under ior -plain"
		return
	fi
	[ -n "$sum" ] || { fail_cfg ior-plain "ior printed no summary line: $(head -c 400 "$err")"; return; }
	check_ior_saw ior-plain "$1" "$sum"
	add_result ior-plain "$1" "$t"
	add_ior ior-plain "$1" "$sum" "${rss:--}" "$(ior_cpu_ns "$err")"
}

# run_ior_under CFG THREADS MODE-ARGS...: `ior MODE-ARGS -- storm`, timed by the storm.
run_ior_under() {
	local cfg=$1 threads=$2 out=$WORK/storm.out err=$WORK/ior.err rssf=$WORK/ior.rss rss=- sum t rc=0
	shift 2
	rm -f "$out" "$rssf" "$WORK"/rec.*
	if [ -x /usr/bin/time ]; then
		# GNU time's %M is the largest peak RSS among ior and the storm it
		# waits for; the storm's is a few MB, far below ior's.
		run_fg /usr/bin/time -f '%M' -o "$rssf" "$IOR" "$@" -- "$STORM" -t "$threads" -n "$N" -p "$WORK" -o "$out" \
			>/dev/null 2>"$err" || rc=$?
		rss=$(tail -n1 "$rssf" 2>/dev/null || true)
	else
		run_fg "$IOR" "$@" -- "$STORM" -t "$threads" -n "$N" -p "$WORK" -o "$out" >/dev/null 2>"$err" || rc=$?
	fi
	sum=$(grep -E '^ior: [0-9]+ syscalls in' "$err" | tail -n1 || true)
	if ! t=$(storm_time "$out"); then
		fail_cfg "$cfg" "the storm did not complete under ior (exit $rc): $(head -c 400 "$err")"
		return
	fi
	[ -n "$sum" ] || { fail_cfg "$cfg" "ior printed no summary line (exit $rc): $(head -c 400 "$err")"; return; }
	check_ior_saw "$cfg" "$threads" "$sum"
	add_result "$cfg" "$threads" "$t"
	add_ior "$cfg" "$threads" "$sum" "$rss" "$(ior_cpu_ns "$err")"
}

STRACE_N=$((N / STRACE_DIV))
[ "$STRACE_N" -ge 1 ] || STRACE_N=1
run_strace() {
	local out=$WORK/storm.out t
	rm -f "$out"
	if ! run_fg strace -f -c -o /dev/null "$STORM" -t "$1" -n "$STRACE_N" -p "$WORK" -o "$out" 2>"$WORK/strace.err" ||
		! t=$(storm_time "$out"); then
		fail_cfg strace "strace failed: $(head -c 400 "$WORK/strace.err")"
		return
	fi
	# scaled to the full N, so it lines up with the other rows
	add_result strace "$1" "$(awk -v t="$t" -v n="$N" -v s="$STRACE_N" 'BEGIN { printf "%.3f", t * n / s }')"
}

# Per-syscall latency histograms for the storm's process only (cpid).
BPFTRACE_PROG='tracepoint:raw_syscalls:sys_enter /pid == cpid/ { @start[tid] = nsecs; }
tracepoint:raw_syscalls:sys_exit /pid == cpid && @start[tid]/ {
	@lat[args->id] = hist(nsecs - @start[tid]); delete(@start[tid]); }
END { clear(@start); }'
run_bpftrace() {
	local out=$WORK/storm.out t
	rm -f "$out"
	# bpftrace splits -c on spaces and runs it without a shell (checked above)
	if ! run_fg bpftrace -o "$WORK/bpftrace.hist" -e "$BPFTRACE_PROG" \
		-c "$STORM -t $1 -n $N -p $WORK -o $out" >/dev/null 2>"$WORK/bpftrace.err" ||
		! t=$(storm_time "$out"); then
		fail_cfg bpftrace "bpftrace failed: $(grep -v RLIMIT_MEMLOCK "$WORK/bpftrace.err" | head -c 400)"
		return
	fi
	add_result bpftrace "$1" "$t"
}

# kb_to_mib KB: whole MiB, rounded.
kb_to_mib() { echo $(((${1:-0} + 512) / 1024)); }

# bpf_maps_kb PID: resident kB of the BPF maps mapped into PID (the ring buffer's
# data pages twice, its control pages, the programs' global variables).
bpf_maps_kb() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { m = ($6 == "anon_inode:bpf-map") }
		m && /^Rss:/ { kb += $2 } END { print kb + 0 }' "/proc/$1/smaps" 2>/dev/null || echo 0
}

# dash_start ARGS...: the live dashboard `ior ARGS` in a detached tmux of its own
# (socket TMUX_SOCK), its stderr in $WORK/dash.err; returns once it draws its
# tabs. Sets DASH_PID; on failure returns 1 with the reason in DASH_WHY.
dash_start() {
	local i cmd
	DASH_WHY=
	if ! command -v tmux >/dev/null; then
		DASH_WHY="tmux is not installed; scripts/deps.sh bench installs it"
		return 1
	fi
	printf -v cmd '%q ' "$IOR" "$@"
	TMUX_SOCK=ior-bench-$$
	DASH_PID=$(tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -P -F '#{pane_pid}' -x 160 -y 48 \
		"exec $cmd 2>$(printf '%q' "$WORK/dash.err")") || {
		DASH_WHY="tmux did not start"
		return 1
	}
	for ((i = 0; i < 200; i++)); do
		tmux -L "$TMUX_SOCK" capture-pane -p 2>/dev/null | grep -q Overview && break
		exited "$DASH_PID" && break
		sleep 0.05
	done
	if exited "$DASH_PID" || ! tmux -L "$TMUX_SOCK" capture-pane -p | grep -q Overview; then
		DASH_WHY="the dashboard did not start: $(head -c 400 "$WORK/dash.err")"
		tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
		TMUX_SOCK=
		return 1
	fi
}

# dash_stop: reads the dashboard's peak RSS (DASH_HWM, kB) and BPF map share
# (DASH_MAPS, kB), quits it with `q` and sets DASH_SUM to its summary line.
dash_stop() {
	local i
	DASH_HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$DASH_PID/status" 2>/dev/null || true)
	DASH_MAPS=$(bpf_maps_kb "$DASH_PID")
	tmux -L "$TMUX_SOCK" send-keys q
	for ((i = 0; i < 200; i++)); do
		exited "$DASH_PID" && break
		sleep 0.05
	done
	exited "$DASH_PID" || note "the dashboard did not quit on q"
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	TMUX_SOCK=
	DASH_SUM=$(grep -E '^ior: [0-9]+ syscalls in' "$WORK/dash.err" | tail -n1 || true)
}

# run_ior_dash THREADS: the live dashboard `ior -- storm` in tmux, timed by
# the storm; quit with q once the storm has written its result.
run_ior_dash() {
	local out=$WORK/storm.out t i
	rm -f "$out"
	if ! dash_start -- "$STORM" -t "$1" -n "$N" -p "$WORK" -o "$out"; then
		fail_cfg ior-dash "$DASH_WHY"
		return
	fi
	for ((i = 0; i < 12000; i++)); do
		[ -s "$out" ] && break
		exited "$DASH_PID" && break
		sleep 0.05
	done
	dash_stop
	if ! t=$(storm_time "$out"); then
		fail_cfg ior-dash "the storm did not complete under the dashboard: $(head -c 400 "$WORK/dash.err")"
		return
	fi
	[ -n "$DASH_SUM" ] || { fail_cfg ior-dash "the dashboard printed no summary line: $(head -c 400 "$WORK/dash.err")"; return; }
	check_ior_saw ior-dash "$1" "$DASH_SUM"
	add_result ior-dash "$1" "$t"
	add_ior ior-dash "$1" "$DASH_SUM" "${DASH_HWM:--}" "$(ior_cpu_ns "$WORK/dash.err")"
}

# ---- which configurations can run -------------------------------------------
CONFIGS=(untraced floor clock)
if [ -x "$IOR" ]; then
	CONFIGS+=(ior-plain ior-cmd ior-flame ior-parquet)
	command -v tmux >/dev/null && CONFIGS+=(ior-dash)
else
	note "ior rows skipped: $IOR does not exist yet (build it with 'make ior')"
fi
if command -v strace >/dev/null; then
	if strace -f -c -o /dev/null true 2>"$WORK/strace.err"; then
		CONFIGS+=(strace)
	else
		echo "strace: unavailable ($(head -n1 "$WORK/strace.err"))"
	fi
else
	echo "strace: unavailable (not installed; scripts/deps.sh bench installs it)"
fi
bpftrace_check() {
	# tracepoints need tracefs; mount it for the run if nobody has
	# it runs the storm from -c, split on spaces without a shell
	case "$WORK $STORM" in *' '*' '*)
		echo "bpftrace: unavailable (the storm's path has spaces, which bpftrace -c cannot pass)"
		return 1 ;;
	esac
	if [ ! -d /sys/kernel/tracing/events ] && [ -d /sys/kernel/tracing ] &&
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
		MOUNTED_TRACEFS=1
	fi
	if ! timeout 120 bpftrace -e 'tracepoint:raw_syscalls:sys_enter /pid == cpid/ { @n = count(); }' \
		-c "$STORM -n 1 -p $WORK -o /dev/null" >/dev/null 2>"$WORK/bpftrace.err"; then
		echo "bpftrace: unavailable ($(grep -v RLIMIT_MEMLOCK "$WORK/bpftrace.err" | grep -m1 . || echo "exit status $?"))"
		return 1
	fi
}
if ! command -v bpftrace >/dev/null; then
	echo "bpftrace: unavailable (not installed; scripts/deps.sh bench installs it)"
elif bpftrace_check; then
	CONFIGS+=(bpftrace)
fi

# BENCH_CONFIGS: a space-separated subset to run (untraced, floor and clock always run)
if [ -n "${BENCH_CONFIGS:-}" ]; then
	keep=(untraced floor clock)
	for cfg in "${CONFIGS[@]}"; do
		[[ " $BENCH_CONFIGS " == *" $cfg "* ]] && [[ " ${keep[*]} " != *" $cfg "* ]] && keep+=("$cfg")
	done
	CONFIGS=("${keep[@]}")
fi

echo "bench: kernel $(uname -r), $CORES cores, storm of $N syscalls per thread (1-byte pwrite/pread), $ROUNDS rounds"
echo "bench: configurations: ${CONFIGS[*]}; threads: ${THREADS[*]}"

# A short untraced storm first: page cache, CPU frequency and the binaries'
# pages settle before anything is measured.
run_fg "$STORM" -t "${THREADS[-1]}" -n $((N / 10 + 1)) -p "$WORK" -o /dev/null || die "the storm does not run: see above"

START=$SECONDS
for ((round = 1; round <= ROUNDS; round++)); do
	for cfg in "${CONFIGS[@]}"; do
		for t in "${THREADS[@]}"; do
			[ -z "${FAILED[$cfg]:-}" ] || continue
			printf 'bench: round %d/%d: %-9s %s thread(s)\n' "$round" "$ROUNDS" "$cfg" "$t" >&2
			case $cfg in
			untraced) run_untraced "$t" ;;
			floor) run_floor "$t" ;;
			clock) run_floor "$t" clock -clock ;;
			ior-plain) run_ior_plain "$t" ;;
			ior-cmd) run_ior_under ior-cmd "$t" -plain ;;
			ior-flame) run_ior_under ior-flame "$t" -flamegraph -name "$WORK/rec.flame" ;;
			ior-parquet) run_ior_under ior-parquet "$t" -parquet "$WORK/rec.parquet" ;;
			ior-dash) run_ior_dash "$t" ;;
			strace) run_strace "$t" ;;
			bpftrace) run_bpftrace "$t" ;;
			esac
		done
	done
done

# ---- the table --------------------------------------------------------------
median() { # values...
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
		END { if (NR == 0) exit 1; if (NR % 2) printf "%.3f", v[(NR + 1) / 2];
		      else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { # a b
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'
}

echo
echo "ior syscall-storm benchmark: $N syscalls per thread, median of $ROUNDS rounds, $((SECONDS - START)) s"
printf '%-13s %7s %10s %10s %8s %8s %13s %8s %10s %10s\n' \
	configuration threads "median s" "x untraced" "x floor" "x clock" "events/s" lost "ior RSS" "ior CPU"
for cfg in untraced floor clock ior-plain ior-cmd ior-flame ior-parquet ior-dash strace bpftrace; do
	for t in "${THREADS[@]}"; do
		label=$cfg
		[ "$cfg" = strace ] && label="strace (*)"
		[ "$cfg" = clock ] && label="floor+clock"
		if [ -z "${TIMES[$cfg,$t]:-}" ]; then
			[ -n "${FAILED[$cfg]:-}" ] && printf '%-13s %7s %s\n' "$label" "$t" "failed: ${FAILED[$cfg]}"
			continue
		fi
		# the lists of times are meant to split into arguments
		# shellcheck disable=SC2086
		{
			med=$(median ${TIMES[$cfg,$t]})
			un=$(median ${TIMES[untraced,$t]:-0})
			fl=$(median ${TIMES[floor,$t]:-0})
			ck=$(median ${TIMES[clock,$t]:-0})
		}
		rate=$(awk -v m="$med" -v n=$((N * t)) 'BEGIN { if (m > 0) printf "%.0f", n / m; else printf "-" }')
		lost=-
		rss=-
		cpu=-
		case $cfg in ior-*)
			lost=${LOST[$cfg,$t]:--}
			[ -n "${RSS[$cfg,$t]:-}" ] && rss="$((RSS[$cfg,$t] / 1024)) MiB"
			# shellcheck disable=SC2086
			[ -n "${CPU[$cfg,$t]:-}" ] && cpu="$(median ${CPU[$cfg,$t]} | awk '{ printf "%.0f", $1 }') ns"
			;;
		esac
		printf '%-13s %7s %10s %10s %8s %8s %13s %8s %10s %10s\n' \
			"$label" "$t" "$med" "$(ratio "$med" "$un")" "$(ratio "$med" "$fl")" \
			"$(ratio "$med" "$ck")" "$rate" "$lost" "$rss" "$cpu"
	done
done
for cfg in "${!FAILED[@]}"; do
	[ -n "${TIMES[$cfg,1]:-}" ] && printf '%s: failed in a later round: %s\n' "$cfg" "${FAILED[$cfg]}"
done
[[ " ${CONFIGS[*]} " == *' strace '* ]] &&
	echo "(*) strace ran $STRACE_N syscalls per thread; its time is scaled x$((N / STRACE_N)) to $N."
echo "lost: ior's summary counters of events lost, summed over all rounds (drops, unpaired exits, lost entries, died in call, recursion misses)."
echo "floor+clock: the floor's hooks reading the clock at entry and exit (bench/floor -clock), the least any per-call latency tracer pays; x clock is the ratio to it."
echo "ior RSS: ior's peak resident set, the largest of the rounds."
echo "ior CPU: ior's own CPU time (user + system, all its threads) per traced syscall while tracing, median of the rounds; its BPF programs run on the storm's threads and are in the storm's time instead."
# Round by round against the floor measured in the same round: the machine's
# speed drifts between rounds, and this shows how far.
if [ -n "${TIMES[floor,${THREADS[0]}]:-}" ]; then
	echo "x floor round by round (each round's time over that round's floor; median, then every round):"
	for cfg in clock ior-plain ior-cmd ior-flame ior-parquet ior-dash bpftrace; do
		for t in "${THREADS[@]}"; do
			# shellcheck disable=SC2086
			read -ra ts <<< "${TIMES[$cfg,$t]:-}"
			read -ra fs <<< "${TIMES[floor,$t]:-}"
			((${#ts[@]} && ${#ts[@]} == ${#fs[@]})) || continue
			rs=()
			for i in "${!ts[@]}"; do
				rs+=("$(ratio "${ts[$i]}" "${fs[$i]}")")
			done
			label=$cfg
			[ "$cfg" = clock ] && label="floor+clock"
			printf '  %-13s %s thread(s): %s  (%s)\n' "$label" "$t" \
				"$(median "${rs[@]}" | awk '{ printf "%.2f", $1 }')" "${rs[*]}"
		done
	done
fi
for cfg in ior-plain ior-cmd ior-flame ior-parquet ior-dash; do
	for t in "${THREADS[@]}"; do
		[ -n "${LASTSUM[$cfg,$t]:-}" ] && echo "$cfg, $t thread(s), last round: ${LASTSUM[$cfg,$t]}"
	done
done
# the Parquet encoder alone, on one core, fed storm-like rows without the kernel
if [ -x "$BUILD/bench/parquet_bench" ]; then
	"$BUILD/bench/parquet_bench" || echo "parquet: the encoder benchmark failed"
fi

# the Flame tab's rebuild and layout, and the statistics' ingest, on one core
if [ -x "$BUILD/bench/model" ]; then
	"$BUILD/bench/model" || echo "model: the dashboard model benchmark failed"
fi

# ---- user-space ingest: decoding and the dashboard's model, without the kernel ----
if [ -x "$BUILD/bench/ingest" ]; then
	note "ingest: $INGEST_N storm-like rows, $ROUNDS repetitions"
	run_fg "$BUILD/bench/ingest" -n "$INGEST_N" -r $((ROUNDS > 99 ? 99 : ROUNDS)) -d "$WORK" ||
		echo "ingest: the ingest benchmark failed"
else
	echo "ingest: unavailable ($BUILD/bench/ingest is missing: run 'make bench')"
fi

[ -x "$IOR" ] || { echo "startup, memory: unavailable ($IOR does not exist yet)"; exit 0; }

# ---- start-up: exec to exit, and exec to the first traced event --------------
# EPOCHREALTIME (bash 5) is read just before ior is started; the first line
# of -plain carries the first event's wall-clock time of entry (ns), the
# first syscall of `true`, which ior releases once its programs are attached.
startup() {
	local i t0 t1 first rc out=$WORK/startup.out err=$WORK/startup.err exits=() firsts=()
	if [ -z "${EPOCHREALTIME:-}" ]; then
		echo "startup: unavailable (this bash has no EPOCHREALTIME; bash 5 or newer has)"
		return
	fi
	note "startup: ior -plain -- true, $STARTUP_ROUNDS runs"
	for ((i = 0; i < STARTUP_ROUNDS; i++)); do
		rc=0
		t0=${EPOCHREALTIME/,/.}
		run_fg "$IOR" -plain -- true >"$out" 2>"$err" || rc=$?
		t1=${EPOCHREALTIME/,/.}
		if [ "$rc" != 0 ]; then
			echo "startup: ior -plain -- true failed (exit $rc): $(head -c 400 "$err")"
			return
		fi
		exits+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
		first=$(head -n1 "$out" | cut -d' ' -f1)
		[[ $first =~ ^[0-9]+\.[0-9]{9}$ ]] &&
			firsts+=("$(awk -v a="$t0" -v b="$first" 'BEGIN { printf "%.3f", (b - a) * 1000 }')")
	done
	printf 'startup: ior -plain -- true: exec to exit %.1f ms, exec to first traced event %s (median of %d)\n' \
		"$(median "${exits[@]}")" \
		"$( ((${#firsts[@]})) && printf '%.1f ms' "$(median "${firsts[@]}")" || echo "- (no event line)")" \
		"$STARTUP_ROUNDS"
}
startup

# ---- memory: -flamegraph at growing storm sizes, and the dashboard ----------------
# flame_rss N: `ior -flamegraph -- storm -n N` under GNU time; sets FLAME_KB (peak
# RSS of ior, kB) and FLAME_MAPS_KB (its BPF maps' share, sampled mid-run).
flame_rss() {
	local n=$1 rssf=$WORK/mem.rss err=$WORK/mem.err tpid ipid i rc=0
	FLAME_KB=''
	FLAME_MAPS_KB=''
	rm -f "$rssf" "$WORK"/mem.flame.*
	/usr/bin/time -f '%M' -o "$rssf" "$IOR" -flamegraph -name "$WORK/mem.flame" -- \
		"$STORM" -n "$n" -p "$WORK" -o /dev/null >/dev/null 2>"$err" &
	tpid=$!
	BG_PIDS+=("$tpid")
	# ior's maps are all mapped once its storm runs; sample them then
	for ((i = 0; i < 100; i++)); do
		sleep 0.1
		exited "$tpid" && break
		ipid=$(pgrep -P "$tpid" -x ior || true)
		if [ -n "$ipid" ] && pgrep -P "$ipid" -x storm >/dev/null; then
			FLAME_MAPS_KB=$(bpf_maps_kb "$ipid")
			break
		fi
	done
	wait "$tpid" || rc=$?
	forget_pid "$tpid"
	FLAME_KB=$(tail -n1 "$rssf" 2>/dev/null || true)
	if [ "$rc" != 0 ] || ! [[ $FLAME_KB =~ ^[0-9]+$ ]]; then
		echo "memory: ior -flamegraph -- storm -n $n failed (exit $rc): $(head -c 400 "$err")"
		return 1
	fi
}

memory_flame() {
	local n line="" maps=""
	if [ ! -x /usr/bin/time ]; then
		echo "memory: -flamegraph unavailable (no /usr/bin/time; scripts/deps.sh bench installs it)"
		return
	fi
	for n in $MEM_N; do
		note "memory: ior -flamegraph -- storm -n $n"
		flame_rss "$n" || return 0
		line+="${line:+, }$n syscalls $(kb_to_mib "$FLAME_KB") MiB"
		[ -n "$FLAME_MAPS_KB" ] && [ "$FLAME_MAPS_KB" -gt 0 ] && maps=$(kb_to_mib "$FLAME_MAPS_KB")
	done
	echo "memory: ior -flamegraph -- storm, peak RSS: $line" \
		"(of which BPF maps, the ring buffers' data pages mapped twice: ${maps:-?} MiB)"
}
memory_flame

# The dashboard, system-wide, while a storm runs DASH_SECONDS; its peak RSS
# is read just before `q`.
memory_dashboard() {
	local events="" rc=0
	note "memory: the dashboard in tmux, a storm of $DASH_SECONDS s"
	if ! dash_start; then
		echo "memory: dashboard unavailable ($DASH_WHY)"
		return
	fi
	sleep "$IOR_WAIT"
	run_fg timeout "$DASH_SECONDS" "$STORM" -n 1000000000000 -p "$WORK" -o /dev/null || rc=$?
	[ "$rc" = 124 ] || echo "memory: the storm under the dashboard ended with status $rc"
	dash_stop
	[[ $DASH_SUM =~ ^ior:\ ([0-9]+)\ syscalls ]] && events=", ${BASH_REMATCH[1]} events, $(ior_lost "$DASH_SUM") lost"
	if ! [[ $DASH_HWM =~ ^[0-9]+$ ]]; then
		echo "memory: the dashboard's peak RSS could not be read: $(head -c 400 "$WORK/dash.err")"
		return
	fi
	echo "memory: dashboard (default -stream-cap), system-wide, ${DASH_SECONDS} s of storm${events}: peak RSS $(kb_to_mib "$DASH_HWM") MiB" \
		"(of which BPF maps, the ring buffers' data pages mapped twice: $(kb_to_mib "$DASH_MAPS") MiB)"
}
memory_dashboard
exit 0
