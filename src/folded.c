// SPDX-License-Identifier: GPL-2.0
/*
 * The set of folded stacks: an open-addressing hash map from the stack
 * string (frames escaped and joined by ';') to its summed value and the
 * kind of each frame. Entries are turned into stacks one at a time, so
 * nothing here keeps an entry; sorting happens only when stacks are read.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "folded.h"
#include "util.h"

#define NO_PATH "[no path]"
#define NO_FLAGS "[no flags]"
#define EMPTY "[empty]"

static const char *const field_names[FOLDED_FIELD_COUNT] = {
	[FOLDED_COMM] = "comm",
	[FOLDED_PID] = "pid",
	[FOLDED_TID] = "tid",
	[FOLDED_PATH] = "path",
	[FOLDED_TRACEPOINT] = "tracepoint",
	[FOLDED_FLAGS] = "flags",
};

static const struct {
	const char *name;
	const char *unit;
} metrics[] = {
	[FOLDED_COUNT] = { "count", "events" },
	[FOLDED_DURATION] = { "duration", "ns" },
	[FOLDED_DURATION_TO_PREV] = { "durationToPrev", "ns" },
	[FOLDED_BYTES] = { "bytes", "bytes" },
};

/* One stack: the string, then its nframes kind bytes, in one allocation. */
struct stack {
	uint64_t hash;
	uint64_t value;
	size_t len;
	size_t nframes;
	char s[];
};

struct folded {
	struct folded_spec spec;
	struct stack **slots;
	size_t mask;
	size_t nstacks;
	uint64_t total;
	char *buf;            /* the stack being built */
	size_t len;
	size_t cap;
	unsigned char *kinds;
	size_t nframes;
	size_t kcap;
};

void folded_spec_default(struct folded_spec *spec)
{
	*spec = (struct folded_spec){
		.fields = { FOLDED_COMM, FOLDED_PATH, FOLDED_TRACEPOINT },
		.nfields = 3,
		.metric = FOLDED_COUNT,
	};
}

/* err gets "... \"NAME\" ..." with NAME escaped for a terminal. */
static int parse_fail(char *err, size_t errlen, const char *fmt, const char *name, size_t len)
{
	char shown[4 * 64 + 1];

	if (len > 64)
		len = 64;
	util_escape(shown, sizeof(shown), name, len, 0);
	if (errlen) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(err, errlen, fmt, shown);
#pragma GCC diagnostic pop
	}
	return -EINVAL;
}

int folded_parse_fields(const char *list, struct folded_spec *spec, char *err, size_t errlen)
{
	enum folded_field fields[FOLDED_FIELD_COUNT];
	bool seen[FOLDED_FIELD_COUNT] = { false };
	size_t n = 0;
	const char *p = list;

	if (!list || !*list)
		return parse_fail(err, errlen,
				  "-fields is empty%s; give a comma-separated list of comm, pid, tid, path, tracepoint, flags",
				  "", 0);
	for (;;) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		const char *b = p, *e = end;
		int found = -1;

		while (b < e && *b == ' ')
			b++;
		while (e > b && e[-1] == ' ')
			e--;
		if (b == e)
			return parse_fail(err, errlen,
					  "-fields \"%s\" has an empty name; give a comma-separated list of comm, pid, tid, path, tracepoint, flags",
					  list, strlen(list));
		for (int i = 0; i < FOLDED_FIELD_COUNT; i++)
			if (strlen(field_names[i]) == (size_t)(e - b) &&
			    memcmp(field_names[i], b, (size_t)(e - b)) == 0)
				found = i;
		if (found < 0)
			return parse_fail(err, errlen,
					  "unknown field \"%s\" in -fields; known fields are comm, pid, tid, path, tracepoint, flags",
					  b, (size_t)(e - b));
		if (seen[found])
			return parse_fail(err, errlen, "field \"%s\" appears twice in -fields",
					  b, (size_t)(e - b));
		seen[found] = true;
		fields[n++] = (enum folded_field)found;
		if (!comma)
			break;
		p = comma + 1;
	}
	memcpy(spec->fields, fields, n * sizeof(fields[0]));
	spec->nfields = n;
	return 0;
}

