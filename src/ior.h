/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between ior's BPF programs and its user space: the records
 * that cross the ring buffer, the per-syscall decoding table the BPF side
 * reads, and the loss counters. Fixed-width types only, so the same header
 * compiles against vmlinux.h (BPF) and against the C library (user space).
 */
#ifndef IOR_H
#define IOR_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define IOR_MAX_SYSCALLS 512    /* size of the per-syscall descriptor table */
#define IOR_COMM_LEN 16
#define IOR_STR_MAX 4096        /* a user string argument (PATH_MAX, with NUL) */
#define IOR_PATH_DATA_MAX 8192  /* dentry-walk output: components, leaf first */
#define IOR_NAME_MAX 256        /* one path component with its NUL */
#define IOR_PATH_DEPTH 4096        /* components walked before a path is truncated */
#define IOR_ARG_NONE 7          /* "this syscall has no such argument" */
#define IOR_AT_FDCWD (-100)

/* Record types: the first u32 of every ring-buffer record. */
enum ior_rec_type {
	IOR_REC_EVENT = 1, /* one completed syscall: struct ior_rec_event + strings */
	IOR_REC_PATH = 2,  /* a file identity's path: struct ior_rec_path + data */
	IOR_REC_BATCH = 3, /* struct ior_rec_batch + count string-less events */
};

/* struct ior_sc_desc.kind bits: how to decode one syscall. */
enum ior_sc_kind {
	IOR_K_TRACED = 1 << 0,     /* probe enabled (toggled at run time) */
	IOR_K_BUMP = 1 << 1,       /* success may change paths: re-send them */
	IOR_K_RET_FD = 1 << 2,     /* ret >= 0 is a new fd: fd column = ret */
	IOR_K_BYTES = 1 << 3,      /* ret > 0 counts bytes transferred */
	IOR_K_CWD_RESULT = 1 << 4, /* chdir: on success the path is the new cwd */
	IOR_K_FCNTL = 1 << 5,      /* fcntl: only F_DUPFD* create an fd */
	IOR_K_HOW_FLAGS = 1 << 6,  /* openat2: flags live in struct open_how */
	IOR_K_CREAT = 1 << 7,      /* creat: implied O_CREAT|O_WRONLY|O_TRUNC */
	IOR_K_PATH2_RAW = 1 << 8,  /* symlink target: stored as given */
	IOR_K_CLOSE = 1 << 9,      /* close/close_range: forget cached fds */
	IOR_K_READS = 1 << 10,     /* read family: EBADF on a file not open for reading */
	IOR_K_WRITES = 1 << 11,    /* write family: EBADF on a file not open for writing */
};

/*
 * How the BPF side decodes syscall number nr: argument indexes (0..5) or
 * IOR_ARG_NONE. User space fills the table from syscalls.h before loading.
 */
struct ior_sc_desc {
	__u16 kind;
	__u8 fd;     /* fd acted on: resolved to a file at entry */
	__u8 fd2;    /* second fd (copy destination): resolved to path2 */
	__u8 path;   /* user string: the path acted on */
	__u8 dirfd;  /* base directory of path (else the cwd) */
	__u8 path2;  /* second user string (rename/link target) */
	__u8 dirfd2; /* base directory of path2 */
	__u8 flags;  /* flags argument */
	__u8 pad[3];
};

/* struct ior_rec_event.evflags */
enum ior_ev_flags {
	IOR_EV_HAS_FD = 1 << 0,
	IOR_EV_HAS_FLAGS = 1 << 1,
	IOR_EV_STR1_TRUNC = 1 << 2, /* user string was unreadable (length 0) or cut */
	IOR_EV_STR2_TRUNC = 1 << 3,
};

/*
 * One completed syscall. Followed by str1_len bytes of the first user
 * string then str2_len bytes of the second (each with its NUL; 0 = none).
 * A string is relative to base_id/base_id2 (a file id) unless it starts
 * with '/'. file_id/file_id2 name files whose paths came in IOR_REC_PATH
 * records earlier in the same ring buffer; 0 means "no file".
 */
struct ior_rec_event {
	__u32 type;
	__u16 nr;
	__u16 evflags;
	__u64 ts; /* entry, CLOCK_MONOTONIC ns */
	__u64 duration;
	__u64 gap;
	__s64 ret;
	__u64 bytes;
	__u32 pid;
	__u32 tid;
	__s32 fd;
	__s32 flags;
	__u32 file_id;
	__u32 file_id2;
	__u32 base_id;
	__u32 base_id2;
	__u16 str1_len;
	__u16 str2_len;
	__u32 pad;
	char comm[IOR_COMM_LEN];
};
_Static_assert(sizeof(struct ior_rec_event) == 104, "ior_rec_event layout");

/*
 * Calls whose record carries no strings wait in their CPU's batch and
 * cross the ring IOR_BATCH at a time: one reservation for many records.
 * A batch goes out when it is full, before a record with strings from its
 * CPU (the CPU's records stay in the order they were written), and when
 * user space asks (ior_flush, run on that CPU). `oldest` lets user space
 * see, through a read-only mapping, what its merge must wait for.
 */
