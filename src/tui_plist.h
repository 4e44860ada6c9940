/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model behind the process and thread selectors: a list of live
 * processes or threads read from /proc, each with a label to show and to
 * search ("PID COMM CMDLINE"), and case-insensitive substring filtering.
 * Kept apart from the widget so it can be tested without a terminal.
 */
#ifndef IOR_TUI_PLIST_H
#define IOR_TUI_PLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct plist_entry {
	uint32_t pid;     /* process (tgid) */
	uint32_t tid;     /* thread; equals pid in a process list */
	char comm[17];
	char *label;      /* what is shown and searched; owned by the list */
};

struct plist {
	struct plist_entry *v;
	size_t n, cap;
};

/*
 * Fills l (emptied first) from proc_root ("/proc" outside tests): processes
 * when threads is false, else threads — of process only_pid, or of every
 * process when only_pid is 0. Skips process skip_pid (ior itself). Sorted
 * by pid, then tid. Returns 0 or -errno (-ENOMEM, or proc_root unreadable).
 */
int plist_scan(struct plist *l, const char *proc_root, bool threads, uint32_t only_pid,
	       uint32_t skip_pid);
/* Adds one entry (tests, and the scan itself). 0 or -ENOMEM. */
int plist_add(struct plist *l, uint32_t pid, uint32_t tid, const char *comm, const char *label);
/*
 * Writes to out (up to cap) the indices of the entries whose label contains
 * query, ignoring ASCII case; an empty or NULL query matches all. Returns
 * how many matched (may exceed cap; only cap are written).
 */
size_t plist_filter(const struct plist *l, const char *query, size_t *out, size_t cap);
/* True if label contains query, ignoring ASCII case. */
bool plist_match(const char *label, const char *query);
void plist_free(struct plist *l);

#endif /* IOR_TUI_PLIST_H */
