// SPDX-License-Identifier: GPL-2.0
/*
 * Writer and reader of `.ior.zst` files (format: docs/ior-zst-format.md).
 * The writer owns a zstd stream into a temporary file that is renamed into
 * place; the reader owns a bounded window of the decompressed record stream
 * that holds at most one record, so its memory does not depend on the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "iorzst.h"

static const unsigned char iorzst_magic[8] = { 0x89, 'I', 'O', 'R', '\r', '\n', 0x1a, '\n' };
static const unsigned char zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

enum {
	REC_META = 1,
	REC_ENTRY = 2,
	REC_END = 3,
};

#define HEADER_LEN 10          /* magic + u16 version */
#define WINDOW_LOG_MAX 24      /* largest zstd window a reader accepts */
/* Compressed bytes in a row that may decompress to nothing (empty blocks,
 * skippable frames): past this the file is refused, so that a huge file
 * of zeros behind a zstd magic is not read to its end. */
#define IDLE_IN_MAX (16u << 20)
#define ZSTD_LEVEL 3

/* ==== writing ========================================================= */

/* A zstd stream into fd with a sticky error: after the first failure every
 * call does nothing and the error is reported once, at the end. */
struct wr {
	int fd;
	int err;
	ZSTD_CCtx *cctx;
	unsigned char *out;
	size_t outcap;
	unsigned char *rec;   /* the record being built */
	size_t reclen;
	size_t reccap;
	uint64_t nentries;
	uint64_t events;      /* the counts of the entries written, summed */
	const struct iorzst_owned *own; /* its between callback, if any */
};