int folded_parse_count(const char *name, struct folded_spec *spec, char *err, size_t errlen)
{
	for (size_t i = 0; name && i < sizeof(metrics) / sizeof(metrics[0]); i++)
		if (strcmp(name, metrics[i].name) == 0) {
			spec->metric = (enum folded_metric)i;
			return 0;
		}
	return parse_fail(err, errlen,
			  "unknown -count metric \"%s\"; use count, duration, durationToPrev or bytes",
			  name ? name : "", name ? strlen(name) : 0);
}

const char *folded_metric_name(enum folded_metric m)
{
	return (unsigned)m < sizeof(metrics) / sizeof(metrics[0]) ? metrics[m].name : "?";
}

const char *folded_metric_unit(enum folded_metric m)
{
	return (unsigned)m < sizeof(metrics) / sizeof(metrics[0]) ? metrics[m].unit : "";
}

size_t folded_escape(char *dst, size_t cap, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < len;) {
		char unit[8];
		size_t ulen = 0, take = 1;
		unsigned c = s[i];

		if (c == '\\' || c == '\n' || c == '\t' || c == '\r') {
			unit[0] = '\\';
			unit[1] = c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			ulen = 2;
		} else if (c >= 0x20 && c < 0x7f && c != ';') {
			unit[0] = (char)c;
			ulen = 1;
		} else if (c >= 0x80 && (take = util_utf8_len(s + i, len - i)) != 0) {
			if (c == 0xc2 && s[i + 1] < 0xa0) { /* C1 control */
				memcpy(unit, "\\xc2\\x", 6);
				unit[6] = hex[s[i + 1] >> 4];
				unit[7] = hex[s[i + 1] & 15];
				ulen = 8;
			} else {
				memcpy(unit, s + i, take);
				ulen = take;
			}
		} else {
			take = 1;
			unit[0] = '\\';
			unit[1] = 'x';
			unit[2] = hex[c >> 4];
			unit[3] = hex[c & 15];
			ulen = 4;
		}
		if (o + ulen + 1 > cap)
			break;
		memcpy(dst + o, unit, ulen);
		o += ulen;
		i += take;
	}
	dst[o] = '\0';
	return o;
}

/* ---- building one stack --------------------------------------------- */

static int buf_reserve(struct folded *f, size_t more)
{
	if (f->len + more + 1 > f->cap) {
		size_t cap = f->cap ? f->cap : 256;
		char *t;

		while (cap < f->len + more + 1)
			cap *= 2;
		t = realloc(f->buf, cap);
		if (!t)
			return -ENOMEM;
		f->buf = t;
		f->cap = cap;
	}
	if (f->nframes == f->kcap) {
		size_t kcap = f->kcap ? f->kcap * 2 : 16;
		unsigned char *k = realloc(f->kinds, kcap);

		if (!k)
			return -ENOMEM;
		f->kinds = k;
		f->kcap = kcap;
	}
	return 0;
}

/* Appends one frame (raw bytes, escaped here) of kind. */
static int frame_add(struct folded *f, const char *s, size_t len, enum folded_kind kind)
{
	if (len == 0) {
		s = EMPTY;
		len = sizeof(EMPTY) - 1;
	}
	if (buf_reserve(f, 4 * len + 1))
		return -ENOMEM;
	if (f->nframes)
		f->buf[f->len++] = ';';
	f->len += folded_escape(f->buf + f->len, f->cap - f->len, s, len);
	f->kinds[f->nframes++] = (unsigned char)kind;
	return 0;
}

