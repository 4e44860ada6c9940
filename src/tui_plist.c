// SPDX-License-Identifier: GPL-2.0
/*
 * Reading live processes and threads from /proc for the selectors, and
 * filtering them by a typed query. A growing array of entries; labels are
 * heap strings owned by the list.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui_plist.h"
#include "util.h"

#define CMDLINE_MAX 256

void plist_free(struct plist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].label);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int plist_add(struct plist *l, uint32_t pid, uint32_t tid, const char *comm, const char *label)
{
	struct plist_entry *e;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		void *p = realloc(l->v, cap * sizeof(*l->v));

		if (!p)
			return -ENOMEM;
		l->v = p;
		l->cap = cap;
	}
	e = &l->v[l->n];
	memset(e, 0, sizeof(*e));
	e->pid = pid;
	e->tid = tid;
	snprintf(e->comm, sizeof(e->comm), "%s", comm);
	e->label = strdup(label);
	if (!e->label)
		return -ENOMEM;
	l->n++;
	return 0;
}

/* Reads a small /proc file into buf (NUL-terminated); returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static bool parse_id(const char *s, uint32_t *out)
{
	long v;

	if (util_parse_long(s, 1, 0x3fffffff, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static void read_comm(const char *root, uint32_t pid, uint32_t tid, char *comm, size_t cap)
{
	char path[128];
	ssize_t n;

	if (tid && tid != pid)
		snprintf(path, sizeof(path), "%s/%u/task/%u/comm", root, pid, tid);
	else
		snprintf(path, sizeof(path), "%s/%u/comm", root, pid);
	n = read_small(path, comm, cap);
	if (n <= 0) {
		comm[0] = '\0';
		return;
	}
	if (comm[n - 1] == '\n')
		comm[n - 1] = '\0';
}

static void read_cmdline(const char *root, uint32_t pid, char *buf, size_t cap)
{
	char path[128];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/cmdline", root, pid);
	n = read_small(path, buf, cap);
	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
}

static int add_threads(struct plist *l, const char *root, uint32_t pid)
{
	char path[128], comm[32], label[128];
	struct dirent *de;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%u/task", root, pid);
	d = opendir(path);
	if (!d)
		return 0; /* gone meanwhile */
	while (!err && (de = readdir(d))) {
		uint32_t tid;

		if (!parse_id(de->d_name, &tid))
			continue;
		read_comm(root, pid, tid, comm, sizeof(comm));
		snprintf(label, sizeof(label), "%u %s (process %u)", tid, comm, pid);
		err = plist_add(l, pid, tid, comm, label);
	}
	closedir(d);
	return err;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct plist_entry *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

int plist_scan(struct plist *l, const char *root, bool threads, uint32_t only_pid,
	       uint32_t skip_pid)
{
	char comm[32], cmd[CMDLINE_MAX], label[CMDLINE_MAX + 64];
	struct dirent *de;
	DIR *d;
	int err = 0;

	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].label);
	l->n = 0;
	if (threads && only_pid)
		return add_threads(l, root, only_pid);
	d = opendir(root);
	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		uint32_t pid;

		if (!parse_id(de->d_name, &pid) || pid == skip_pid)
			continue;
		if (threads) {
			err = add_threads(l, root, pid);
			continue;
		}
		read_comm(root, pid, 0, comm, sizeof(comm));
		read_cmdline(root, pid, cmd, sizeof(cmd));
		snprintf(label, sizeof(label), "%u %s%s%s", pid, comm, cmd[0] ? "  " : "", cmd);
		err = plist_add(l, pid, pid, comm, label);
	}
	closedir(d);
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_entry);
	return err;
}

bool plist_match(const char *label, const char *query)
{
	size_t qn;

	if (!query || !*query)
		return true;
	qn = strlen(query);
	for (const char *p = label; *p; p++) {
		size_t i = 0;

		while (i < qn && p[i] &&
		       tolower((unsigned char)p[i]) == tolower((unsigned char)query[i]))
			i++;
		if (i == qn)
			return true;
	}
	return false;
}

size_t plist_filter(const struct plist *l, const char *query, size_t *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++) {
		if (!plist_match(l->v[i].label, query))
			continue;
		if (n < cap)
			out[n] = i;
		n++;
	}
	return n;
}
