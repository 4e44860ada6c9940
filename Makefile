# ior — build, test and benchmark. `make V=1` shows the commands.
#   make              build ./ior (installs missing Debian packages as root)
#   make STATIC=1     a fully static ./ior
#   make SANITIZE=1   ASan+UBSan build (tests pass under it)
#   make test         unit + integration tests (integration needs root + BPF)
#   make fuzz         the readers' fuzzers at random for FUZZ_SECONDS (make test runs
#                     them with a fixed seed: make fuzz-fixed)
#   make bench        syscall-storm benchmark: ratios vs untraced and attach-only floor;
#                     user-space ingest rate, start-up time, peak RSS (bench/run.sh)
.DELETE_ON_ERROR:
.PRECIOUS: $(BUILD)/%.bpf.o
.SUFFIXES:

BUILD    ?= build
ifeq ($(SANITIZE),1)
BUILD    := build-san
endif
CC       ?= gcc
CLANG    ?= clang
BPFTOOL  ?= bpftool
ARCH     := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wundef -Wwrite-strings -Wvla
ifeq ($(CI),true)
WERROR   ?= 1
endif
ifeq ($(WERROR),1)
WARN     += -Werror
endif
CFLAGS   ?= -O2 -g
CFLAGS   += $(WARN) -std=gnu11 -D_GNU_SOURCE -I$(BUILD) -Isrc -MMD -MP
LDLIBS   := -lbpf -lelf -lz -lzstd -lncursesw -ltinfo
ifeq ($(SANITIZE),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
endif
ifeq ($(STATIC),1)
LDFLAGS  += -static
ifneq ($(SANITIZE),1)
BUILD    := build-static
endif
endif

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

# every module in src/ except the entry point and the BPF program
CORE_SRCS := $(sort $(filter-out src/main.c %.bpf.c,$(wildcard src/*.c)))
IOR_SRCS  := $(CORE_SRCS) src/main.c
IOR_OBJS  := $(IOR_SRCS:src/%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/main.o,$(IOR_OBJS))
WORKLOADS := $(patsubst tests/workload/%.c,$(BUILD)/workload/%,$(wildcard tests/workload/*.c))
BENCH_BINS:= $(patsubst bench/%.c,$(BUILD)/bench/%,$(filter-out %.bpf.c,$(wildcard bench/*.c)))

all: ior

.PHONY: all deps test unit parquet integration tui fuzz fuzz-fixed bench clean run

$(BUILD)/.deps: scripts/deps.sh
	$(Q)scripts/deps.sh build
	$(Q)mkdir -p $(BUILD) && touch $@

$(BUILD)/vmlinux.h: | $(BUILD)/.deps
	$(call msg,BTF,$@)
	$(Q)test -r /sys/kernel/btf/vmlinux || { echo "ior: this kernel has no BTF (/sys/kernel/btf/vmlinux); ior needs a kernel built with CONFIG_DEBUG_INFO_BTF=y" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@

$(BUILD)/%.bpf.o: src/%.bpf.c src/ior.h $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -Isrc -Wall -c $< -o $@

$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

# the same programs reading kernel memory by bpf_rdonly_cast (Linux 6.2+);
# ior loads it when the kernel can, else ior.bpf.o (docs/tracing.md)
$(BUILD)/ior_fast.bpf.o: src/ior.bpf.c src/ior.h $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -mcpu=v3 -DIOR_FAST -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -Isrc -Wall -c $< -o $@

$(BUILD)/tracer.o: $(BUILD)/ior.skel.h $(BUILD)/ior_fast.skel.h

# the commit ior is built from, for -version and the files' metadata; version.o
# is rebuilt when it changes
COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null)$(shell git rev-parse --git-dir >/dev/null 2>&1 && ! git diff --quiet HEAD 2>/dev/null && echo -dirty)
$(BUILD)/commit.stamp: FORCE | $(BUILD)/.deps
	$(Q)echo '$(COMMIT)' | cmp -s - $@ || echo '$(COMMIT)' > $@
$(BUILD)/version.o: CFLAGS += -DIOR_COMMIT='"$(COMMIT)"'
$(BUILD)/version.o: $(BUILD)/commit.stamp

$(BUILD)/%.o: src/%.c | $(BUILD)/.deps
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

# ./ior is relinked whenever the link flags change (make, STATIC=1, SANITIZE=1)
LINKSTAMP := build/ior.link
$(LINKSTAMP): FORCE
	$(Q)mkdir -p build
	$(Q)echo '$(BUILD) $(CC) $(LDFLAGS) $(LDLIBS)' | cmp -s - $@ || echo '$(BUILD) $(CC) $(LDFLAGS) $(LDLIBS)' > $@

ior: $(IOR_OBJS) $(LINKSTAMP)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $(IOR_OBJS) $(LDLIBS) -o $@

FORCE:

# tracing needs root: as a user who may sudo, run and test go through sudo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

run: ior
	$(SUDO) ./ior

# ---- tests -------------------------------------------------------------
# the unit tests find their input files in this checkout, wherever they run from
$(BUILD)/unit/%.o: tests/unit/%.c | $(BUILD)/.deps
	$(Q)mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -DIOR_TEST_SRCDIR='"$(CURDIR)"' -c $< -o $@

$(BUILD)/unit/run: $(UNIT_OBJS) $(LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# workloads are never instrumented: the tests assert their exact syscalls,
# which a sanitizer's runtime would add to (its threads map memory first)
WORKLOAD_CFLAGS := $(filter-out -fsanitize=% -fno-sanitize-recover=%,$(CFLAGS))
$(BUILD)/workload/%: tests/workload/%.c | $(BUILD)/.deps
	$(Q)mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(WORKLOAD_CFLAGS) -pthread $< -o $@

# test tools that read ior's files link its modules
$(BUILD)/workload/histcheck: tests/tools/histcheck.c $(LIB_OBJS) | $(BUILD)/.deps
	$(Q)mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

$(BUILD)/.testdeps: scripts/deps.sh
	$(Q)scripts/deps.sh test
	$(Q)mkdir -p $(BUILD) && touch $@

unit: $(BUILD)/unit/run
	$(Q)$(BUILD)/unit/run

integration: ior $(WORKLOADS) $(BUILD)/workload/histcheck $(BUILD)/bench/storm $(BUILD)/.testdeps
	$(Q)tests/parquet/install.sh
	$(Q)status=0; export IOR=./ior WORKLOAD_DIR=$(BUILD)/workload STORM=$(BUILD)/bench/storm; \
	python3 tests/integration/run.py || status=1; \
	IOR_BPF=portable IOR_TEST_SUITE=integration-portable python3 tests/integration/run.py || status=1; \
	python3 tests/integration/reliability.py || status=1; \
	python3 tests/integration/savesafe.py || status=1; \
	exit $$status

# each reader of untrusted files: make test fuzzes it with a fixed seed for a
# fixed number of inputs (the same inputs every run: red only when the code
# changed); make fuzz fuzzes it at random for FUZZ_SECONDS, for developers.
# Neither writes into the checkout (tests/fuzz/run.sh).
FUZZ_FIXED := iorzst:50000 pqread:100000
FUZZ_SEED ?= 1
fuzz-fixed: $(BUILD)/.testdeps
	$(Q)for fr in $(FUZZ_FIXED); do f=$${fr%%:*}; \
		if tests/fuzz/run.sh $$f -runs=$${fr#*:} $(FUZZ_SEED); then \
			echo "fuzz-$$f: 1 passed, 0 failed, 0 skipped of 1 registered"; \
		else echo "fuzz-$$f: 0 passed, 1 failed, 0 skipped of 1 registered"; status=1; fi; \
	done; exit $${status:-0}

FUZZ_SECONDS ?= 600
fuzz: $(BUILD)/.testdeps
	$(Q)status=0; for f in iorzst pqread; do tests/fuzz/run.sh $$f $(FUZZ_SECONDS) || status=1; done; \
	exit $$status

# the dashboard, driven in tmux (needs root, BPF and tmux)
tui: ior $(BUILD)/.testdeps
	$(Q)tests/parquet/install.sh
	$(Q)status=0; export IOR=./ior BUILD=$(BUILD); \
	python3 tests/tui/run.py || status=1; \
	python3 tests/tui/flame.py || status=1; \
	python3 tests/tui/stream.py || status=1; \
	exit $$status

# the Parquet writer checked by two independent readers (DuckDB, hyparquet)
parquet: $(BUILD)/.testdeps
	$(Q)tests/parquet/run.sh

# every suite, each to its end, then one line per suite and the total
test:
	$(Q)$(SUDO) env MAKE="$(MAKE)" MAKEFLAGS="$(MAKEFLAGS)" CI="$(CI)" PATH="$$PATH" tests/run-all.sh

# ---- benchmark -----------------------------------------------------------
$(BUILD)/bench/%: bench/%.c | $(BUILD)/.deps
	$(Q)mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -pthread $< -o $@

$(BUILD)/floor.bpf.o: bench/floor.bpf.c $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(ARCH) -I$(BUILD) -Isrc -Wall -c $< -o $@
$(BUILD)/bench/floor: bench/floor.c $(BUILD)/floor.skel.h | $(BUILD)/.deps
	$(Q)mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LDLIBS) -o $@

# the benchmarks without the kernel (Parquet writer, user-space ingest, the
# dashboard's model) link ior's modules
$(BUILD)/bench/parquet_bench $(BUILD)/bench/ingest $(BUILD)/bench/model: $(BUILD)/bench/%: bench/%.c bench/stormrows.h $(LIB_OBJS) | $(BUILD)/.deps
	$(Q)mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) $< $(LIB_OBJS) $(LDLIBS) -o $@

bench: ior $(BENCH_BINS) $(BUILD)/bench/floor
	$(Q)scripts/deps.sh bench
	$(Q)$(SUDO) env BUILD=$(BUILD) PATH="$$PATH" bench/run.sh

clean:
	rm -rf build build-san build-static ior

-include $(wildcard $(BUILD)/*.d $(BUILD)/unit/*.d)