static void wr_flush_out(struct wr *w, size_t len)
{
	size_t off = 0;

	while (off < len && !w->err) {
		ssize_t n = write(w->fd, w->out + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			w->err = n < 0 ? -errno : -EIO;
		else
			off += (size_t)n;
	}
}

static void wr_compress(struct wr *w, const void *p, size_t len, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { p, len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { w->out, w->outcap, 0 };

		if (w->err)
			return;
		left = ZSTD_compressStream2(w->cctx, &out, &in, mode);
		if (ZSTD_isError(left)) {
			w->err = ZSTD_getErrorCode(left) == ZSTD_error_memory_allocation ? -ENOMEM : -EIO;
			return;
		}
		wr_flush_out(w, out.pos);
	} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
}

static void rec_put(struct wr *w, const void *p, size_t len)
{
	if (w->err)
		return;
	if (w->reclen + len > w->reccap) {
		size_t cap = w->reccap ? w->reccap : 4096;
		unsigned char *t;

		while (cap < w->reclen + len)
			cap *= 2;
		t = realloc(w->rec, cap);
		if (!t) {
			w->err = -ENOMEM;
			return;
		}
		w->rec = t;
		w->reccap = cap;
	}
	memcpy(w->rec + w->reclen, p, len);
	w->reclen += len;
}

static size_t varint_encode(unsigned char *b, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		b[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (unsigned char)v;
	return n;
}

static void rec_varint(struct wr *w, uint64_t v)
{
	unsigned char b[10];

	rec_put(w, b, varint_encode(b, v));
}

static void rec_u8(struct wr *w, unsigned v)
{
	unsigned char b = (unsigned char)v;

	rec_put(w, &b, 1);
}

static void rec_string(struct wr *w, const char *s)
{
	size_t len = strlen(s);

	if (len > IORZST_STRING_MAX) {
		if (!w->err)
			w->err = -E2BIG;
		return;
	}
	rec_varint(w, len);
	rec_put(w, s, len);
}

static void rec_hist(struct wr *w, const uint64_t h[AGG_HIST_BUCKETS])
{
	unsigned n = 0;

	for (unsigned i = 0; i < AGG_HIST_BUCKETS; i++)
		n += h[i] != 0;
	rec_varint(w, n);
	for (unsigned i = 0; i < AGG_HIST_BUCKETS; i++)
		if (h[i]) {
			rec_u8(w, i);
			rec_varint(w, h[i]);
		}
}

/* Compresses the record built in w->rec (from byte 0) as one of kind. */
static void rec_emit(struct wr *w, unsigned kind)
{
	unsigned char head[11];
	size_t n;

	if (w->err)
		return;
	if (w->reclen > IORZST_RECORD_MAX) {
		w->err = -E2BIG;
		return;
	}
	head[0] = (unsigned char)kind;
	n = 1 + varint_encode(head + 1, w->reclen);
	wr_compress(w, head, n, ZSTD_e_continue);
	wr_compress(w, w->rec, w->reclen, ZSTD_e_continue);
	w->reclen = 0;
}

static int wr_entry(void *ctx, const struct agg_entry *e)
{
	struct wr *w = ctx;

	rec_string(w, e->comm);
	rec_varint(w, e->pid);
	rec_varint(w, e->tid);
	rec_u8(w, e->path != NULL);
	if (e->path)
		rec_string(w, e->path);
	rec_string(w, e->syscall);
	rec_u8(w, e->has_flags);
	if (e->has_flags)
		rec_varint(w, (uint32_t)e->flags);
	rec_varint(w, e->count);
	rec_varint(w, e->dur_ns);
	rec_varint(w, e->gap_ns);
	rec_varint(w, e->bytes);
	rec_varint(w, e->dur_min_ns);
	rec_varint(w, e->dur_max_ns);
	rec_hist(w, e->hist_dur);
	rec_hist(w, e->hist_gap);
	rec_emit(w, REC_ENTRY);
	w->nentries++;
	w->events = e->count > UINT64_MAX - w->events ? UINT64_MAX : w->events + e->count;
	if (!w->err && w->own && w->own->between && w->nentries % IORZST_BETWEEN_ENTRIES == 0) {
		int rc = w->own->between(w->own->between_ctx);

		if (rc)
			w->err = rc;
	}
	return w->err;
}

static int wr_stream(struct wr *w, const struct agg *agg, const struct iorzst_kv *meta,
		     size_t n)
{
	unsigned char head[HEADER_LEN];

	memcpy(head, iorzst_magic, sizeof(iorzst_magic));
	head[8] = IORZST_VERSION & 0xff;
	head[9] = IORZST_VERSION >> 8;
	wr_compress(w, head, sizeof(head), ZSTD_e_continue);
	for (size_t i = 0; i < n; i++) {
		rec_string(w, meta[i].key);
		rec_string(w, meta[i].value);
		rec_emit(w, REC_META);
	}
	if (!w->err)
		agg_foreach(agg, wr_entry, w);
	rec_varint(w, w->nentries);
	rec_varint(w, n);
	rec_emit(w, REC_END);
	wr_compress(w, NULL, 0, ZSTD_e_end);
	return w->err;
}

/* Splits path into its directory (caller frees) and the name in it. */
static char *path_dir(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');

	if (!slash) {
		*base = path;
		return strdup(".");
	}
	*base = slash + 1;
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int iorzst_check_new(const char *path)
{
	struct stat st;
	const char *base;
	char *dir;
	int rc = 0;

	if (!path || !*path)
		return -EINVAL;
	if (lstat(path, &st) == 0)
		return -EEXIST;
	if (errno != ENOENT)
		return -errno;
	dir = path_dir(path, &base);
	if (!dir)
		return -ENOMEM;
	if (!*base)
		rc = -EISDIR;
	else if (stat(dir, &st) != 0)
		rc = -errno;
	else if (!S_ISDIR(st.st_mode))
		rc = -ENOTDIR;
	else if (access(dir, W_OK | X_OK) != 0)
		rc = -errno;
	free(dir);
	return rc;
}

/* Creates "DIR/.BASE.RANDOM.tmp" exclusively; its name goes to *tmp. */
static int tmp_open(const char *dir, const char *base, char **tmp)
{
	for (int attempt = 0; attempt < 100; attempt++) {
		uint64_t r;
		int fd;

		if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
			r = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^
			    (uint64_t)clock() ^ ((uint64_t)attempt << 40);
		if (asprintf(tmp, "%s/.%.200s.%016llx.tmp", dir, base, (unsigned long long)r) < 0) {
			*tmp = NULL;
			return -ENOMEM;
		}
		fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		free(*tmp);
		*tmp = NULL;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* Moves tmp to path unless path exists. */
static int publish(const char *tmp, const char *path)
{
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -errno;
	/* a file system without RENAME_NOREPLACE: link() refuses to replace */
	if (link(tmp, path) != 0)
		return -errno;
	unlink(tmp);
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) != 0 && errno != EINVAL)
		rc = -errno;
	close(fd);
	return rc;
}

/*
 * Moves tmp over path if the file there is still the one own names, by
 * swapping the two names and looking at what came out: a file that is not
 * ior's is swapped back (-EEXIST), so it is never lost, not even to a
 * race between a check and a rename. A path gone missing is created anew.
 */
static int replace_own(const char *tmp, const char *path, const struct iorzst_owned *own,
		       bool *keep_tmp)
{
	struct stat st;

	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) != 0) {
		if (errno == ENOENT)
			return publish(tmp, path);
		if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
			return -errno;
		/* no RENAME_EXCHANGE here: check, then rename */
		if (lstat(path, &st) != 0)
			return errno == ENOENT ? publish(tmp, path) : -errno;
		if ((uint64_t)st.st_dev != own->dev || (uint64_t)st.st_ino != own->ino)
			return -EEXIST;
		return rename(tmp, path) ? -errno : 0;
	}
	if (lstat(tmp, &st) == 0 && (uint64_t)st.st_dev == own->dev &&
	    (uint64_t)st.st_ino == own->ino) {
		/* the new file is in place: an old one left under tmp's name
		 * is a leftover, not a failed write */
		unlink(tmp);
		return 0;
	}
	/* a file not ior's now sits at tmp: swapped back, or at least kept */
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_EXCHANGE) != 0)
		*keep_tmp = true;
	return -EEXIST;
}

