// SPDX-License-Identifier: GPL-2.0
/*
 * ior's kernel side. sys_enter stores a traced syscall's arguments and the
 * identity of the file behind its fd in task storage; sys_exit pairs it,
 * computes duration and gap, and emits one ior_rec_event. A file's path is
 * built once by a bounded dentry walk, sent as an ior_rec_path and
 * remembered in the `seen` LRU map, so events carry only a small file id.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "ior.h"

char LICENSE[] SEC("license") = "GPL";

#define PIPEFS_MAGIC 0x50495045
#define SOCKFS_MAGIC 0x534F434B
#define ANON_INODE_FS_MAGIC 0x09041934
#define F_DUPFD 0
#define F_DUPFD_CLOEXEC 1030
#define O_CREAT_WRONLY_TRUNC 0x241
#define EBADF 9
#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_PATH 0x4000

#define AGG_CACHE 4 /* per-thread cache of aggregation slots, indexed by nr % 4 */

/* One cached aggregation key of this thread (pid, tid and comm apart) and its slot. */
struct agg_cached {
	__u32 file_id;
	__u32 file_id2;
	__u16 nr1; /* syscall nr + 1; 0: empty */
	__u16 evflags;
	__s32 flags;
	__u32 slot;
};

/* Per-thread pairing state. */
struct task_state {
	__u64 enter_ts;
	__u64 last_exit_ts;
	__u64 args[6];
	__u32 pending; /* syscall nr + 1 of the entry awaiting its exit; 0: none */
	__u32 wanted_gen; /* filter_gen when this task last passed the filters */
	__u32 file_id;
	__u32 file_id2;
	/* one-entry cache: fd -> (struct file, id), valid for path_gen cgen */
	__s32 cfd;
	__u64 cfile;
	__u64 cdentry;
	__u32 cid;
	__u32 cgen;
	/* -flamegraph: which tid the agg cache's keys were made for */
	__u32 atid;
	__u64 scratch; /* the fast build's pointer-to-number conversions */
	/* task->comm's 16 bytes as they were when this thread's cached
	 * decisions were made: its -comm verdict and its agg cache keys */
	__u64 comm[2];
	struct agg_cached acache[AGG_CACHE];
	/* the fast build: the task and its saved registers, as numbers, at
	 * the pending call's entry (cpu_slot) */
	__u64 task_addr;
	__u64 regs_addr;
};

/*
 * The state of traced threads lives in `slots`, an array indexed by tid:
 * a thread owns slot tid % NSLOTS while the slot's tag is its (tid, start
 * time), which it claims on its first traced call and gives back when it
 * exits. An array slot is found by plain arithmetic, where task storage
 * costs a helper call of about 50 ns on each of the two programs. A thread
 * whose slot another live thread holds (tids NSLOTS apart) keeps its state
 * in task storage instead.
 */
#define NSLOTS 32768 /* the default; user space may set fewer (IOR_SLOTS) */

struct slot {
	__u32 tid;   /* 0: free */
	__u32 pad;
	__u64 start; /* task->start_time of the owner */
	struct task_state st;
};
/*
 * Whole cache lines, in a page-aligned (mmapable) array: two threads on two
 * CPUs never write one line. At 240 bytes, a slot's last line held the next
 * tid's first fields, and consecutive tids (a program's threads) made both
 * CPUs pull that line back and forth on every call.
 */
_Static_assert(sizeof(struct slot) == 256, "a slot is four whole cache lines");

struct file_key {
	__u64 dentry;
	__u64 mnt;
};

struct file_seen {
	__u64 ino;
	__u32 id;
	__u32 gen;
};

struct path_buf {
	struct ior_rec_path hdr;
	char data[IOR_PATH_DATA_MAX + IOR_NAME_MAX];
};

struct event_buf {
	struct ior_rec_event ev;
	char tail[2 * IOR_STR_MAX];
};

/*
 * Event records go to the ring of the CPU they are made on, so CPUs do not
 * contend for one ring's lock and cache lines: an array of rings indexed
 * by CPU, which user space creates and fills before attaching. Path
 * records go to one shared ring that user space drains before the event
 * rings (an event may name a path another CPU just sent).
 */
struct event_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* resized by user space before load */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1); /* one per possible CPU, set by user space */
	__type(key, __u32);
	__array(values, struct event_ring);
} rings SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 << 20); /* resized by user space before load */
} path_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_state);
} task_states SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE); /* values from a page boundary */
	__uint(max_entries, NSLOTS);
	__type(key, __u32);
	__type(value, struct slot);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct file_key);
	__type(value, struct file_seen);
} seen SEC(".maps");

/* tgids followed in `-- COMMAND` mode: grows on fork, shrinks on exit */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} follow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ior_counters);
} counters SEC(".maps");

/*
 * -flamegraph: aggregated fd-based calls, key -> slot in agg_vals (both
 * sized, or left unused, by user space). Slots are handed out in order
 * and never freed, so a thread can cache a key's slot.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__type(key, struct ior_agg_key);
	__type(value, __u32);
} agg_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ior_agg_val);
} agg_vals SEC(".maps");

/* Per CPU: the consumer position of its event ring, plus one, when a record
 * last woke the reader (wake_flags). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} wake_marks SEC(".maps");

/*
 * Per CPU, the fast build: the slot index, plus one, of the last traced
 * entry made on it (0: none, or its state was in task storage). sys_exit
 * takes that slot's state without asking for the current task (a helper
 * call, about 20 ns here) when the slot is held, its pending call is the
 * one exiting and its saved register address is this exit's: the saved
 * registers sit at the top of a thread's kernel stack, which no other live
 * thread shares, and a thread that exits gives its slot back first. A
 * thread that slept or moved to another CPU meanwhile takes the usual way.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cpu_slot SEC(".maps");

/* Each CPU's batch of string-less records (ior.h); user space maps it read-only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1); /* one per possible CPU, set by user space */
	__type(key, __u32);
	__type(value, struct ior_batch);
} batches SEC(".maps");