static int frame_addf(struct folded *f, enum folded_kind kind, const char *prefix,
		      unsigned long long v, bool is_hex)
{
	char tmp[48];
	int n = snprintf(tmp, sizeof(tmp), is_hex ? "%s0x%llx" : "%s%llu", prefix, v);

	return frame_add(f, tmp, (size_t)n, kind);
}

static int path_frames(struct folded *f, const char *path)
{
	const char *p = path, *end;
	size_t levels = 0;
	int rc;

	if (!path || !*path)
		return frame_add(f, NO_PATH, sizeof(NO_PATH) - 1, FOLDED_KIND_PATH);
	end = path + strlen(path);
	/* a leading '/' belongs to the first frame; runs of '/' count as one */
	while (*p == '/' && p[1] == '/')
		p++;
	if (*p == '/' && p + 1 == end)
		return frame_add(f, "/", 1, FOLDED_KIND_PATH);
	while (p < end) {
		const char *b = p, *slash;

		if (*p == '/')
			p++;
		if (++levels == FOLDED_PATH_FRAMES_MAX) {
			slash = end;
		} else {
			slash = memchr(p, '/', (size_t)(end - p));
			slash = slash ? slash + 1 : end;
		}
		rc = frame_add(f, b, (size_t)(slash - b), FOLDED_KIND_PATH);
		if (rc)
			return rc;
		p = slash;
		while (p < end && *p == '/')
			p++;
	}
	return 0;
}

static int field_frames(struct folded *f, const struct agg_entry *e, enum folded_field field,
			bool other)
{
	if (other && field != FOLDED_COMM && field != FOLDED_PATH && field != FOLDED_TRACEPOINT)
		return frame_add(f, AGG_OTHER, sizeof(AGG_OTHER) - 1, FOLDED_KIND_OTHER);
	switch (field) {
	case FOLDED_COMM:
		return frame_add(f, e->comm, strlen(e->comm), FOLDED_KIND_COMM);
	case FOLDED_PID:
		return frame_addf(f, FOLDED_KIND_OTHER, "pid ", e->pid, false);
	case FOLDED_TID:
		return frame_addf(f, FOLDED_KIND_OTHER, "tid ", e->tid, false);
	case FOLDED_PATH:
		return path_frames(f, e->path);
	case FOLDED_TRACEPOINT:
		return frame_add(f, e->syscall, strlen(e->syscall), FOLDED_KIND_SYSCALL);
	case FOLDED_FLAGS:
		if (!e->has_flags)
			return frame_add(f, NO_FLAGS, sizeof(NO_FLAGS) - 1, FOLDED_KIND_OTHER);
		return frame_addf(f, FOLDED_KIND_OTHER, "", (uint32_t)e->flags, true);
	case FOLDED_FIELD_COUNT:
		break;
	}
	return -EINVAL;
}

/* ---- the map -------------------------------------------------------- */

struct folded *folded_new(const struct folded_spec *spec)
{
	struct folded *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	f->spec = *spec;
	if (f->spec.nfields > FOLDED_FIELD_COUNT)
		f->spec.nfields = FOLDED_FIELD_COUNT;
	f->mask = 255;
	f->slots = calloc(f->mask + 1, sizeof(*f->slots));
	if (!f->slots) {
		free(f);
		return NULL;
	}
	return f;
}

void folded_free(struct folded *f)
{
	if (!f)
		return;
	for (size_t i = 0; i <= f->mask; i++)
		free(f->slots[i]);
	free(f->slots);
	free(f->buf);
	free(f->kinds);
	free(f);
}

static int slots_grow(struct folded *f)
{
	size_t n = (f->mask + 1) * 2;
	struct stack **t = calloc(n, sizeof(*t));

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i <= f->mask; i++) {
		size_t j;

		if (!f->slots[i])
			continue;
		for (j = f->slots[i]->hash & (n - 1); t[j]; j = (j + 1) & (n - 1))
			;
		t[j] = f->slots[i];
	}
	free(f->slots);
	f->slots = t;
	f->mask = n - 1;
	return 0;
}