/* iorzst_write, or with own, iorzst_write_owned. */
static int write_file(const char *path, struct iorzst_owned *own, const struct agg *agg,
		      const struct iorzst_kv *meta, size_t n)
{
	struct wr w = { .fd = -1, .own = own };
	bool replace = own && own->written;
	const char *base;
	char *dir = NULL, *tmp = NULL;
	bool published = false, keep_tmp = false;
	struct stat st;
	int rc;

	for (size_t i = 0; i < n; i++)
		if (!meta[i].key || !meta[i].value)
			return -EINVAL;
	if (!replace) {
		rc = iorzst_check_new(path);
		if (rc)
			return rc;
	}
	dir = path_dir(path, &base);
	if (!dir)
		return -ENOMEM;
	w.outcap = ZSTD_CStreamOutSize();
	w.out = malloc(w.outcap);
	w.cctx = ZSTD_createCCtx();
	if (!w.out || !w.cctx) {
		rc = -ENOMEM;
		goto cleanup;
	}
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w.cctx, ZSTD_c_compressionLevel, ZSTD_LEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w.cctx, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(w.cctx, ZSTD_c_windowLog, 21))) {
		rc = -EINVAL;
		goto cleanup;
	}
	w.fd = tmp_open(dir, base, &tmp);
	if (w.fd < 0) {
		rc = w.fd;
		goto cleanup;
	}
	rc = wr_stream(&w, agg, meta, n);
	if (!rc && fsync(w.fd) != 0)
		rc = -errno;
	if (!rc && fstat(w.fd, &st) != 0)
		rc = -errno;
	if (close(w.fd) != 0 && !rc)
		rc = -errno;
	w.fd = -1;
	if (!rc)
		rc = replace ? replace_own(tmp, path, own, &keep_tmp) : publish(tmp, path);
	if (!rc) {
		published = true;
		if (own) {
			own->dev = (uint64_t)st.st_dev;
			own->ino = (uint64_t)st.st_ino;
			own->events = w.events;
			own->written = true;
		}
		rc = fsync_dir(dir);
	}
cleanup:
	if (w.fd >= 0)
		close(w.fd);
	if (tmp && !published && !keep_tmp)
		unlink(tmp);
	free(tmp);
	free(dir);
	free(w.rec);
	free(w.out);
	ZSTD_freeCCtx(w.cctx);
	return rc;
}

int iorzst_write(const char *path, const struct agg *agg, const struct iorzst_kv *meta,
		 size_t n)
{
	return write_file(path, NULL, agg, meta, n);
}

int iorzst_write_owned(const char *path, struct iorzst_owned *own, const struct agg *agg,
		       const struct iorzst_kv *meta, size_t n)
{
	return write_file(path, own, agg, meta, n);
}

/* ==== reading ========================================================= */

/*
 * The reader: compressed input comes from fd (read in chunks) or from a
 * memory buffer; decompressed bytes are kept in buf[start, end), whose
 * first byte is at offset base + start of the record stream.
 */