/* slot 0: sys_enter, slot 1: sys_exit (the two programs may interleave) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct path_buf);
} path_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event_buf);
} event_scratch SEC(".maps");

/* What user space reads and writes (ior.h); cfg is constant once loaded. */
struct ior_shared shared;
const volatile struct ior_cfg cfg = { .slot_mask = NSLOTS - 1 };
/* Bumped by user space whenever a filter changes: cached verdicts expire.
 * (.data, alone there) */
__u32 filter_gen = 1;

static __always_inline struct ior_counters *counters_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counters, &zero);
}

/* -comm: is the current task named exactly filter_comm? The helper's copy
 * ends at the name's NUL (task->comm may hold stale bytes after it). */
static __always_inline bool comm_wanted(void)
{
	char comm[IOR_COMM_LEN];

	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < IOR_COMM_LEN; i++) {
		if (comm[i] != shared.filter_comm[i])
			return false;
		if (!comm[i])
			break;
	}
	return true;
}

/* Notes ior's own root directory (root_id compares with it). */
static __always_inline void self_root_note(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct path root;

	if (bpf_probe_read_kernel(&root, sizeof(root),
				  __builtin_preserve_access_index(&task->fs->root)))
		return;
	shared.self_root_mnt = (__u64)root.mnt;
	shared.self_root_dentry = (__u64)root.dentry;
}

static __always_inline bool task_wanted(__u32 tgid, __u32 tid)
{
	if (tgid == shared.self_tgid) {
		if (!shared.self_root_dentry)
			self_root_note();
		return false;
	}
	if (shared.filter_pid && tgid != shared.filter_pid)
		return false;
	if (shared.filter_tid && tid != shared.filter_tid)
		return false;
	if (shared.follow_mode && !bpf_map_lookup_elem(&follow, &tgid))
		return false;
	if (shared.filter_comm_on && !comm_wanted())
		return false;
	return true;
}

/*
 * Has the task's name changed (exec, prctl(PR_SET_NAME), a write to
 * /proc/PID/comm) since st's cached decisions were made? Two plain loads
 * from the task pointer, no helper call.
 */
static __always_inline bool comm_changed(struct task_state *st, struct task_struct *task)
{
	const __u64 *comm = (const __u64 *)task->comm;

	return st->comm[0] != comm[0] || st->comm[1] != comm[1];
}

/* Makes st's cached decisions those of the task's current name: the agg
 * cache's keys, which hold the name, start again. */
static __always_inline void comm_note(struct task_state *st, struct task_struct *task)
{
	const __u64 *comm = (const __u64 *)task->comm;

	st->comm[0] = comm[0];
	st->comm[1] = comm[1];
	for (int i = 0; i < AGG_CACHE; i++)
		st->acache[i].nr1 = 0;
}

/*
 * Records are submitted without waking the reader, which drains on a timer.
 * Each full batch, and about one record with strings in 64 (chosen by the
 * clock's low bits, which costs nothing), looks at its ring's fill level:
 * past wakeup_bytes it wakes the reader, unless a record already did so
 * since the reader last moved the ring's consumer position. So a reader
 * that is behind is woken once, not for every record, and one that was
 * woken and drained is woken again if the ring is past the mark once more
 * (a test for a narrow window above the mark instead missed it about one
 * time in three, leaving the reader to its timer while small rings
 * overflowed).
 */
static __always_inline __u64 wake_check(void *ring)
{
	__u32 zero = 0;
	__u64 *mark, cons;

	if (bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA) < shared.wakeup_bytes)
		return BPF_RB_NO_WAKEUP;
	mark = bpf_map_lookup_elem(&wake_marks, &zero);
	if (!mark)
		return BPF_RB_FORCE_WAKEUP;
	cons = bpf_ringbuf_query(ring, BPF_RB_CONS_POS) + 1;
	if (*mark == cons)
		return BPF_RB_NO_WAKEUP;
	*mark = cons;
	return BPF_RB_FORCE_WAKEUP;
}

static __always_inline __u64 wake_flags(void *ring, __u64 now)
{
	if (now & 0x3f)
		return BPF_RB_NO_WAKEUP;
	return wake_check(ring);
}

/* This CPU's event ring; NULL only if user space did not fill its slot. */
static __always_inline void *event_ring(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&rings, &cpu);
}

struct walk_ctx {
	__u64 dentry;
	__u64 mnt; /* struct mount * */
	__u32 slot;
	__u32 done;
};

/*
 * One step of the walk from a dentry up to its namespace root: cross a
 * mount point, or append one component name (leaf first, NUL-ended) to the
 * path buffer. A bpf_loop callback, so the verifier checks it once; the
 * write position lives in the buffer (pb->hdr.len), not on the stack, so
 * the verifier does not track every value it takes.
 */
static long walk_step(__u32 i, void *arg)
{
	struct walk_ctx *w = arg;
	struct dentry *dentry = (struct dentry *)w->dentry;
	struct mount *mnt = (struct mount *)w->mnt;
	struct path_buf *pb;
	__u32 pos;

	if (dentry == BPF_CORE_READ(mnt, mnt.mnt_root)) {
		struct mount *parent = BPF_CORE_READ(mnt, mnt_parent);

		if (parent == mnt) {
			w->done = 1;
			return 1;
		}
		w->dentry = (__u64)BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = (__u64)parent;
		return 0;
	}
	struct dentry *up = BPF_CORE_READ(dentry, d_parent);

	if (!up) {
		w->done = 1;
		return 1;
	}
	/*
	 * A dentry that is its own parent but not the mount's root is a
	 * pseudo file (memfd, O_TMPFILE-like internal files): its name is the
	 * last component, as /proc/PID/fd shows it.
	 */
	if (up == dentry)
		w->done = 1;
	pb = bpf_map_lookup_elem(&path_scratch, &w->slot);
	if (!pb)
		return 1;
	pos = pb->hdr.len;
	if (pos >= IOR_PATH_DATA_MAX)
		return 1;
	const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
	long n = bpf_probe_read_kernel_str(&pb->data[pos & (IOR_PATH_DATA_MAX - 1)], IOR_NAME_MAX,
					   name);
	if (n <= 0)
		return 1;
	pb->hdr.len = pos + n;
	w->dentry = (__u64)up;
	return w->done ? 1 : 0;
}