static uint64_t entry_value(const struct folded *f, const struct agg_entry *e)
{
	switch (f->spec.metric) {
	case FOLDED_DURATION:
		return e->dur_ns;
	case FOLDED_DURATION_TO_PREV:
		return e->gap_ns;
	case FOLDED_BYTES:
		return e->bytes;
	case FOLDED_COUNT:
	default:
		return e->count;
	}
}

int folded_add(struct folded *f, const struct agg_entry *e)
{
	uint64_t value = entry_value(f, e), h;
	bool other = agg_entry_is_other(e);
	struct stack *st;
	size_t j;
	int rc;

	if (value == 0)
		return 0;
	if (!e->comm || !e->syscall || f->spec.nfields == 0)
		return -EINVAL;
	f->len = 0;
	f->nframes = 0;
	for (size_t i = 0; i < f->spec.nfields; i++) {
		rc = field_frames(f, e, f->spec.fields[i], other);
		if (rc)
			return rc;
	}
	f->buf[f->len] = '\0';
	h = util_hash(f->buf, f->len);
	for (j = h & f->mask; (st = f->slots[j]); j = (j + 1) & f->mask)
		if (st->hash == h && st->len == f->len && memcmp(st->s, f->buf, f->len) == 0) {
			st->value = util_sat_add(st->value, value);
			f->total = util_sat_add(f->total, value);
			return 0;
		}
	if ((f->nstacks + 1) * 2 > f->mask + 1) {
		if (slots_grow(f))
			return -ENOMEM;
		for (j = h & f->mask; f->slots[j]; j = (j + 1) & f->mask)
			;
	}
	st = malloc(sizeof(*st) + f->len + 1 + f->nframes);
	if (!st)
		return -ENOMEM;
	st->hash = h;
	st->value = value;
	st->len = f->len;
	st->nframes = f->nframes;
	memcpy(st->s, f->buf, f->len + 1);
	memcpy(st->s + f->len + 1, f->kinds, f->nframes);
	f->slots[j] = st;
	f->nstacks++;
	f->total = util_sat_add(f->total, value);
	return 0;
}

int folded_entry(void *f, const struct agg_entry *e)
{
	return folded_add(f, e);
}

size_t folded_count(const struct folded *f)
{
	return f->nstacks;
}

uint64_t folded_total(const struct folded *f)
{
	return f->total;
}

const struct folded_spec *folded_spec(const struct folded *f)
{
	return &f->spec;
}

static int stack_cmp(const void *a, const void *b)
{
	const struct stack *x = *(const struct stack *const *)a;
	const struct stack *y = *(const struct stack *const *)b;

	return strcmp(x->s, y->s);
}

int folded_foreach(const struct folded *f, folded_stack_fn fn, void *ctx)
{
	struct stack **v = malloc((f->nstacks ? f->nstacks : 1) * sizeof(*v));
	size_t n = 0;
	int rc = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i <= f->mask; i++)
		if (f->slots[i])
			v[n++] = f->slots[i];
	qsort(v, n, sizeof(*v), stack_cmp);
	for (size_t i = 0; i < n && !rc; i++)
		rc = fn(ctx, v[i]->s, (const unsigned char *)v[i]->s + v[i]->len + 1,
			v[i]->nframes, v[i]->value);
	free(v);
	return rc;
}

static int write_line(void *ctx, const char *stack, const unsigned char *kinds,
		      size_t nframes, uint64_t value)
{
	(void)kinds;
	(void)nframes;
	if (fprintf(ctx, "%s %llu\n", stack, (unsigned long long)value) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

int folded_write(const struct folded *f, FILE *out)
{
	int rc;

	errno = 0;
	rc = folded_foreach(f, write_line, out);
	if (!rc && ferror(out))
		rc = errno ? -errno : -EIO; /* EPIPE: the reader went away */
	return rc;
}
