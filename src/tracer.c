// SPDX-License-Identifier: GPL-2.0
/*
 * The live event source. Owns the BPF skeleton, the ring buffer consumer
 * and the path cache; turns IOR_REC_PATH records into cache entries and
 * IOR_REC_EVENT records into struct ior_event (paths joined, made
 * absolute, wall-clock time) for the sink.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <linux/capability.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ior.h"
#include "ior.skel.h"
#include "ior_fast.skel.h"
#include "pathcache.h"
#include "pathutil.h"
#include "ringread.h"
#include "syscalls.h"
#include "tracer.h"
#include "util.h"

#define PATHCACHE_CAP (1u << 18)
#define PATH_BUF (IOR_PATH_DATA_MAX + IOR_NAME_MAX + 64)
#define JOIN_BUF (PATH_BUF + IOR_STR_MAX + 16)

_Static_assert(AGG_HIST_BUCKETS == IOR_AGG_BUCKETS, "histogram buckets");

struct tracer {
	struct ior_bpf *skel;
	struct ringread path_rb; /* the shared ring of path records */
	struct ringread *rings;  /* each CPU's ring of event records */
	int *ring_fds;           /* their maps */
	unsigned nrings;
	int epfd;                /* every ring's map fd: tracer_fd */
	bool stopped;            /* detached: no horizon for the merge */
	const struct ior_batch *batches; /* each CPU's batch, mapped read-only */
	size_t batches_len;
	uint8_t *unsent;         /* CPUs whose batch could not be sent at the last try */
	uint64_t *asked_at;      /* when ior_flush last ran on each CPU */
	uint32_t *stranded;      /* after detaching: calls left in a batch that could not be sent */
	uint64_t release_at;     /* path cache rotations to release ... */
	uint64_t release_clock;  /* ... once every event entered before this is handled */
	struct pathcache *paths;
	/* kernel aggregation: paths of file ids its keys name, kept when the
	 * path cache rotates them out (NULL when the kernel does not aggregate) */
	struct pathcache *pinned;
	/* kernel aggregation: each agg_vals slot's values as the last
	 * tracer_collect_agg took them, so the next one hands out only the
	 * calls added since (agg_seen_n slots, grown as slots are used) */
	struct ior_agg_val *agg_seen;
	size_t agg_seen_n;
	ior_event_fn sink;
	void *sink_ctx;
	int64_t wall_offset; /* realtime - monotonic, ns */
	int sink_err;
	uint64_t events;
	uint64_t unknown_paths;
	uint64_t kernel_agg;
	int stats_fd;        /* BPF_STATS_RUN_TIME while open; -1: off */
	bool fast;           /* the bpf_rdonly_cast build is loaded */
	char fmt[PATH_BUF];
	char path1[JOIN_BUF];
	char path2[JOIN_BUF];
};

const struct tracer_loss tracer_losses[TRACER_NLOSSES] = {
	{ offsetof(struct tracer_stats, rb_drops), "ring-buffer drops" },
	{ offsetof(struct tracer_stats, path_drops), "path drops" },
	{ offsetof(struct tracer_stats, unpaired_exits), "unpaired exits" },
	{ offsetof(struct tracer_stats, lost_enters), "lost entries" },
	{ offsetof(struct tracer_stats, died_in_call), "died in call" },
	{ offsetof(struct tracer_stats, str_faults), "unreadable strings" },
	{ offsetof(struct tracer_stats, recursion_misses), "recursion misses" },
	{ offsetof(struct tracer_stats, unknown_paths), "unknown paths" },
};

static int libbpf_verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	return libbpf_verbose ? vfprintf(stderr, fmt, args) : 0;
}

static void say(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* 0 if this process may load and attach tracing programs. */
static int check_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	uint64_t eff = (uint64_t)data[1].effective << 32 | data[0].effective;
	if (eff & (1ull << CAP_SYS_ADMIN))
		return 0;
	if ((eff & (1ull << 39 /* CAP_BPF */)) && (eff & (1ull << CAP_PERFMON)))
		return 0;
	return -EPERM;
}

#define TRUNC_MARK "[truncated]"
#define TRUNC_MARK_LEN (sizeof(TRUNC_MARK) - 1)

/*
 * Resolves a (possibly relative) user string against a base file id. The
 * result starts with TRUNC_MARK when any part of it is missing: the string
 * was cut at IOR_STR_MAX (cut), or the base directory's own path is marked
 * (its walk stopped short). The mark is kept out of the lexical join, where
 * enough ".." would otherwise cancel it like a directory name.
 */
static const char *event_path(struct tracer *t, char *buf, uint32_t file_id, const char *str,
			      uint16_t str_len, uint32_t base, bool raw, bool cut)
{
	const char *base_path;
	size_t mark = 0;

	if (file_id) {
		const char *p = pathcache_get(t->paths, file_id);

		if (!p)
			t->unknown_paths++;
		return p ? p : "[unknown]";
	}
	if (!str_len)
		return NULL;
	base_path = NULL;
	/* an absolute string has a base only under another root (chroot) */
	if (!raw && (str[0] != '/' || base)) {
		base_path = pathcache_get(t->paths, base);
		if (!base_path)
			t->unknown_paths++;
		if (base_path && strncmp(base_path, TRUNC_MARK, TRUNC_MARK_LEN) == 0) {
			base_path += TRUNC_MARK_LEN;
			cut = true;
		}
	}
	if (cut) {
		memcpy(buf, TRUNC_MARK, TRUNC_MARK_LEN);
		mark = TRUNC_MARK_LEN;
	}
	if (raw) {
		size_t n = strnlen(str, str_len);

		if (n >= JOIN_BUF - mark)
			n = JOIN_BUF - mark - 1;
		memcpy(buf + mark, str, n);
		buf[mark + n] = '\0';
		return buf;
	}
	if ((str[0] == '/' && base_path
		     ? path_join_under(buf + mark, JOIN_BUF - mark, base_path, str)
		     : path_join(buf + mark, JOIN_BUF - mark, base_path, str)) < 0)
		snprintf(buf + mark, JOIN_BUF - mark, "%s", str);
	return buf;
}