struct rd {
	const char *name;
	char *err;
	size_t errlen;
	ZSTD_DCtx *dctx;
	int fd;
	ZSTD_inBuffer in;
	unsigned char *inbuf;
	size_t incap;
	bool in_eof;
	size_t zret;          /* last ZSTD_decompressStream result; 0: frame done */
	uint64_t idle_in;     /* compressed bytes read since the last decompressed one */
	unsigned char *buf;
	size_t cap;
	size_t start;
	size_t end;
	uint64_t base;
	char *scratch;        /* NUL-terminated copies of a record's strings */
	size_t scratch_cap;
	struct agg_entry entry;
};

__attribute__((format(printf, 3, 4)))
static int rd_fail(struct rd *r, int rc, const char *fmt, ...)
{
	va_list ap;

	if (r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int rd_truncated(struct rd *r)
{
	return rd_fail(r, -EINVAL, "%s is truncated: the file ends before its end record",
		       r->name);
}

__attribute__((format(printf, 3, 4)))
static int rd_corrupt(struct rd *r, uint64_t at, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return rd_fail(r, -EINVAL, "%s is corrupt: %s at byte %llu of the decompressed data",
		       r->name, why, (unsigned long long)at);
}

static int rd_refill(struct rd *r)
{
	ssize_t n;

	if (r->fd < 0) {
		r->in_eof = true;
		return 0;
	}
	do
		n = read(r->fd, r->inbuf, r->incap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rd_fail(r, -errno, "cannot read %s: %s", r->name, strerror(errno));
	r->in.src = r->inbuf;
	r->in.size = (size_t)n;
	r->in.pos = 0;
	if (n == 0)
		r->in_eof = true;
	return 0;
}

/*
 * Tries to have n decompressed bytes at buf + start. Returns how many are
 * there (less than n only at the end of the data), or a negative errno.
 */
static long rd_fill(struct rd *r, size_t n)
{
	int rc;

	if (r->end - r->start >= n)
		return (long)n;
	if (r->start + n > r->cap) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->base += r->start;
		r->end -= r->start;
		r->start = 0;
		if (n > r->cap) {
			size_t cap = r->cap * 2 > n ? r->cap * 2 : n;
			unsigned char *t = realloc(r->buf, cap);

			if (!t)
				return rd_fail(r, -ENOMEM, "cannot read %s: out of memory", r->name);
			r->buf = t;
			r->cap = cap;
		}
	}
	while (r->end - r->start < n) {
		ZSTD_outBuffer out = { r->buf, r->cap, r->end };
		size_t ret, in_before;

		if (r->in.pos == r->in.size && !r->in_eof) {
			rc = rd_refill(r);
			if (rc)
				return rc;
		}
		in_before = r->in.pos;
		ret = ZSTD_decompressStream(r->dctx, &out, &r->in);
		if (ZSTD_isError(ret))
			return rd_fail(r, -EINVAL, "%s is corrupt: zstd says \"%s\"", r->name,
				       ZSTD_getErrorName(ret));
		r->idle_in = out.pos == r->end ? r->idle_in + (r->in.pos - in_before) : 0;
		if (r->idle_in > IDLE_IN_MAX)
			return rd_fail(r, -EINVAL, "%s is corrupt: %u MiB of its compressed data "
				       "decompress to nothing", r->name, IDLE_IN_MAX >> 20);
		if (out.pos == r->end && r->in.pos == in_before) {
			if (r->in.pos == r->in.size && r->in_eof)
				break;
			continue; /* no progress: ret describes the next frame */
		}
		r->zret = ret;
		r->end = out.pos;
	}
	return (long)(r->end - r->start);
}

/* A cursor over one record's payload. */
struct cur {
	const unsigned char *p;
	const unsigned char *end;
	const unsigned char *start;
	uint64_t at;          /* stream offset of start */
	const char *why;      /* set on the first failure */
};

static uint64_t cur_off(const struct cur *c)
{
	return c->at + (uint64_t)(c->p - c->start);
}

static bool cur_fail(struct cur *c, const char *why)
{
	if (!c->why)
		c->why = why;
	return false;
}

/* Decodes a LEB128 varint of at most 10 bytes from p (avail bytes). Returns
 * its length, 0 if avail ends first, -1 if it is malformed. */
static int varint_decode(const unsigned char *p, size_t avail, uint64_t *v)
{
	uint64_t x = 0;

	for (size_t i = 0; i < 10; i++) {
		if (i == avail)
			return 0;
		if (i == 9 && p[i] > 1)
			return -1;
		x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80)) {
			*v = x;
			return (int)i + 1;
		}
	}
	return -1;
}