/* Writes the path of (dentry, mount) into pb->data; returns the bytes used. */
static __always_inline __u32 walk_path(struct path_buf *pb, struct dentry *dentry,
				       struct vfsmount *vfsmnt, __u32 slot)
{
	struct walk_ctx w = {
		.dentry = (__u64)dentry,
		.mnt = (__u64)((void *)vfsmnt - bpf_core_field_offset(struct mount, mnt)),
		.slot = slot,
	};

	pb->hdr.len = 0;
	bpf_loop(IOR_PATH_DEPTH, walk_step, &w, 0);
	if (!w.done)
		pb->hdr.pflags |= IOR_PATH_TRUNCATED;
	return pb->hdr.len;
}

/*
 * The id of the file at (dentry, mnt); sends its path first if this
 * identity was not sent since the last path_gen bump. 0 when unknown.
 * A global function: the verifier checks it once, not at every call site.
 */
__noinline __u32 file_id_of(__u64 dentry_addr, __u64 mnt_addr, __u32 slot)
{
	struct dentry *dentry = (struct dentry *)dentry_addr;
	struct vfsmount *vfsmnt = (struct vfsmount *)mnt_addr;
	struct file_key key = { .dentry = dentry_addr, .mnt = mnt_addr };
	struct inode *inode = BPF_CORE_READ(dentry, d_inode);
	__u64 ino = BPF_CORE_READ(inode, i_ino);
	__u32 gen = shared.path_gen;
	struct file_seen *s;
	struct path_buf *pb;
	__u32 len = 0, id;

	if (!dentry)
		return 0;
	s = bpf_map_lookup_elem(&seen, &key);
	if (s && s->gen == gen && s->ino == ino)
		return s->id;

	pb = bpf_map_lookup_elem(&path_scratch, &slot);
	if (!pb)
		return 0;
	id = __sync_fetch_and_add(&shared.next_file_id, 1) + 1;
	if (!id)
		id = __sync_fetch_and_add(&shared.next_file_id, 1) + 1;
	pb->hdr.type = IOR_REC_PATH;
	pb->hdr.id = id;
	pb->hdr.kind = IOR_PATH_NAMES;
	pb->hdr.pflags = 0;
	pb->hdr.pad = 0;
	pb->hdr.ino = ino;

	unsigned long magic = BPF_CORE_READ(dentry, d_sb, s_magic);
	if (magic == PIPEFS_MAGIC) {
		pb->hdr.kind = IOR_PATH_PIPE;
	} else if (magic == SOCKFS_MAGIC) {
		pb->hdr.kind = IOR_PATH_SOCKET;
	} else if (magic == ANON_INODE_FS_MAGIC) {
		const unsigned char *name = BPF_CORE_READ(dentry, d_name.name);
		long n = bpf_probe_read_kernel_str(pb->data, IOR_NAME_MAX, name);

		pb->hdr.kind = IOR_PATH_ANON;
		len = n > 0 ? n : 0;
	} else {
		len = walk_path(pb, dentry, vfsmnt, slot);
		/* unlinked while open: unhashed, or a pseudo file with no links left */
		if (BPF_CORE_READ(dentry, d_parent) != dentry) {
			if (!BPF_CORE_READ(dentry, d_hash.pprev))
				pb->hdr.pflags |= IOR_PATH_DELETED;
		} else if (dentry != BPF_CORE_READ(vfsmnt, mnt_root) &&
			   !BPF_CORE_READ(inode, __i_nlink)) {
			pb->hdr.pflags |= IOR_PATH_DELETED;
		}
	}
	if (len > IOR_PATH_DATA_MAX + IOR_NAME_MAX)
		len = IOR_PATH_DATA_MAX + IOR_NAME_MAX;
	pb->hdr.len = len;
	/* a path that fills the ring past the mark wakes the reader */
	__u64 avail = bpf_ringbuf_query(&path_rb, BPF_RB_AVAIL_DATA);
	__u64 mark = shared.path_wakeup_bytes;
	__u64 wake = avail >= mark && avail < mark + sizeof(*pb) ? BPF_RB_FORCE_WAKEUP
								  : BPF_RB_NO_WAKEUP;

	if (bpf_ringbuf_output(&path_rb, pb, sizeof(pb->hdr) + len, wake)) {
		struct ior_counters *c = counters_get();

		if (c)
			c->path_drops++;
		return 0;
	}
	struct file_seen v = { .ino = ino, .id = id, .gen = gen };
	bpf_map_update_elem(&seen, &key, &v, BPF_ANY);
	return id;
}

/* What fd_file found: the file and its (dentry, vfsmount), as plain numbers. */
struct fd_target {
	__u64 file;
	__u64 dentry;
	__u64 mnt;
};

/*
 * The value of a pointer the verifier types as "untrusted", as a plain
 * number: written to and read back from the task's storage (a map value),
 * which ior may do as a privileged program.
 */
static __always_inline __u64 as_number(struct task_state *st, const void *p)
{
	*(volatile __u64 *)&st->scratch = (__u64)p;
	return *(volatile __u64 *)&st->scratch;
}

#ifdef IOR_FAST
/*
 * The fast build, loaded when the kernel has the bpf_rdonly_cast kfunc
 * (6.2+): kernel memory the verifier cannot type is read by casting its
 * address to a BTF type and loading through it, which the JIT turns into
 * a plain load with a fault handler instead of a helper call.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;

static __always_inline bool fd_target(struct task_state *st, __u64 slot_addr,
				      struct fd_target *out)
{
	/* llist_node: a BTF type whose only field is a pointer at offset 0 */
	struct llist_node *slot =
		bpf_rdonly_cast((void *)slot_addr, bpf_core_type_id_kernel(struct llist_node));
	struct file *f;

	out->file = as_number(st, slot->next);
	if (!out->file)
		return false;
	f = bpf_rdonly_cast((void *)out->file, bpf_core_type_id_kernel(struct file));
	out->dentry = as_number(st, f->f_path.dentry);
	out->mnt = as_number(st, f->f_path.mnt);
	return true;
}

/* The open mode (FMODE_*) of the struct file at address file. */
static __always_inline __u32 file_mode(__u64 file)
{
	struct file *f = bpf_rdonly_cast((void *)file, bpf_core_type_id_kernel(struct file));

	return f->f_mode;
}
#else
static __always_inline bool fd_target(struct task_state *st, __u64 slot_addr,
				      struct fd_target *out)
{
	struct file *file = NULL;
	struct path fpath;