static int handle_event(struct tracer *t, const struct ior_rec_event *r, size_t size)
{
	const char *tail = (const char *)(r + 1);
	const struct ior_syscall *sc;
	struct ior_event ev;
	int idx;

	if (size < sizeof(*r) + r->str1_len + r->str2_len)
		return 0;
	idx = ior_syscall_by_nr(r->nr);
	if (idx < 0)
		return 0;
	sc = &ior_syscalls[idx];
	/* every field set one by one: cheaper than a memset of the event */
	ev.time_ns = r->ts + (uint64_t)t->wall_offset;
	ev.duration_ns = r->duration;
	ev.gap_ns = r->gap;
	ev.ret = r->ret;
	ev.bytes = r->bytes;
	ev.pid = r->pid;
	ev.tid = r->tid;
	ev.fd = r->fd;
	ev.flags = r->flags;
	ev.has_fd = r->evflags & IOR_EV_HAS_FD;
	ev.has_flags = r->evflags & IOR_EV_HAS_FLAGS;
	ev.sc = idx;
	memcpy(ev.comm, r->comm, IOR_COMM_LEN);
	ev.comm[IOR_COMM_LEN] = '\0';
	/* every path this event names was read before it (consume_pass) */
	ev.path = NULL;
	if (r->file_id)
		ev.path = pathcache_get_key(t->paths, r->file_id, &ev.path_len, &ev.path_hash);
	if (!ev.path) {
		ev.path = event_path(t, t->path1, r->file_id, tail, r->str1_len, r->base_id,
				     false, r->evflags & IOR_EV_STR1_TRUNC);
		if (ev.path) {
			ev.path_len = (uint32_t)strlen(ev.path);
			ev.path_hash = util_hash(ev.path, ev.path_len);
		}
	}
	ev.path_known = ev.path != NULL;
	ev.path2 = event_path(t, t->path2, r->file_id2, tail + r->str1_len, r->str2_len,
			      r->base_id2, sc->desc.kind & IOR_K_PATH2_RAW,
			      r->evflags & IOR_EV_STR2_TRUNC);
	t->events++;
	return t->sink(t->sink_ctx, &ev);
}

/* The path of file id `id`, from the cache or from the pinned paths. */
static const char *id_path(const struct tracer *t, uint32_t id)
{
	const char *p = pathcache_get(t->paths, id);

	if (!p && t->pinned)
		p = pathcache_get(t->pinned, id);
	return p;
}

static int pin_id(struct tracer *t, uint32_t id)
{
	const char *p;

	if (!id || pathcache_get(t->pinned, id))
		return 0;
	p = pathcache_get(t->paths, id);
	return p ? pathcache_put(t->pinned, id, p, strlen(p)) : 0;
}

/*
 * The path cache just rotated, and its next rotation drops the ids it
 * holds now: pin the paths of every id a kernel-aggregated key names, as
 * those keys are only read at the end of the run. Keys are never deleted,
 * so at most two ids per map entry are ever pinned.
 */
static int pin_agg_paths(struct tracer *t)
{
	int fd = bpf_map__fd(t->skel->maps.agg_slots);
	struct ior_agg_key k, next;
	const void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		int err = pin_id(t, next.file_id);

		if (err >= 0)
			err = pin_id(t, next.file_id2);
		if (err < 0)
			return err;
		k = next;
		prev = &k;
	}
	return 0;
}

static int handle_path(struct tracer *t, const struct ior_rec_path *r, size_t size)
{
	int n, rotated;

	if (size < sizeof(*r) + r->len)
		return 0;
	n = pathcache_format(t->fmt, sizeof(t->fmt), r->kind, r->pflags, r->ino,
			     (const char *)(r + 1), r->len);
	if (n < 0)
		return 0;
	rotated = pathcache_put(t->paths, r->id, t->fmt, (size_t)n);
	if (rotated < 0)
		return rotated;
	if (rotated) {
		__atomic_fetch_add(&t->skel->bss->shared.path_gen, 1, __ATOMIC_RELAXED);
		if (t->pinned)
			return pin_agg_paths(t);
	}
	return 0;
}

/*
 * Ring-buffer callback: 0 goes on; negative stops the consumer. Batch
 * records reach it one event at a time, split by ringread_merge.
 */
static int handle_record(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	uint32_t type;
	int err;

	if (size < sizeof(type))
		return 0;
	memcpy(&type, data, sizeof(type));
	if (type == IOR_REC_EVENT && size >= sizeof(struct ior_rec_event)) {
		err = handle_event(t, data, size);
	} else if (type == IOR_REC_PATH && size >= sizeof(struct ior_rec_path)) {
		err = handle_path(t, data, size);
	} else {
		err = 0;
	}
	if (err < 0) {
		t->sink_err = err;
		return err;
	}
	return 0;
}