#define IOR_BATCH 16

struct ior_rec_batch {
	__u32 type;
	__u32 count;
	/* followed by count struct ior_rec_event with no strings */
};

struct ior_batch {
	__u64 oldest; /* smallest entry time (ts) held; 0: empty */
	__u32 busy;   /* sys_exit is changing the batch: ior_flush waits */
	__u32 pad;
	struct ior_rec_batch hdr;
	struct ior_rec_event ev[IOR_BATCH];
	/* whole cache lines: the next CPU's batch starts on a line of its own */
	__u8 tail[(64 - (24 + IOR_BATCH * 104) % 64) % 64];
};
_Static_assert(sizeof(struct ior_batch) == (24 + IOR_BATCH * 104 + 63) / 64 * 64,
	       "ior_batch layout");

/* struct ior_rec_path.kind */
enum ior_path_kind {
	IOR_PATH_NAMES = 0,  /* data: components leaf to root, each NUL-ended */
	IOR_PATH_PIPE = 1,   /* pipe:[ino] */
	IOR_PATH_SOCKET = 2, /* socket:[ino] */
	IOR_PATH_ANON = 3,   /* anon_inode:<data> */
};

/* struct ior_rec_path.pflags */
enum ior_path_flags {
	IOR_PATH_TRUNCATED = 1 << 0, /* walk stopped before the root */
	IOR_PATH_DELETED = 1 << 1,   /* unlinked while open */
};

/* The path of file id `id`; it replaces any earlier path sent for that id. */
struct ior_rec_path {
	__u32 type;
	__u32 id;
	__u16 len; /* bytes of data */
	__u8 kind;
	__u8 pflags;
	__u32 pad;
	__u64 ino;
};
_Static_assert(sizeof(struct ior_rec_path) == 24, "ior_rec_path layout");

/*
 * In-kernel aggregation (-flamegraph): the key of one aggregated entry,
 * for calls whose record carries no strings (fd-based calls). Calls with
 * path strings, and calls whose key finds no room in the map, still
 * travel as records. No padding: the key is hashed byte by byte.
 */
struct ior_agg_key {
	__u32 pid;
	__u32 tid;
	__u32 file_id;
	__u32 file_id2;
	__u16 nr;
	__u16 evflags; /* IOR_EV_HAS_FLAGS or 0 */
	__s32 flags;   /* 0 unless IOR_EV_HAS_FLAGS */
	char comm[IOR_COMM_LEN];
};
_Static_assert(sizeof(struct ior_agg_key) == 40, "ior_agg_key layout");

#define IOR_AGG_BUCKETS 64 /* bucket i: floor(log2(v)) == i; 0 also counts 0 and 1 */

/* The values of one key. Only the key's own thread updates it. */
struct ior_agg_val {
	__u64 count;
	__u64 dur;     /* sum of durations, ns */
	__u64 gap;     /* sum of gaps, ns */
	__u64 bytes;
	__u64 dur_min;
	__u64 dur_max;
	__u64 hist_dur[IOR_AGG_BUCKETS];
	__u64 hist_gap[IOR_AGG_BUCKETS];
};

/* Loss and health counters, one set per CPU (summed by user space). */
struct ior_counters {
	__u64 rb_drops;       /* event records the ring buffer had no room for */
	__u64 path_drops;     /* path records the ring buffer had no room for */
	__u64 unpaired_exits; /* exit of a traced call finding another call pending */
	__u64 lost_enters;    /* entry overwritten before its exit, or with no state */
	__u64 died_in_call;   /* thread exited inside a traced syscall */
	__u64 str_faults;     /* user string argument could not be read */
};

/*
 * What user space and the BPF programs share through .bss and .rodata, one
 * struct each (the variables `shared` and `cfg`): ior's fast and portable
 * BPF builds share one skeleton layout, and the compiler lays separate
 * global variables out in the order the code first uses them, which differs
 * between the builds. BPF-only globals belong here too, for the same reason.
 */
struct ior_shared {
	/* Set by user space; filters and probes change without reloading. */
	struct ior_sc_desc descs[IOR_MAX_SYSCALLS];
	__u32 self_tgid;
	__u32 filter_pid;
	__u32 filter_tid;
	__u32 filter_comm_on;
	char filter_comm[IOR_COMM_LEN];
	__u32 follow_mode;
	__u64 wakeup_bytes;      /* an event ring's fill that wakes the reader */
	__u64 path_wakeup_bytes; /* the path ring's */
	/* Bumped when paths may have changed (rename, unlink, ...): re-send them. */
	__u32 path_gen;
	__u32 next_file_id;
	/* Slots of agg_vals handed out so far (may pass agg_mode when full). */
	__u32 agg_next_slot;
	/* Set by BPF at ior's own first traced call: ior's root directory
	 * (fs->root's vfsmount and dentry); 0 until then. */
	__u64 self_root_mnt;
	__u64 self_root_dentry;
};

/* Set by user space before load. */
struct ior_cfg {
	__u32 agg_mode;  /* aggregate fd-based calls: agg_vals' size (0: off) */
	__u32 slot_mask; /* the size of `slots` minus one */
};

#endif /* IOR_H */