	(void)st;
	bpf_probe_read_kernel(&file, sizeof(file), (const void *)slot_addr);
	if (!file || bpf_probe_read_kernel(&fpath, sizeof(fpath),
					   __builtin_preserve_access_index(&file->f_path)))
		return false;
	out->file = (__u64)file;
	out->dentry = (__u64)fpath.dentry;
	out->mnt = (__u64)fpath.mnt;
	return true;
}

static __always_inline __u32 file_mode(__u64 file)
{
	__u32 mode = 0;

	bpf_probe_read_kernel(&mode, sizeof(mode),
			      __builtin_preserve_access_index(&((struct file *)file)->f_mode));
	return mode;
}
#endif

/* The file behind fd in the current task; false if there is none. */
static __always_inline bool fd_file(struct task_struct *task, struct task_state *st, int fd,
				    struct fd_target *out)
{
	struct file **fds;
	struct fdtable *fdt;

	if (fd < 0)
		return false;
	/* task is a trusted BTF pointer: plain loads, no helper calls */
	fdt = task->files->fdt;
	if (!fdt || (unsigned int)fd >= fdt->max_fds)
		return false;
	fds = fdt->fd;
	return fd_target(st, (__u64)&fds[fd], out);
}

/*
 * The file id of fd. With cache, the thread's one-entry cache answers when
 * the fd still holds the same file (same struct file and dentry: a freed
 * and reused struct file has another dentry or a new path_gen).
 */
static __always_inline __u32 fd_id(struct task_struct *task, struct task_state *st, int fd,
				   __u32 slot, bool cache)
{
	struct fd_target t;
	__u32 id;

	if (!fd_file(task, st, fd, &t))
		return 0;
	if (cache && st->cfd == fd && st->cfile == t.file && st->cdentry == t.dentry &&
	    st->cgen == shared.path_gen && st->cid)
		return st->cid;
	id = file_id_of(t.dentry, t.mnt, slot);
	if (cache && id) {
		st->cfd = fd;
		st->cfile = t.file;
		st->cdentry = t.dentry;
		st->cgen = shared.path_gen;
		st->cid = id;
	}
	return id;
}

static __always_inline __u32 cwd_id(struct task_struct *task, __u32 slot)
{
	struct path pwd;

	if (bpf_probe_read_kernel(&pwd, sizeof(pwd),
				  __builtin_preserve_access_index(&task->fs->pwd)))
		return 0;
	return file_id_of((__u64)pwd.dentry, (__u64)pwd.mnt, slot);
}

/* The index of tid's slot in `slots`. */
static __always_inline __u32 slot_idx(__u32 tid)
{
	return tid & cfg.slot_mask;
}

static __always_inline struct slot *slot_of(__u32 tid)
{
	__u32 idx = slot_idx(tid);

	return bpf_map_lookup_elem(&slots, &idx);
}

/*
 * The state of task if it has one: its slot, else its task storage. *slot1
 * (unless NULL) is set to the slot's index plus one, or 0 for task storage.
 */
static __always_inline struct task_state *state_get(struct task_struct *task, __u32 *slot1)
{
	__u32 tid = task->pid;
	struct slot *s = slot_of(tid);

	if (s && s->tid == tid && s->start == task->start_time) {
		if (slot1)
			*slot1 = slot_idx(tid) + 1;
		return &s->st;
	}
	if (slot1)
		*slot1 = 0;
	return bpf_task_storage_get(&task_states, task, 0, 0);
}

/* A fresh state for task: a free slot claimed, else task storage (*slot1 as
 * for state_get). */