/*
 * Syscalls ior does not trace whose success moves where files are seen
 * from: a path walked before them may be stale, as after a rename.
 */
static const long mount_syscalls[] = {
	SYS_mount, SYS_umount2, SYS_pivot_root,
#ifdef SYS_move_mount /* headers older than Linux 5.2 lack it */
	SYS_move_mount,
#endif
};

static void configure(struct tracer *t, const struct tracer_opts *o)
{
	struct ior_bpf__bss *bss = t->skel->bss;

	for (int i = 0; i < IOR_SC_COUNT; i++) {
		const struct ior_syscall *sc = &ior_syscalls[i];

		bss->shared.descs[sc->nr] = sc->desc;
		bss->shared.descs[sc->nr].kind |= IOR_K_TRACED;
	}
	for (size_t i = 0; i < sizeof(mount_syscalls) / sizeof(mount_syscalls[0]); i++)
		bss->shared.descs[mount_syscalls[i]].kind |= IOR_K_BUMP;
	bss->shared.self_tgid = (uint32_t)getpid();
	bss->shared.filter_pid = o->pid;
	bss->shared.filter_tid = o->tid;
	if (o->comm && o->comm[0]) {
		strncpy(bss->shared.filter_comm, o->comm, sizeof(bss->shared.filter_comm) - 1);
		bss->shared.filter_comm_on = 1;
	}
	bss->shared.follow_mode = o->follow;
}

/*
 * Opens ior's BPF object, the fast build (bpf_rdonly_cast, Linux 6.2+) or
 * the portable one, into the ior_bpf skeleton: both come from the same
 * source and differ only in code, so they share one skeleton layout. Each
 * global data section holds one variable (ior.h), which the compiler cannot
 * lay out differently in the two builds; these checks fail the build if a
 * section gains another.
 */
