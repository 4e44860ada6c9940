// SPDX-License-Identifier: GPL-2.0
/*
 * The attach-only floor: the two raw tracepoints ior hooks (sys_enter and
 * sys_exit, as tp_btf programs), with bodies that do nothing. Their cost is
 * what any tracer built this way pays per syscall before doing any work,
 * so bench/run.sh reports ior's overhead relative to it as well.
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