static __always_inline struct task_state *state_new(struct task_struct *task, __u32 *slot1)
{
	__u32 tid = task->pid;
	struct slot *s = slot_of(tid);

	if (s && tid && __sync_val_compare_and_swap(&s->tid, 0, tid) == 0) {
		s->start = task->start_time;
		__builtin_memset(&s->st, 0, sizeof(s->st));
		if (slot1)
			*slot1 = slot_idx(tid) + 1;
		return &s->st;
	}
	if (slot1)
		*slot1 = 0;
	return bpf_task_storage_get(&task_states, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

#ifdef IOR_FAST
/* Remembers, for this CPU's next sys_exit, where task's state is: slot1 as
 * state_get sets it (cpu_slot). */
static __always_inline void cpu_slot_note(struct task_struct *task, struct task_state *st,
					  struct pt_regs *regs, __u32 slot1)
{
	__u32 zero = 0, *at = bpf_map_lookup_elem(&cpu_slot, &zero);

	st->task_addr = as_number(st, task);
	st->regs_addr = as_number(st, regs);
	if (at)
		*at = slot1;
}

/* The state of the thread exiting call nr with registers regs, found through
 * cpu_slot, or NULL (cpu_slot says why that is safe). */
static __always_inline struct slot *cpu_slot_state(struct pt_regs *regs, long nr)
{
	__u32 zero = 0, *at = bpf_map_lookup_elem(&cpu_slot, &zero);
	struct slot *s;
	__u32 idx;

	if (!at || !*at)
		return NULL;
	idx = *at - 1;
	s = bpf_map_lookup_elem(&slots, &idx);
	if (!s || !s->tid || s->st.pending != nr + 1 || s->st.regs_addr != (__u64)regs)
		return NULL;
	return s;
}
#endif

SEC("tp_btf/sys_enter")
int BPF_PROG(ior_enter, struct pt_regs *regs, long id)
{
	struct task_struct *task;
	struct task_state *st;
	struct ior_sc_desc *d;
	__u32 slot1 = 0;
	__u64 pid_tgid;

	if (id < 0 || id >= IOR_MAX_SYSCALLS)
		return 0;
	d = &shared.descs[id];
	if (!(d->kind & IOR_K_TRACED))
		return 0;
	/*
	 * A task that passed the filters keeps its verdict in its state
	 * until a filter changes or, under -comm, its name does; others are
	 * checked on every call (and get no state). A followed process stays
	 * followed while it lives.
	 */
	task = bpf_get_current_task_btf();
	st = state_get(task, &slot1);
	if (!st || st->wanted_gen != filter_gen ||
	    (shared.filter_comm_on && comm_changed(st, task))) {
		pid_tgid = bpf_get_current_pid_tgid();
		if (!task_wanted(pid_tgid >> 32, (__u32)pid_tgid))
			return 0;
		if (!st)
			st = state_new(task, &slot1);
		if (!st) {
			struct ior_counters *c = counters_get();

			if (c)
				c->lost_enters++;
			return 0;
		}
		st->wanted_gen = filter_gen;
		comm_note(st, task);
	}
	if (st->pending) {
		struct ior_counters *c = counters_get();

		if (c)
			c->lost_enters++;
	}
	/* x86-64 syscall argument registers; direct BTF loads, no helper calls */
	st->args[0] = regs->di;
	st->args[1] = regs->si;
	st->args[2] = regs->dx;
	st->args[3] = regs->r10;
	st->args[4] = regs->r8;
	st->args[5] = regs->r9;
	st->file_id = 0;
	st->file_id2 = 0;
	if (d->fd < 6)
		st->file_id = fd_id(task, st, (int)st->args[d->fd], 0, true);
	if (d->fd2 < 6)
		st->file_id2 = fd_id(task, st, (int)st->args[d->fd2], 0, false);
	st->pending = id + 1;
#ifdef IOR_FAST
	cpu_slot_note(task, st, regs, slot1);
#endif
	st->enter_ts = bpf_ktime_get_ns();
	return 0;
}

/*
 * Read user string argument `uptr` into tail[off..]; returns its length with
 * the NUL (0 if unreadable, flagging `trunc_flag`). A string that fills the
 * IOR_STR_MAX bytes is flagged too unless its NUL is the byte right after
 * what was read: user space then marks the path as truncated.
 */
static __always_inline __u32 read_str(struct event_buf *b, __u32 off, __u64 uptr,
				      __u16 trunc_flag)
{
	long n;

	if (off > IOR_STR_MAX)
		return 0;
	n = bpf_probe_read_user_str(&b->tail[off], IOR_STR_MAX, (const void *)uptr);
	if (n <= 0) {
		struct ior_counters *c = counters_get();

		if (c)
			c->str_faults++;
		b->ev.evflags |= trunc_flag;
		return 0;
	}
	if (n == IOR_STR_MAX) {
		char next = 1;

		if (bpf_probe_read_user(&next, 1, (const void *)(uptr + IOR_STR_MAX - 1)) || next)
			b->ev.evflags |= trunc_flag;
	}
	return n;
}

/*
 * The file id of the task's root directory, the base of an absolute path
 * string: 0 when it is ior's own root, where the string already names the
 * file from the mount namespace's root. Under chroot (or in a process of
 * another mount namespace) the root's own path is joined before the
 * string, so that a path string and an fd's dentry walk name a file the
 * same way.
 */
static __always_inline __u32 root_id(struct task_struct *task, struct task_state *st)
{
	struct fs_struct *fs = task->fs;
	/* plain loads from the task pointer, no helper call */
	__u64 mnt = as_number(st, fs->root.mnt), dentry = as_number(st, fs->root.dentry);

	if (mnt == shared.self_root_mnt && dentry == shared.self_root_dentry)
		return 0;
	return file_id_of(dentry, mnt, 1);
}

/* Base directory id for a relative path given with dirfd argument index. */
static __always_inline __u32 base_id(struct task_struct *task, struct task_state *st, __u8 dirfd_arg)
{
	int dirfd = IOR_AT_FDCWD;

	if (dirfd_arg < 6)
		dirfd = (int)st->args[dirfd_arg];
	if (dirfd == IOR_AT_FDCWD)
		return cwd_id(task, 1);
	return fd_id(task, st, dirfd, 1, false);
}

/* What sys_exit learned about one call before writing its record. */
struct exit_info {
	__s32 fd;
	__s32 flags;
	__u32 file_id;
	__u16 evflags;
};

/*
 * Was an EBADF that file's own answer (a write to a file open only for
 * reading, an O_PATH file), not an empty fd slot? Only if the fd holds the
 * struct file it held at this call's entry (the one-entry cache fd_id just
 * filled) and that file's open mode refuses the call.
 */
static __always_inline bool ebadf_from_file(struct task_struct *task, struct task_state *st,
					    struct ior_sc_desc *d, int fd)
{
	struct fd_target t;
	__u32 mode;

	if (!fd_file(task, st, fd, &t) || st->cfd != fd || st->cfile != t.file)
		return false;
	mode = file_mode(t.file);
	return (mode & FMODE_PATH) || ((d->kind & IOR_K_READS) && !(mode & FMODE_READ)) ||
	       ((d->kind & IOR_K_WRITES) && !(mode & FMODE_WRITE));
}

/*
 * Another thread may close or replace an fd between the entry, which reads
 * it, and the kernel's own lookup a moment later. Only the calls whose
 * result shows it are looked at again, so the usual call costs one test.
 * One that failed with EBADF names no file unless the file explains the
 * EBADF (ebadf_from_file). One that succeeded with no file at entry takes
 * the fd's file now or, if the fd is empty again, the file this thread
 * last used through it (the cache): the call used some file, which ior
 * can then only guess.
 */
static __always_inline void fd_recheck(struct task_struct *task, struct task_state *st,
				       struct ior_sc_desc *d, struct exit_info *x, long ret)
{
	int fd = (int)st->args[d->fd & 7], fd2 = (int)st->args[d->fd2 & 7];

	if (ret == -EBADF) {
		if (x->file_id && !ebadf_from_file(task, st, d, fd))
			x->file_id = 0;
		/* a second fd is not cached: gone now, it names no file */
		if (st->file_id2 && d->fd2 < 6) {
			struct fd_target t;

			if (!fd_file(task, st, fd2, &t))
				st->file_id2 = 0;
		}
	} else if (ret >= 0) {
		if (!x->file_id && !(d->kind & IOR_K_CLOSE)) {
			x->file_id = fd_id(task, st, fd, 1, false);
			/* under an older path_gen too: its path may be stale, the
			 * id still names that file */
			if (!x->file_id && st->cfd == fd)
				x->file_id = st->cid;
		}
		if (!st->file_id2 && d->fd2 < 6)
			st->file_id2 = fd_id(task, st, fd2, 1, false);
	}
}

static __always_inline void fill_event(struct ior_rec_event *e, struct task_struct *task,
				       struct task_state *st, struct ior_sc_desc *d,
				       struct exit_info *x, long nr, long ret, __u64 now,
				       __u64 pid_tgid)
{
	e->type = IOR_REC_EVENT;
	e->nr = nr;
	e->evflags = x->evflags;
	e->ts = st->enter_ts;
	e->duration = now - st->enter_ts;
	e->gap = st->last_exit_ts ? st->enter_ts - st->last_exit_ts : 0;
	e->ret = ret;
	e->bytes = (d->kind & IOR_K_BYTES) && ret > 0 ? ret : 0;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->fd = x->fd;
	e->flags = x->flags;
	e->file_id = x->file_id;
	e->file_id2 = st->file_id2;
	e->base_id = 0;
	e->base_id2 = 0;
	e->str1_len = 0;
	e->str2_len = 0;
	e->pad = 0;
	/* the task name by two plain loads from the task pointer: a helper
	 * call here costs more than the rest of the record */
	const __u64 *comm = (const __u64 *)task->comm;

	((__u64 *)e->comm)[0] = comm[0];
	((__u64 *)e->comm)[1] = comm[1];
}

static __always_inline void count_drops(__u32 n)
{
	struct ior_counters *c = counters_get();

	if (c)
		c->rb_drops += n;
}

#define compiler_barrier() asm volatile("" ::: "memory")

/* This CPU's batch. */
static __always_inline struct ior_batch *batch_get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&batches, &cpu);
}

