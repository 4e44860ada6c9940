// SPDX-License-Identifier: GPL-2.0
/*
 * The attach-only floor: the two raw tracepoints ior hooks (sys_enter and
 * sys_exit, as tp_btf programs), with bodies that do nothing. Their cost is
 * what any tracer built this way pays per syscall before doing any work,
 * so bench/run.sh reports ior's overhead relative to it as well.
 *
 * The clock pair (floor -clock) does the least a per-call latency tracer
 * must: read the clock at entry and at exit and keep the difference (per
 * CPU, summed). On machines where reading the clock from the kernel is
 * dear (virtual machines, return-thunk mitigations) this alone costs more
 * than the hooks themselves, so the table shows it next to the floor.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sys_enter")
int BPF_PROG(floor_enter, struct pt_regs *regs, long id)
{
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(floor_exit, struct pt_regs *regs, long ret)
{
	return 0;
}

struct clock_cpu {
	__u64 enter_ns;
	__u64 sum_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct clock_cpu);
} clock_cpu SEC(".maps");

SEC("tp_btf/sys_enter")
int BPF_PROG(clock_enter, struct pt_regs *regs, long id)
{
	__u32 zero = 0;
	struct clock_cpu *c = bpf_map_lookup_elem(&clock_cpu, &zero);

	if (c)
		c->enter_ns = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(clock_exit, struct pt_regs *regs, long ret)
{
	__u64 now = bpf_ktime_get_ns();
	__u32 zero = 0;
	struct clock_cpu *c = bpf_map_lookup_elem(&clock_cpu, &zero);

	if (c)
		c->sum_ns += now - c->enter_ns;
	return 0;
}