static bool cur_varint(struct cur *c, uint64_t *v)
{
	int n;

	if (c->why)
		return false;
	n = varint_decode(c->p, (size_t)(c->end - c->p), v);
	if (n <= 0)
		return cur_fail(c, n < 0 ? "bad varint" : "record ends inside a varint");
	c->p += n;
	return true;
}

static bool cur_u32(struct cur *c, uint32_t *v)
{
	uint64_t x;

	if (!cur_varint(c, &x))
		return false;
	if (x > UINT32_MAX)
		return cur_fail(c, "32-bit field out of range");
	*v = (uint32_t)x;
	return true;
}

static bool cur_bool(struct cur *c, bool *v)
{
	if (c->why)
		return false;
	if (c->p == c->end)
		return cur_fail(c, "record ends inside its fields");
	if (*c->p > 1)
		return cur_fail(c, "presence byte not 0 or 1");
	*v = *c->p++;
	return true;
}

/* Copies a string to the scratch area at *sp (advanced) as a C string. */
static bool cur_string(struct cur *c, char **sp, const char **out)
{
	const unsigned char *field = c->p;
	uint64_t len;

	if (!cur_varint(c, &len))
		return false;
	if (len > IORZST_STRING_MAX || len > (uint64_t)(c->end - c->p) ||
	    memchr(c->p, '\0', len)) {
		bool too_long = len > IORZST_STRING_MAX, cut = len > (uint64_t)(c->end - c->p);

		c->p = field; /* errors name the string's first byte */
		return cur_fail(c, too_long ? "string longer than 1 MiB" :
				   cut ? "record ends inside a string" : "string contains a NUL byte");
	}
	memcpy(*sp, c->p, len);
	(*sp)[len] = '\0';
	*out = *sp;
	*sp += len + 1;
	c->p += len;
	return true;
}

static bool cur_hist(struct cur *c, uint64_t h[AGG_HIST_BUCKETS], uint64_t count)
{
	const unsigned char *field = c->p;
	uint64_t n, sum = 0;
	int prev = -1;

	memset(h, 0, AGG_HIST_BUCKETS * sizeof(*h));
	if (!cur_varint(c, &n))
		return false;
	if (n > AGG_HIST_BUCKETS)
		return cur_fail(c, "more than 64 histogram buckets");
	for (uint64_t i = 0; i < n; i++) {
		uint64_t v;
		unsigned b;

		if (c->p == c->end)
			return cur_fail(c, "record ends inside a histogram");
		b = *c->p++;
		if (b >= AGG_HIST_BUCKETS || (int)b <= prev)
			return cur_fail(c, "histogram bucket index out of range or order");
		prev = (int)b;
		if (!cur_varint(c, &v))
			return false;
		if (v == 0)
			return cur_fail(c, "empty histogram bucket stored");
		h[b] = v;
		if (__builtin_add_overflow(sum, v, &sum))
			sum = UINT64_MAX;
	}
	if (sum != count) {
		c->p = field;
		return cur_fail(c, "histogram does not add up to the count");
	}
	return true;
}

static int rd_scratch(struct rd *r, size_t len)
{
	if (len <= r->scratch_cap)
		return 0;
	free(r->scratch);
	r->scratch = malloc(len);
	r->scratch_cap = r->scratch ? len : 0;
	return r->scratch ? 0 : rd_fail(r, -ENOMEM, "cannot read %s: out of memory", r->name);
}