/*
 * Sends the batch's records as one ring record and empties it. `oldest`
 * is cleared only after the record is committed: user space, which reads
 * `oldest` before the rings' positions, either sees a record still held
 * or finds it in the ring.
 */
static __always_inline void batch_flush(struct ior_batch *b, void *ring, __u64 flags)
{
	__u32 n = b->hdr.count;

	if (!n)
		return;
	if (n > IOR_BATCH)
		n = IOR_BATCH;
	b->hdr.type = IOR_REC_BATCH;
	if (!ring || bpf_ringbuf_output(ring, &b->hdr, sizeof(b->hdr) + n * sizeof(b->ev[0]),
					flags))
		count_drops(n);
	b->hdr.count = 0;
	compiler_barrier();
	b->oldest = 0;
}

/*
 * A string-less record goes into the CPU's batch (busy keeps ior_flush,
 * which may interrupt this program on its CPU, away meanwhile); a full
 * batch goes out at once.
 */
static __always_inline void batch_add(struct task_struct *task, struct task_state *st,
				      struct ior_sc_desc *d, struct exit_info *x, long nr,
				      long ret, __u64 now, __u64 pid_tgid)
{
	struct ior_batch *b = batch_get();
	__u32 n;

	if (!b) {
		count_drops(1);
		return;
	}
	b->busy = 1;
	compiler_barrier();
	n = b->hdr.count;
	fill_event(&b->ev[n & (IOR_BATCH - 1)], task, st, d, x, nr, ret, now, pid_tgid);
	if (!b->oldest || st->enter_ts < b->oldest)
		b->oldest = st->enter_ts;
	b->hdr.count = ++n;
	if (n >= IOR_BATCH) {
		void *ring = event_ring();

		batch_flush(b, ring, ring ? wake_check(ring) : BPF_RB_NO_WAKEUP);
	}
	compiler_barrier();
	b->busy = 0;
}

/* Sends what this CPU's batch holds (before a record that must follow it). */
static __always_inline void batch_send(void *ring)
{
	struct ior_batch *b = batch_get();

	if (!b || !b->hdr.count)
		return;
	b->busy = 1;
	compiler_barrier();
	batch_flush(b, ring, BPF_RB_NO_WAKEUP);
	compiler_barrier();
	b->busy = 0;
}

/*
 * The record of a call with path strings: built in per-CPU scratch (its
 * size is only known once the strings are read), then copied out. Any
 * path record a file id needs is emitted before this event's record.
 */
static __always_inline void emit_with_strings(struct task_struct *task, struct task_state *st,
					      struct ior_sc_desc *d, struct exit_info *x,
					      long nr, long ret, __u64 now, __u64 pid_tgid)
{
	struct ior_rec_event *e;
	struct event_buf *b;
	__u32 zero = 0, off = 0;

	b = bpf_map_lookup_elem(&event_scratch, &zero);
	if (!b)
		return;
	e = &b->ev;
	fill_event(e, task, st, d, x, nr, ret, now, pid_tgid);

	if ((d->kind & IOR_K_CWD_RESULT) && ret == 0) {
		e->file_id = cwd_id(task, 1);
	} else if (d->path < 6 && !e->file_id) {
		__u32 n = read_str(b, 0, st->args[d->path], IOR_EV_STR1_TRUNC);

		if (n == 1 && d->dirfd < 6) {
			/* empty path: AT_EMPTY_PATH acts on dirfd itself (or the cwd) */
			int dirfd = (int)st->args[d->dirfd];

			if (dirfd != IOR_AT_FDCWD) {
				e->fd = dirfd;
				e->evflags |= IOR_EV_HAS_FD;
			}
			e->file_id = base_id(task, st, d->dirfd);
		} else if (n > 0) {
			e->str1_len = n;
			off = n;
			e->base_id = b->tail[0] != '/' ? base_id(task, st, d->dirfd) : root_id(task, st);
		}
	}
	if (d->path2 < 6) {
		__u32 n = read_str(b, off, st->args[d->path2], IOR_EV_STR2_TRUNC);

		if (n > 0) {
			e->str2_len = n;
			off += n;
			if (!(d->kind & IOR_K_PATH2_RAW))
				e->base_id2 = b->tail[(off - n) & (2 * IOR_STR_MAX - 1)] != '/'
						      ? base_id(task, st, d->dirfd2)
						      : root_id(task, st);
		}
	}
	if (off > 2 * IOR_STR_MAX)
		off = 2 * IOR_STR_MAX;
	void *ring = event_ring();

	batch_send(ring);
	if (!ring || bpf_ringbuf_output(ring, b, sizeof(*e) + off,
					wake_flags(ring, now)))
		count_drops(1);
}