#define SAME_SECTION(sec, var)                                                        \
	_Static_assert(sizeof(struct ior_bpf__##sec) == sizeof(struct ior_fast_bpf__##sec) && \
			       sizeof(struct ior_bpf__##sec) ==                           \
				       sizeof(((struct ior_bpf__##sec *)0)->var),         \
		       "the BPF builds' ." #sec " holds " #var " alone")
SAME_SECTION(bss, shared);
SAME_SECTION(rodata, cfg);
SAME_SECTION(data, filter_gen);
#undef SAME_SECTION

static struct ior_bpf *open_object(bool fast)
{
	struct ior_bpf *obj = calloc(1, sizeof(*obj));
	int err;

	if (!obj) {
		errno = ENOMEM;
		return NULL;
	}
	err = ior_bpf__create_skeleton(obj);
	if (!err && fast)
		obj->skeleton->data = ior_fast_bpf__elf_bytes(&obj->skeleton->data_sz);
	if (!err)
		err = bpf_object__open_skeleton(obj->skeleton, NULL);
	if (err) {
		ior_bpf__destroy(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

/*
 * Attaches the programs so that no call is half seen: the task hooks
 * first (fork grows the follow set, exit hands back slots), then sys_exit,
 * then sys_enter. An exit without its entry (a call already in flight) is
 * ignored by design, but an entry whose exit hook was not attached yet
 * would stay pending and count as a lost entry at the thread's next call.
 */
static int attach_in_order(struct ior_bpf *skel)
{
	struct {
		struct bpf_program *prog;
		struct bpf_link **link;
	} order[] = {
		{ skel->progs.ior_fork, &skel->links.ior_fork },
		{ skel->progs.ior_exec, &skel->links.ior_exec },
		{ skel->progs.ior_task_exit, &skel->links.ior_task_exit },
		{ skel->progs.ior_exit, &skel->links.ior_exit },
		{ skel->progs.ior_enter, &skel->links.ior_enter },
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		*order[i].link = bpf_program__attach(order[i].prog);
		if (!*order[i].link)
			return -errno;
	}
	return 0;
}

/*
 * -ringbuf is the event rings' total: each CPU's ring is the largest power
 * of two of at most its share, and never less than RING_MIN. The path
 * ring gets a quarter of the total (at least 1 MiB): paths are sent once
 * per file.
 */
#define RING_MIN (256u << 10)

static uint32_t ring_bytes(uint32_t total, unsigned nrings)
{
	uint32_t per = RING_MIN;

	while (per <= total / nrings / 2)
		per <<= 1;
	return per;
}

static uint32_t path_ring_bytes(uint32_t total)
{
	return total / 4 > (1u << 20) ? total / 4 : 1u << 20;
}

/* Before loading: one event ring per possible CPU. */
static int make_rings(struct tracer *t, uint32_t rb_bytes, char *err, size_t errlen)
{
	uint32_t per = ring_bytes(rb_bytes, t->nrings);
	int ret;

	t->rings = calloc(t->nrings, sizeof(*t->rings));
	t->ring_fds = malloc(t->nrings * sizeof(*t->ring_fds));
	if (!t->rings || !t->ring_fds) {
		say(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < t->nrings; i++)
		t->ring_fds[i] = -1;
	for (unsigned i = 0; i < t->nrings; i++) {
		t->ring_fds[i] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "ior_events", 0, 0, per, NULL);
		if (t->ring_fds[i] < 0) {
			ret = -errno;
			say(err, errlen, "cannot make the ring buffers (%u bytes per CPU): %s", per,
			    strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * Adds a ring's fd to the tracer's epoll set, edge-triggered: the set
 * becomes readable when a ring's producer wakes the reader (a quarter
 * full), not whenever a ring holds data, which under a steady stream of
 * events is always; each pass clears it (clear_wakeups), so between
 * wake-ups the reader drains on its timer in large passes.
 */
static int watch_fd(struct tracer *t, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };

	ev.data.fd = fd;
	return epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/*
 * Puts every CPU's ring in the outer map. Each update of a map of maps
 * waits for an RCU grace period (5-15 ms): one batch waits once, where
 * one update per CPU would add seconds to the start on a big machine.
 */
static int fill_rings(struct tracer *t, int outer)
{
	uint32_t *keys = malloc(t->nrings * sizeof(*keys)), count = t->nrings;
	int ret = 0;

	if (!keys)
		return -ENOMEM;
	for (unsigned i = 0; i < t->nrings; i++)
		keys[i] = i;
	if (bpf_map_update_batch(outer, keys, t->ring_fds, &count, NULL)) {
		/* a kernel without batch updates for this map type */
		for (unsigned i = 0; !ret && i < t->nrings; i++)
			if (bpf_map_update_elem(outer, &keys[i], &t->ring_fds[i], BPF_ANY))
				ret = -errno;
	}
	free(keys);
	return ret;
}

/* The CPUs' batches, read-only: user space only reads their `oldest`. */
static int map_batches(struct tracer *t)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t len = t->nrings * sizeof(struct ior_batch);
	void *m;

	if (page <= 0)
		return -EINVAL;
	len = (len + (size_t)page - 1) / (size_t)page * (size_t)page;
	m = mmap(NULL, len, PROT_READ, MAP_SHARED, bpf_map__fd(t->skel->maps.batches), 0);
	if (m == MAP_FAILED)
		return -errno;
	t->batches = m;
	t->batches_len = len;
	t->unsent = calloc(t->nrings, 1);
	t->asked_at = calloc(t->nrings, sizeof(*t->asked_at));
	t->stranded = calloc(t->nrings, sizeof(*t->stranded));
	return t->unsent && t->asked_at && t->stranded ? 0 : -ENOMEM;
}

/*
 * After loading, before attaching: every CPU's ring put in the `rings`
 * array (a CPU without its ring would count every record as a drop), and
 * a reader of each ring and of the path ring, all in one epoll set.
 */
static int open_rings(struct tracer *t, uint32_t rb_bytes, char *err, size_t errlen)
{
	int outer = bpf_map__fd(t->skel->maps.rings), ret;

	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->epfd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = ringread_open(&t->path_rb, bpf_map__fd(t->skel->maps.path_rb),
			    path_ring_bytes(rb_bytes));
	if (!ret)
		ret = watch_fd(t, bpf_map__fd(t->skel->maps.path_rb));
	if (!ret)
		ret = fill_rings(t, outer);
	for (unsigned i = 0; !ret && i < t->nrings; i++) {
		ret = ringread_open(&t->rings[i], t->ring_fds[i], ring_bytes(rb_bytes, t->nrings));
		if (!ret)
			ret = watch_fd(t, t->ring_fds[i]);
	}
	if (!ret)
		ret = map_batches(t);
	if (!ret)
		return 0;
fail:
	say(err, errlen, "cannot open the ring buffers: %s", strerror(-ret));
	return ret;
}

/* Opens, sizes, configures and loads one build of the BPF object into t->skel. */
static int load_object(struct tracer *t, const struct tracer_opts *o, bool fast, uint32_t rb_bytes,
		       long agg_entries, long slots, char *err, size_t errlen)
{
	int ret;

	t->skel = open_object(fast);
	if (!t->skel) {
		ret = -errno ?: -ENOMEM;
		say(err, errlen, "cannot open the BPF object: %s", strerror(-ret));
		return ret;
	}
	/* the rings' size comes with the first of them, the inner map template */
	ret = bpf_map__set_max_entries(t->skel->maps.rings, t->nrings);
	if (!ret)
		ret = bpf_map__set_max_entries(t->skel->maps.batches, t->nrings);
	if (!ret)
		ret = bpf_map__set_inner_map_fd(t->skel->maps.rings, t->ring_fds[0]);
	if (!ret)
		ret = bpf_map__set_max_entries(t->skel->maps.path_rb, path_ring_bytes(rb_bytes));
	if (ret) {
		say(err, errlen, "cannot size the ring buffers (%u bytes): %s", rb_bytes,
		    strerror(-ret));
		return ret;
	}
	if (agg_entries) {
		ret = bpf_map__set_max_entries(t->skel->maps.agg_slots, (uint32_t)agg_entries);
		if (!ret)
			ret = bpf_map__set_max_entries(t->skel->maps.agg_vals, (uint32_t)agg_entries);
		if (ret) {
			say(err, errlen, "cannot size the aggregation maps: %s", strerror(-ret));
			return ret;
		}
		t->skel->rodata->cfg.agg_mode = (uint32_t)agg_entries;
	}
	ret = bpf_map__set_max_entries(t->skel->maps.slots, (uint32_t)slots);
	if (ret) {
		say(err, errlen, "cannot size the thread slots: %s", strerror(-ret));
		return ret;
	}
	t->skel->rodata->cfg.slot_mask = (uint32_t)slots - 1;
	configure(t, o);
	t->skel->bss->shared.wakeup_bytes = ring_bytes(rb_bytes, t->nrings) / 4;
	t->skel->bss->shared.path_wakeup_bytes = path_ring_bytes(rb_bytes) / 4;
	ret = ior_bpf__load(t->skel);
	if (ret)
		say(err, errlen, "the kernel refused ior's BPF programs (%s); ior needs Linux 5.17 or "
				 "newer with BPF task storage, run with IOR_DEBUG=1 for the verifier log",
		    strerror(-ret));
	return ret;
}

int tracer_new(const struct tracer_opts *o, struct tracer **out, char *err, size_t errlen)
{
	uint32_t rb_bytes = o->ringbuf_bytes ? o->ringbuf_bytes : TRACER_DEFAULT_RINGBUF;
	long agg_entries = 0, cache_cap, slots;
	struct tracer *t;
	int ret;

	*out = NULL;
	libbpf_verbose = getenv("IOR_DEBUG") != NULL;
	libbpf_set_print(libbpf_print);
	if (check_privileges()) {
		say(err, errlen, "tracing needs root (or CAP_BPF and CAP_PERFMON): run ior with sudo");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		say(err, errlen, "this kernel has no BTF type information (/sys/kernel/btf/vmlinux); "
				 "ior needs a kernel built with CONFIG_DEBUG_INFO_BTF=y");
		return -ENOTSUP;
	}
	/* knobs for tuning and for tests that need a full map or a small cache */
	if (o->kernel_agg && util_env_long("IOR_AGG_ENTRIES", TRACER_DEFAULT_AGG_ENTRIES, 0, 1l << 17,
				       &agg_entries, err, errlen))
		return -EINVAL;
	if (util_env_long("IOR_PATHCACHE_CAP", PATHCACHE_CAP, 1, 1l << 24, &cache_cap, err, errlen) ||
	    util_env_long("IOR_SLOTS", TRACER_DEFAULT_SLOTS, 1, 1l << 20, &slots, err, errlen))
		return -EINVAL;
	if (slots & (slots - 1)) {
		say(err, errlen, "IOR_SLOTS must be a power of two, not '%ld'", slots);
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		say(err, errlen, "out of memory");
		return -ENOMEM;
	}
	t->stats_fd = -1;
	t->epfd = -1;
	t->sink = o->sink;
	t->sink_ctx = o->sink_ctx;
	t->wall_offset = (int64_t)(util_now_ns(CLOCK_REALTIME) - util_now_ns(CLOCK_MONOTONIC));
	t->paths = pathcache_new((size_t)cache_cap);
	if (agg_entries)
		t->pinned = pathcache_new(2 * (size_t)agg_entries + 2);
	if (!t->paths || (agg_entries && !t->pinned)) {
		ret = -ENOMEM;
		say(err, errlen, "out of memory");
		goto fail;
	}
	/* the fast build first, unless IOR_BPF=portable asks for the other;
	 * a kernel without bpf_rdonly_cast refuses it before verifying */
	const char *build = getenv("IOR_BPF");

	if (build && strcmp(build, "portable") && strcmp(build, "fast")) {
		say(err, errlen, "IOR_BPF must be 'fast' or 'portable', not '%s'", build);
		ret = -EINVAL;
		goto fail;
	}
	t->fast = !build || strcmp(build, "portable");
	ret = libbpf_num_possible_cpus();
	if (ret < 1) {
		say(err, errlen, "cannot count this machine's CPUs: %s", strerror(ret ? -ret : EINVAL));
		ret = ret ? ret : -EINVAL;
		goto fail;
	}
	t->nrings = (unsigned)ret;
	ret = make_rings(t, rb_bytes, err, errlen);
	if (ret)
		goto fail;
	ret = load_object(t, o, t->fast, rb_bytes, agg_entries, slots, err, errlen);
	if (ret && t->fast && !build) {
		ior_bpf__destroy(t->skel);
		t->fast = false;
		ret = load_object(t, o, false, rb_bytes, agg_entries, slots, err, errlen);
	}
	if (ret)
		goto fail;
	ret = open_rings(t, rb_bytes, err, errlen);
	if (ret)
		goto fail;
	ret = attach_in_order(t->skel);
	if (ret) {
		say(err, errlen, "cannot attach to the sys_enter/sys_exit tracepoints: %s",
		    strerror(-ret));
		goto fail;
	}
	*out = t;
	return 0;
fail:
	if (ret == -EMFILE) {
		struct rlimit lim = { 0, 0 };

		/* ior raised the soft limit to the hard one before it came here */
		getrlimit(RLIMIT_NOFILE, &lim);
		say(err, errlen, "too few file descriptors to load the BPF programs: the open-file "
				 "limit (ulimit -n) is %llu, its hard limit, and ior needs one per ring "
				 "buffer (%u CPUs) and BPF map; run ior with a higher limit (ulimit -n 1024)",
		    (unsigned long long)lim.rlim_cur, t->nrings);
	}
	tracer_free(t);
	return ret < 0 ? ret : -EINVAL;
}

void tracer_free(struct tracer *t)
{
	if (!t)
		return;
	if (t->stats_fd >= 0)
		close(t->stats_fd);
	ringread_close(&t->path_rb);
	if (t->batches)
		munmap((void *)t->batches, t->batches_len);
	free(t->unsent);
	free(t->asked_at);
	free(t->stranded);
	for (unsigned i = 0; t->rings && i < t->nrings; i++)
		ringread_close(&t->rings[i]);
	for (unsigned i = 0; t->ring_fds && i < t->nrings; i++)
		if (t->ring_fds[i] >= 0)
			close(t->ring_fds[i]);
	free(t->rings);
	free(t->ring_fds);
	if (t->epfd >= 0)
		close(t->epfd);
	ior_bpf__destroy(t->skel);
	pathcache_free(t->paths);
	pathcache_free(t->pinned);
	free(t->agg_seen);
	free(t);
}

int tracer_follow(struct tracer *t, pid_t pid)
{
	uint32_t key = (uint32_t)pid;
	uint8_t one = 1;

	return bpf_map__update_elem(t->skel->maps.follow, &key, sizeof(key), &one, sizeof(one),
				    BPF_ANY);
}

int tracer_fd(const struct tracer *t)
{
	return t->epfd;
}

/* Runs ior_flush on cpu, which sends its batch: 0, 1 (it was busy) or -errno. */
static int flush_cpu(struct tracer *t, unsigned cpu)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .cpu = cpu, .flags = BPF_F_TEST_RUN_ON_CPU);
	int err = bpf_prog_test_run_opts(bpf_program__fd(t->skel->progs.ior_flush), &o);

	return err ? err : (int)o.retval;
}

/*
 * A batch whose oldest call entered this long ago is sent at the next pass,
 * but a CPU is interrupted for it at most once per BATCH_ASK_NS: a CPU
 * making a few hundred calls a second would otherwise take an interrupt
 * for nearly every one of them while the reader runs pass after pass.
 */
#define BATCH_AGE_NS (2ull * 1000000)
#define BATCH_ASK_NS (10ull * 1000000)

static uint64_t batch_oldest(const struct tracer *t, unsigned cpu)
{
	return __atomic_load_n(&t->batches[cpu].oldest, __ATOMIC_ACQUIRE);
}

/*
 * A pass's horizon: the clock, or earlier, the oldest entry time a CPU's
 * batch still holds (a record in a batch is not in its ring yet, and a
 * later call of its thread may already be in another ring). Batches whose
 * oldest call entered BATCH_AGE_NS ago are sent first (every batch, once
 * the programs are detached; BATCH_ASK_NS apart on one CPU otherwise), so
 * a CPU that went quiet holds nothing back for long. A CPU whose batch
 * could not be sent at the last try (offline) holds nothing back until a
 * try succeeds.
 */
static uint64_t pass_horizon(struct tracer *t, bool *held)
{
	uint64_t now = util_now_ns(CLOCK_MONOTONIC), horizon;

	for (unsigned i = 0; i < t->nrings; i++) {
		uint64_t k = batch_oldest(t, i);

		if (k && (t->stopped || (k + BATCH_AGE_NS <= now &&
					 t->asked_at[i] + BATCH_ASK_NS <= now))) {
			t->asked_at[i] = now;
			t->unsent[i] = flush_cpu(t, i) < 0;
			/* at the end, what an offline CPU still holds counts as dropped */
			if (t->unsent[i] && t->stopped)
				t->stranded[i] = __atomic_load_n(&t->batches[i].hdr.count,
								 __ATOMIC_RELAXED);
		}
	}
	horizon = t->stopped ? UINT64_MAX : now;
	*held = false;
	for (unsigned i = 0; i < t->nrings; i++) {
		uint64_t k = batch_oldest(t, i);

		if (k && k < horizon && !t->unsent[i]) {
			horizon = k;
			*held = true;
		}
	}
	return horizon;
}

/*
 * One pass over the rings: the horizon (pass_horizon), the event rings'
 * positions, then every path record (an event in those positions names
 * only paths sent before it), then the events merged by entry time up to
 * the positions and below the horizon, which keeps each thread's calls in
 * order across the CPUs' rings (ringread.h). The path cache tables
 * retired by a pass can go once a later pass left nothing below a horizon
 * past the end of that pass's path records: no event still to come can
 * name them.
 */
static long consume_pass(struct tracer *t, unsigned max, bool *done)
{
	static const struct ringread_batch batch = {
		IOR_REC_BATCH, sizeof(struct ior_rec_batch), sizeof(struct ior_rec_event)
	};
	uint64_t horizon, rotations, paths_end;
	long paths, n;
	bool held;

	horizon = pass_horizon(t, &held);
	for (unsigned i = 0; i < t->nrings; i++)
		ringread_snapshot(&t->rings[i]);
	paths = ringread_consume(&t->path_rb, 0, handle_record, t);
	if (paths < 0)
		return paths;
	rotations = pathcache_rotations(t->paths);
	paths_end = util_now_ns(CLOCK_MONOTONIC);
	n = ringread_merge(t->rings, t->nrings, horizon, offsetof(struct ior_rec_event, ts),
			   &batch, max, handle_record, t, done);
	if (n < 0)
		return n;
	if (t->stopped && held)
		*done = false; /* a batch still to send: the final drain goes on */
	if (*done && horizon >= t->release_clock) {
		pathcache_release(t->paths, t->release_at);
		t->release_at = rotations;
		t->release_clock = paths_end;
	}
	return paths + n;
}

/* Takes the wake-ups delivered so far off the epoll set (see watch_fd). */
static void clear_wakeups(struct tracer *t)
{
	struct epoll_event evs[16];

	while (epoll_wait(t->epfd, evs, 16, 0) == 16)
		;
}

int tracer_consume_n(struct tracer *t, unsigned max)
{
	bool done = false;
	long n;

	clear_wakeups(t);
	n = consume_pass(t, max, &done);

	/* detached: programs still running finish their records within
	 * microseconds; the last drain waits for them (10 ms at most) */
	for (int tries = 0; t->stopped && !max && n >= 0 && !done && tries < 10; tries++) {
		long more;

		usleep(1000);
		more = consume_pass(t, 0, &done);
		n = more < 0 ? more : n + more;
	}
	if (t->sink_err)
		return t->sink_err;
	if (n < 0)
		return (int)n;
	return n > INT_MAX ? INT_MAX : (int)n;
}

/*
 * A pass reads what the rings held when it began; a pass that found this
 * many records or more was behind, and another follows at once (the
 * rings only wake the reader again at a quarter full, so sleeping until
 * then would let them fill). Passes stop after DRAIN_SLICE_NS so that
 * the caller's loop still answers signals and flushes its sink.
 */
#define DRAIN_BUSY 1024
#define DRAIN_SLICE_NS (50ull * 1000000)

/* r's backlog in percent of its size */
static unsigned ring_pct(const struct ringread *r)
{
	return r->mask ? (unsigned)(ringread_backlog(r) * 100 / (r->mask + 1)) : 0;
}

unsigned tracer_backlog_pct(const struct tracer *t)
{
	unsigned pct = ring_pct(&t->path_rb);

	for (unsigned i = 0; i < t->nrings; i++)
		if (ring_pct(&t->rings[i]) > pct)
			pct = ring_pct(&t->rings[i]);
	return pct;
}

int tracer_consume(struct tracer *t)
{
	uint64_t start = util_now_ns(CLOCK_MONOTONIC);
	long total = 0;
	int n;

	do {
		n = tracer_consume_n(t, 0);
		if (n < 0)
			return n;
		total += n;
	} while (!t->stopped && n >= DRAIN_BUSY &&
		 util_now_ns(CLOCK_MONOTONIC) - start < DRAIN_SLICE_NS);
	return total > INT_MAX ? INT_MAX : (int)total;
}

void tracer_stop(struct tracer *t)
{
	/* the skeleton detaches in declaration order: entries stop first,
	 * and exits still pair the calls in flight until ior_exit goes */
	ior_bpf__detach(t->skel);
	t->stopped = true;
}

/* The path an aggregated key's file id names, counting ids never received. */
static const char *agg_path(struct tracer *t, uint32_t id, uint64_t count)
{
	const char *p;

	if (!id)
		return NULL;
	p = id_path(t, id);
	if (!p)
		t->unknown_paths += count;
	return p ? p : "[unknown]";
}

bool tracer_agg_delta(const struct ior_agg_val *v, const struct ior_agg_val *seen,
		      struct ior_agg_val *d)
{
	uint64_t sum_dur = 0, sum_gap = 0;

	if (v->count < seen->count || v->dur < seen->dur || v->gap < seen->gap ||
	    v->bytes < seen->bytes)
		return false;
	d->count = v->count - seen->count;
	d->dur = v->dur - seen->dur;
	d->gap = v->gap - seen->gap;
	d->bytes = v->bytes - seen->bytes;
	for (unsigned b = 0; b < IOR_AGG_BUCKETS; b++) {
		if (v->hist_dur[b] < seen->hist_dur[b] || v->hist_gap[b] < seen->hist_gap[b])
			return false;
		d->hist_dur[b] = v->hist_dur[b] - seen->hist_dur[b];
		d->hist_gap[b] = v->hist_gap[b] - seen->hist_gap[b];
		sum_dur += d->hist_dur[b];
		sum_gap += d->hist_gap[b];
	}
	if (sum_dur != d->count || sum_gap != d->count)
		return false;
	/* the extremes of all calls so far: merged, they give those of the whole run */
	d->dur_min = v->dur_min;
	d->dur_max = v->dur_max;
	return !v->count || (v->dur_min <= v->dur_max &&
			     v->hist_dur[util_log2_bucket(v->dur_min)] &&
			     v->hist_dur[util_log2_bucket(v->dur_max)]);
}

/* Makes room in agg_seen for slot; 0 or -ENOMEM. */
static int agg_seen_cover(struct tracer *t, uint32_t slot)
{
	size_t n = t->agg_seen_n ? t->agg_seen_n : 64;
	struct ior_agg_val *seen;

	if (slot < t->agg_seen_n)
		return 0;
	while (n <= slot)
		n *= 2;
	seen = realloc(t->agg_seen, n * sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	memset(seen + t->agg_seen_n, 0, (n - t->agg_seen_n) * sizeof(*seen));
	t->agg_seen = seen;
	t->agg_seen_n = n;
	return 0;
}

/* Reads slot's values until they are consistent; its delta since the last
 * collection in *d. 1: got it, 0: still mid-update (taken next time). */
static int agg_read_delta(struct tracer *t, int vals, uint32_t slot, struct ior_agg_val *d)
{
	struct ior_agg_val v;

	/* an update is a few instructions of one thread: it ends within tries */
	for (int attempt = 0; attempt < 64; attempt++) {
		if (bpf_map_lookup_elem(vals, &slot, &v))
			return 0; /* cannot happen: the slot is within the array */
		if (tracer_agg_delta(&v, &t->agg_seen[slot], d)) {
			t->agg_seen[slot] = v;
			return 1;
		}
		if (attempt >= 8)
			sched_yield();
	}
	return 0;
}

int tracer_collect_agg(struct tracer *t, tracer_agg_fn fn, void *ctx)
{
	int fd = bpf_map__fd(t->skel->maps.agg_slots);
	int vals = bpf_map__fd(t->skel->maps.agg_vals);
	struct ior_agg_key k, next;
	const void *prev = NULL;
	struct ior_agg_val v;
	uint32_t slot;
	char comm[IOR_COMM_LEN + 1];
	struct agg_entry e;
	int err;

	if (!t->pinned)
		return 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &slot))
			continue; /* cannot happen: nothing deletes keys */
		err = agg_seen_cover(t, slot);
		if (err)
			return err;
		int idx = ior_syscall_by_nr(k.nr);

		/* while tracing, a file whose path is still on its way through the
		 * path ring waits for the next collection, not to be [unknown] */
		if (!t->stopped && ((k.file_id && !id_path(t, k.file_id)) ||
				    (k.file_id2 && !id_path(t, k.file_id2))))
			continue;
		if (!agg_read_delta(t, vals, slot, &v) || idx < 0 || !v.count)
			continue;
		memcpy(comm, k.comm, IOR_COMM_LEN);
		comm[IOR_COMM_LEN] = '\0';
		memset(&e, 0, sizeof(e));
		e.comm = comm;
		e.syscall = ior_syscalls[idx].name;
		e.pid = k.pid;
		e.tid = k.tid;
		e.has_flags = k.evflags & IOR_EV_HAS_FLAGS;
		e.flags = e.has_flags ? k.flags : 0;
		e.count = v.count;
		e.dur_ns = v.dur;
		e.gap_ns = v.gap;
		e.bytes = v.bytes;
		e.dur_min_ns = v.dur_min;
		e.dur_max_ns = v.dur_max;
		memcpy(e.hist_dur, v.hist_dur, sizeof(e.hist_dur));
		memcpy(e.hist_gap, v.hist_gap, sizeof(e.hist_gap));
		e.path = agg_path(t, k.file_id, v.count);
		/* two lookups: id_path's result lives until the next put, and
		 * nothing is put while collecting */
		const char *path2 = agg_path(t, k.file_id2, v.count);

		t->events += v.count;
		t->kernel_agg += v.count;
		err = fn(ctx, &e, path2);
		if (err)
			return err;
	}
	return 0;
}

static int prog_info(const struct bpf_program *prog, struct bpf_prog_info *info)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(bpf_program__fd(prog), info, &len);
}

static uint64_t prog_misses(struct bpf_program *prog)
{
	struct bpf_prog_info info;

	return prog_info(prog, &info) ? 0 : info.recursion_misses;
}

int tracer_enable_bpf_stats(struct tracer *t)
{
	if (t->stats_fd >= 0)
		return 0;
	t->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	return t->stats_fd < 0 ? -errno : 0;
}

void tracer_disable_bpf_stats(struct tracer *t)
{
	if (t->stats_fd >= 0)
		close(t->stats_fd);
	t->stats_fd = -1;
}

void tracer_bpf_stats(const struct tracer *t, uint64_t *run_ns, uint64_t *runs)
{
	struct bpf_program *prog;
	struct bpf_prog_info info;

	*run_ns = 0;
	*runs = 0;
	if (t->stats_fd < 0)
		return;
	bpf_object__for_each_program(prog, t->skel->obj) {
		if (bpf_program__fd(prog) < 0 || prog_info(prog, &info))
			continue;
		*run_ns += info.run_time_ns;
		*runs += info.run_cnt;
	}
}

void tracer_stats(struct tracer *t, struct tracer_stats *s)
{
	int ncpu = libbpf_num_possible_cpus();
	struct ior_counters *per;
	uint32_t zero = 0;

	memset(s, 0, sizeof(*s));
	s->events = t->events;
	s->kernel_agg = t->kernel_agg;
	s->unknown_paths = t->unknown_paths;
	s->recursion_misses = prog_misses(t->skel->progs.ior_enter) +
			      prog_misses(t->skel->progs.ior_exit);
	for (unsigned i = 0; t->stranded && i < t->nrings; i++)
		s->rb_drops += t->stranded[i];
	if (ncpu <= 0)
		return;
	per = calloc((size_t)ncpu, sizeof(*per));
	if (!per)
		return;
	if (!bpf_map__lookup_elem(t->skel->maps.counters, &zero, sizeof(zero), per,
				  sizeof(*per) * (size_t)ncpu, 0)) {
		for (int i = 0; i < ncpu; i++) {
			s->rb_drops += per[i].rb_drops;
			s->path_drops += per[i].path_drops;
			s->unpaired_exits += per[i].unpaired_exits;
			s->lost_enters += per[i].lost_enters;
			s->died_in_call += per[i].died_in_call;
			s->str_faults += per[i].str_faults;
		}
	}
	free(per);
}

void tracer_set_scope(struct tracer *t, uint32_t pid, uint32_t tid)
{
	struct ior_bpf__bss *bss = t->skel->bss;

	bss->shared.filter_pid = pid;
	bss->shared.filter_tid = tid;
	__atomic_fetch_add(&t->skel->data->filter_gen, 1, __ATOMIC_RELEASE);
}

void tracer_set_probe(struct tracer *t, int sc, bool on)
{
	struct ior_sc_desc *d;

	if (sc < 0 || sc >= IOR_SC_COUNT)
		return;
	d = &t->skel->bss->shared.descs[ior_syscalls[sc].nr];
	if (on)
		__atomic_fetch_or(&d->kind, IOR_K_TRACED, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&d->kind, (uint16_t)~IOR_K_TRACED, __ATOMIC_RELAXED);
}

bool tracer_probe_enabled(const struct tracer *t, int sc)
{
	if (sc < 0 || sc >= IOR_SC_COUNT)
		return false;
	return t->skel->bss->shared.descs[ior_syscalls[sc].nr].kind & IOR_K_TRACED;
}