static bool parse_entry(struct cur *c, char *sp, struct agg_entry *e)
{
	bool has_path = false;

	e->path = NULL;
	e->flags = 0;
	if (!cur_string(c, &sp, &e->comm) || !cur_u32(c, &e->pid) || !cur_u32(c, &e->tid) ||
	    !cur_bool(c, &has_path) || (has_path && !cur_string(c, &sp, &e->path)) ||
	    !cur_string(c, &sp, &e->syscall) || !cur_bool(c, &e->has_flags) ||
	    (e->has_flags && !cur_u32(c, (uint32_t *)&e->flags)) ||
	    !cur_varint(c, &e->count) || !cur_varint(c, &e->dur_ns) ||
	    !cur_varint(c, &e->gap_ns) || !cur_varint(c, &e->bytes) ||
	    !cur_varint(c, &e->dur_min_ns) || !cur_varint(c, &e->dur_max_ns))
		return false;
	if (e->count == 0)
		return cur_fail(c, "entry with a count of 0");
	if (e->dur_min_ns > e->dur_max_ns)
		return cur_fail(c, "entry's minimum duration above its maximum");
	return cur_hist(c, e->hist_dur, e->count) && cur_hist(c, e->hist_gap, e->count);
}

static int rd_records(struct rd *r, iorzst_meta_fn meta_fn, agg_entry_fn entry_fn,
		      void *ctx)
{
	uint64_t nentries = 0, nmeta = 0;
	long got;
	int rc;

	got = rd_fill(r, HEADER_LEN);
	if (got < 0)
		return (int)got;
	if (memcmp(r->buf + r->start, iorzst_magic,
		   (size_t)got < sizeof(iorzst_magic) ? (size_t)got : sizeof(iorzst_magic)))
		return rd_fail(r, -EINVAL, "%s is not an .ior.zst file: wrong magic", r->name);
	if (got < HEADER_LEN)
		return rd_truncated(r);
	{
		unsigned version = r->buf[r->start + 8] | (unsigned)r->buf[r->start + 9] << 8;

		if (version != IORZST_VERSION)
			return rd_fail(r, -ENOTSUP,
				       "%s uses .ior.zst format version %u, but this ior reads only version %u",
				       r->name, version, IORZST_VERSION);
	}
	r->start += HEADER_LEN;

	for (;;) {
		uint64_t at = r->base + r->start, len;
		unsigned kind;
		struct cur c;
		int n;

		got = rd_fill(r, 11);
		if (got < 0)
			return (int)got;
		if (got == 0)
			return rd_truncated(r);
		kind = r->buf[r->start];
		n = varint_decode(r->buf + r->start + 1, (size_t)got - 1, &len);
		if (n == 0)
			return rd_truncated(r);
		if (n < 0)
			return rd_corrupt(r, at + 1, "bad varint");
		if (len > IORZST_RECORD_MAX)
			return rd_corrupt(r, at, "record longer than 4 MiB");
		r->start += 1 + (size_t)n;
		got = rd_fill(r, (size_t)len);
		if (got < 0)
			return (int)got;
		if ((uint64_t)got < len)
			return rd_truncated(r);
		c = (struct cur){ .p = r->buf + r->start, .start = r->buf + r->start,
				  .end = r->buf + r->start + len, .at = r->base + r->start };
		r->start += (size_t)len;

		if (kind == REC_META) {
			const char *key, *value;
			char *sp;

			if (rd_scratch(r, len + 2))
				return -ENOMEM;
			sp = r->scratch;
			if (!cur_string(&c, &sp, &key) || !cur_string(&c, &sp, &value))
				return rd_corrupt(r, cur_off(&c), "%s in a metadata record", c.why);
			nmeta++;
			if (meta_fn && (rc = meta_fn(ctx, key, value)) != 0)
				goto stopped;
		} else if (kind == REC_ENTRY) {
			if (rd_scratch(r, len + 3))
				return -ENOMEM;
			if (!parse_entry(&c, r->scratch, &r->entry))
				return rd_corrupt(r, cur_off(&c), "%s in an entry record", c.why);
			nentries++;
			if (entry_fn && (rc = entry_fn(ctx, &r->entry)) != 0)
				goto stopped;
		} else if (kind == REC_END) {
			uint64_t want_entries, want_meta;

			if (!cur_varint(&c, &want_entries) || !cur_varint(&c, &want_meta))
				return rd_corrupt(r, cur_off(&c), "%s in the end record", c.why);
			if (want_entries != nentries)
				return rd_fail(r, -EINVAL,
					       "%s is corrupt: its end record counts %llu entries but the file holds %llu",
					       r->name, (unsigned long long)want_entries,
					       (unsigned long long)nentries);
			if (want_meta != nmeta)
				return rd_fail(r, -EINVAL,
					       "%s is corrupt: its end record counts %llu metadata pairs but the file holds %llu",
					       r->name, (unsigned long long)want_meta,
					       (unsigned long long)nmeta);
			break;
		} else if (kind == 0) {
			return rd_corrupt(r, at, "record kind 0");
		}
		/* other kinds: later additions this reader skips */
	}
	got = rd_fill(r, 1);
	if (got < 0)
		return (int)got;
	if (got > 0)
		return rd_corrupt(r, r->base + r->start, "data after the end record");
	if (r->zret != 0)
		return rd_truncated(r);
	return 0;
stopped:
	rd_fail(r, rc, "reading %s was stopped by its consumer (%s)", r->name,
		strerror(rc < 0 ? -rc : rc));
	return rc;
}