/* 1 when t (below 2^63) is not zero, without a branch: the negation is
 * hidden from the compiler, which would otherwise turn this back into a
 * comparison and a jump. */
static __always_inline __u64 nonzero(__u64 t)
{
	__u64 n = -t;

	asm volatile("" : "+r"(n));
	return (t | n) >> 63;
}

/*
 * floor(log2(v)), 0 for v <= 1: the histogram bucket, as agg_bucket() in
 * user space. Branch-free (BPF has no count-leading-zeros): each step
 * halves the width, its shift being 1 when the upper half is not zero,
 * as (t | -t) >> 63 says; latencies vary too much for branches to guess.
 */
static __always_inline __u32 log2_bucket(__u64 v)
{
	__u64 r, s;

	s = nonzero(v >> 32) << 5;
	v >>= s;
	r = s;
	s = nonzero(v >> 16) << 4;
	v >>= s;
	r |= s;
	s = nonzero(v >> 8) << 3;
	v >>= s;
	r |= s;
	s = nonzero(v >> 4) << 2;
	v >>= s;
	r |= s;
	s = nonzero(v >> 2) << 1;
	v >>= s;
	r |= s;
	return r | v >> 1;
}

/*
 * The agg_vals slot of a key on the slow path: the key's existing slot, or a
 * new one. -1 when agg_vals is full (the call then travels as a record).
 */
static __always_inline long agg_slot_new(struct ior_agg_key *k)
{
	__u32 *found = bpf_map_lookup_elem(&agg_slots, k);
	__u32 slot;

	if (found)
		return *found;
	slot = __sync_fetch_and_add(&shared.agg_next_slot, 1);
	if (slot >= cfg.agg_mode || bpf_map_update_elem(&agg_slots, k, &slot, BPF_NOEXIST))
		return -1;
	return slot;
}

/*
 * Adds one fd-based call to its aggregated entry instead of emitting a
 * record; false when there is no room for a new key (the caller then emits
 * the record, so nothing is lost). The thread's last keys and their slots
 * are cached in its task storage, so the usual call costs no hash lookup.
 * Only this thread ever touches an entry whose key holds its tid, so plain
 * (non-atomic) updates are exact.
 */
static __always_inline bool agg_update(struct task_struct *task, struct task_state *st,
				       struct ior_sc_desc *d, struct exit_info *x, long nr,
				       long ret, __u64 now, __u64 pid_tgid)
{
	__u16 evflags = x->evflags & IOR_EV_HAS_FLAGS;
	__s32 flags = evflags ? x->flags : 0;
	struct agg_cached *c = &st->acache[nr & (AGG_CACHE - 1)];
	struct ior_agg_val *v;
	__u32 slot;
	__u64 dur, gap;

	if (st->atid != (__u32)pid_tgid || comm_changed(st, task)) {
		/* a new comm (exec, prctl) or tid (exec by a thread) starts new keys */
		comm_note(st, task);
		st->atid = (__u32)pid_tgid;
	}
	if (c->nr1 == nr + 1 && c->file_id == x->file_id && c->file_id2 == st->file_id2 &&
	    c->evflags == evflags && c->flags == flags) {
		slot = c->slot;
	} else {
		struct ior_agg_key k = {
			.pid = pid_tgid >> 32,
			.tid = (__u32)pid_tgid,
			.file_id = x->file_id,
			.file_id2 = st->file_id2,
			.nr = nr,
			.evflags = evflags,
			.flags = flags,
		};
		long got;

		((__u64 *)k.comm)[0] = st->comm[0];
		((__u64 *)k.comm)[1] = st->comm[1];
		got = agg_slot_new(&k);
		if (got < 0)
			return false;
		slot = got;
		c->nr1 = nr + 1;
		c->file_id = x->file_id;
		c->file_id2 = st->file_id2;
		c->evflags = evflags;
		c->flags = flags;
		c->slot = slot;
	}
	v = bpf_map_lookup_elem(&agg_vals, &slot);
	if (!v)
		return false;
	dur = now - st->enter_ts;
	gap = st->last_exit_ts ? st->enter_ts - st->last_exit_ts : 0;
	v->count++;
	v->dur += dur;
	v->gap += gap;
	if ((d->kind & IOR_K_BYTES) && ret > 0)
		v->bytes += ret;
	if (v->count == 1 || dur < v->dur_min)
		v->dur_min = dur;
	if (dur > v->dur_max)
		v->dur_max = dur;
	v->hist_dur[log2_bucket(dur) & (IOR_AGG_BUCKETS - 1)]++;
	v->hist_gap[log2_bucket(gap) & (IOR_AGG_BUCKETS - 1)]++;
	return true;
}

#ifdef IOR_FAST
/*
 * The current task inside exit_paired: sys_exit passes its pointer as a
 * number (a global function takes scalars), cast back to a BTF type here,
 * which saves a helper call per syscall.
 */
#define EXIT_TASK(addr)                                                                     \
	((struct task_struct *)bpf_rdonly_cast((void *)(addr),                                \
					       bpf_core_type_id_kernel(struct task_struct)))
#define TASK_PARAM , __u64 task_addr
#define TASK_ARG(st, task) , as_number(st, task)
#else
#define EXIT_TASK(addr) bpf_get_current_task_btf()
#define TASK_PARAM
#define TASK_ARG(st, task)
#endif

/*
 * The part of sys_exit after its entry was found: a global function, so the
 * verifier checks it once with st as plain memory, rather than once for
 * each kind of map a thread's state may live in (slot or task storage).
 * The fast build passes task_addr, the current task (TASK_PARAM).
 */
__noinline int exit_paired(struct task_state *st, __u32 nr, long ret, __u64 now TASK_PARAM)
{
	struct task_struct *task = EXIT_TASK(task_addr);
	struct exit_info x = {};
	struct ior_sc_desc *d;
	__u64 pid_tgid;

	if (!st || nr >= IOR_MAX_SYSCALLS)
		return 0;
	d = &shared.descs[nr];
	pid_tgid = (__u64)task->tgid << 32 | (__u32)task->pid;
	if (d->kind & IOR_K_CLOSE)
		st->cid = 0;
	/* -comm: a call that returns under another name (execve) is not kept */
	if (shared.filter_comm_on && comm_changed(st, task) && !comm_wanted())
		return 0;

	x.fd = -1;
	x.file_id = st->file_id;
	if (d->fd < 6) {
		x.fd = (int)st->args[d->fd];
		x.evflags |= IOR_EV_HAS_FD;
	}
	if (ret >= 0 && ((d->kind & IOR_K_RET_FD) ||
			 ((d->kind & IOR_K_FCNTL) &&
			  (st->args[1] == F_DUPFD || st->args[1] == F_DUPFD_CLOEXEC)))) {
		x.fd = ret;
		x.evflags |= IOR_EV_HAS_FD;
		if (d->fd >= 6)
			x.file_id = fd_id(task, st, ret, 1, false);
	}
	if (d->fd < 6 && (ret == -EBADF ||
			  (ret >= 0 && (!x.file_id || (d->fd2 < 6 && !st->file_id2)))))
		fd_recheck(task, st, d, &x, ret);
	if (d->flags < 6) {
		x.flags = (int)st->args[d->flags];
		x.evflags |= IOR_EV_HAS_FLAGS;
	} else if (d->kind & IOR_K_CREAT) {
		x.flags = O_CREAT_WRONLY_TRUNC;
		x.evflags |= IOR_EV_HAS_FLAGS;
	} else if (d->kind & IOR_K_HOW_FLAGS) {
		__u64 how_flags = 0;

		bpf_probe_read_user(&how_flags, sizeof(how_flags), (const void *)st->args[2]);
		x.flags = (int)how_flags;
		x.evflags |= IOR_EV_HAS_FLAGS;
	}

	if (d->path < 6 || d->path2 < 6 || (d->kind & IOR_K_CWD_RESULT)) {
		emit_with_strings(task, st, d, &x, nr, ret, now, pid_tgid);
	} else if (cfg.agg_mode && agg_update(task, st, d, &x, nr, ret, now, pid_tgid)) {
		/* aggregated in the kernel: no record */
	} else {
		batch_add(task, st, d, &x, nr, ret, now, pid_tgid);
	}
	st->last_exit_ts = now;
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ior_exit, struct pt_regs *regs, long ret)
{
	__u64 now = bpf_ktime_get_ns();
	struct task_struct *task;
	struct task_state *st;
	struct ior_sc_desc *d;
	long nr = regs->orig_ax;

	if (nr < 0 || nr >= IOR_MAX_SYSCALLS)
		return 0;
	d = &shared.descs[nr];
	if ((d->kind & IOR_K_BUMP) && ret == 0)
		__sync_fetch_and_add(&shared.path_gen, 1);
	if (!(d->kind & IOR_K_TRACED))
		return 0;
#ifdef IOR_FAST
	struct slot *fs = cpu_slot_state(regs, nr);

	if (fs) {
		fs->st.pending = 0;
		return exit_paired(&fs->st, nr, ret, now, fs->st.task_addr);
	}
#endif
	task = bpf_get_current_task_btf();
	st = state_get(task, NULL);
	if (!st || st->pending != nr + 1) {
		/*
		 * No entry pending for this exit. A thread without state, or
		 * with none pending, entered this call before it (or this
		 * syscall) was traced: outside the trace, not a loss (a
		 * state that could not be made is counted at the entry). One
		 * with another call pending lost this call's entry.
		 */
		if (st && st->pending) {
			struct ior_counters *c = counters_get();

			if (c)
				c->unpaired_exits++;
		}
		if (st)
			st->pending = 0;
		return 0;
	}
	st->pending = 0;
	return exit_paired(st, nr, ret, now TASK_ARG(st, task));
}

/*
 * Sends this CPU's batch: user space runs it on a CPU whose batch has held
 * records for a while (BPF_PROG_TEST_RUN on that CPU) and on every CPU at
 * the end. Returns 1, to be tried again, when it interrupted sys_exit in
 * the middle of changing the batch.
 */
SEC("raw_tp")
int ior_flush(void *ctx)
{
	struct ior_batch *b = batch_get();

	if (!b)
		return 0;
	if (b->busy)
		return 1;
	batch_flush(b, event_ring(), BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(ior_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid, ctgid;
	__u8 one = 1;

	if (!shared.follow_mode)
		return 0;
	ptgid = BPF_CORE_READ(parent, tgid);
	ctgid = BPF_CORE_READ(child, tgid);
	if (ptgid != ctgid && bpf_map_lookup_elem(&follow, &ptgid))
		bpf_map_update_elem(&follow, &ctgid, &one, BPF_ANY);
	return 0;
}

/*
 * exec by a thread other than the leader gives it the leader's tid (and
 * start time): its state moves to the slot of its new tid, or to task
 * storage if that slot is taken, so its execve still pairs.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(ior_exec, struct task_struct *task, pid_t old_pid)
{
	struct slot *from = slot_of(old_pid);
	struct task_state *to;

	if (old_pid == task->pid || !from || from->tid != (__u32)old_pid)
		return 0;
	to = state_new(task, NULL);
	if (to)
		__builtin_memcpy(to, &from->st, sizeof(*to));
	from->start = 0;
	__sync_lock_test_and_set(&from->tid, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ior_task_exit, struct task_struct *task)
{
	struct task_state *st = state_get(task, NULL);
	struct slot *s;

	if (st && st->pending) {
		struct ior_counters *c = counters_get();

		if (c)
			c->died_in_call++;
		st->pending = 0;
	}
	/* give the slot back */
	s = slot_of(task->pid);
	if (s && s->tid == (__u32)task->pid && s->start == task->start_time) {
		s->start = 0;
		__sync_lock_test_and_set(&s->tid, 0);
	}
	if (shared.follow_mode && BPF_CORE_READ(task, signal, live.counter) == 0) {
		__u32 tgid = BPF_CORE_READ(task, tgid);

		bpf_map_delete_elem(&follow, &tgid);
	}
	return 0;
}