static int rd_run(struct rd *r, iorzst_meta_fn meta_fn, agg_entry_fn entry_fn, void *ctx)
{
	int rc;

	r->dctx = ZSTD_createDCtx();
	r->cap = 64 * 1024;
	r->buf = malloc(r->cap);
	if (!r->dctx || !r->buf) {
		rc = rd_fail(r, -ENOMEM, "cannot read %s: out of memory", r->name);
		goto cleanup;
	}
	if (ZSTD_isError(ZSTD_DCtx_setParameter(r->dctx, ZSTD_d_windowLogMax, WINDOW_LOG_MAX))) {
		rc = rd_fail(r, -EINVAL, "cannot read %s: zstd refused its settings", r->name);
		goto cleanup;
	}
	rc = rd_records(r, meta_fn, entry_fn, ctx);
cleanup:
	ZSTD_freeDCtx(r->dctx);
	free(r->buf);
	free(r->scratch);
	return rc;
}

/* Checks the first bytes of the compressed file. */
static int rd_zstd_magic(struct rd *r, const unsigned char *p, size_t len)
{
	if (len == 0)
		return rd_fail(r, -EINVAL, "%s is empty (0 bytes), not an .ior.zst file", r->name);
	if (memcmp(p, zstd_magic, len < 4 ? len : 4) != 0)
		return rd_fail(r, -EINVAL, "%s is not an .ior.zst file: it is not zstd-compressed",
			       r->name);
	if (len < 4)
		return rd_truncated(r);
	return 0;
}

int iorzst_read_mem(const void *buf, size_t len, const char *name, iorzst_meta_fn meta_fn,
		    agg_entry_fn entry_fn, void *ctx, char *err, size_t errlen)
{
	struct rd r = { .name = name ? name : "(memory)", .err = err, .errlen = errlen,
			.fd = -1, .in = { buf, len, 0 }, .in_eof = true };
	int rc;

	if (errlen)
		err[0] = '\0';
	rc = rd_zstd_magic(&r, buf, len);
	if (rc)
		return rc;
	return rd_run(&r, meta_fn, entry_fn, ctx);
}

int iorzst_read(const char *path, iorzst_meta_fn meta_fn, agg_entry_fn entry_fn, void *ctx,
		char *err, size_t errlen)
{
	struct rd r = { .name = path, .err = err, .errlen = errlen, .fd = -1 };
	struct stat st;
	int rc;

	if (errlen)
		err[0] = '\0';
	r.fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (r.fd < 0)
		return rd_fail(&r, -errno, "cannot open %s: %s", path, strerror(errno));
	if (fstat(r.fd, &st) != 0) {
		rc = rd_fail(&r, -errno, "cannot read %s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = rd_fail(&r, -EISDIR, "%s is a directory, not an .ior.zst file", path);
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = rd_fail(&r, -EINVAL, "%s is not a regular file", path);
		goto cleanup;
	}
	r.incap = ZSTD_DStreamInSize();
	r.inbuf = malloc(r.incap);
	if (!r.inbuf) {
		rc = rd_fail(&r, -ENOMEM, "cannot read %s: out of memory", path);
		goto cleanup;
	}
	rc = rd_refill(&r);
	if (rc)
		goto cleanup;
	rc = rd_zstd_magic(&r, r.inbuf, r.in.size < 4 ? r.in.size : 4);
	if (rc == 0)
		rc = rd_run(&r, meta_fn, entry_fn, ctx);
cleanup:
	free(r.inbuf);
	close(r.fd);
	return rc;
}
