// SPDX-License-Identifier: GPL-2.0
/*
 * Lexical path normalisation and joining (see pathutil.h). Components are
 * walked from the right: a ".." cancels the next surviving component to its
 * left, so which components survive is known without a stack. One walk
 * measures the result, a second writes it back to front into out.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "pathutil.h"

struct walk {
	bool abs;      /* the path starts at the root */
	size_t skip;   /* ".." seen and not yet matched by a component */
	size_t nkept;  /* surviving components */
	size_t bytes;  /* their total length */
	char *out;     /* NULL while measuring; else written from pos down */
	size_t pos;
};

static void walk_put(struct walk *w, const char *s, size_t n)
{
	w->pos -= n;
	memcpy(w->out + w->pos, s, n);
	/* Only the first component of a relative path has nothing before it. */
	if (w->pos > 0)
		w->out[--w->pos] = '/';
}

/* Visit the components of s[0..len) from right to left. */
static void walk_segment(struct walk *w, const char *s, size_t len)
{
	size_t end = len;

	while (end > 0) {
		size_t start, n;
		const char *c;

		while (end > 0 && s[end - 1] == '/')
			end--;
		start = end;
		while (start > 0 && s[start - 1] != '/')
			start--;
		c = s + start;
		n = end - start;
		end = start;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			w->skip++;
			continue;
		}
		if (w->skip) {
			w->skip--;
			continue;
		}
		w->nkept++;
		w->bytes += n;
		if (w->out)
			walk_put(w, c, n);
	}
}

/* Length of the result once every segment has been walked. */
static size_t walk_total(const struct walk *w)
{
	size_t parts;

	if (w->abs)
		return w->nkept ? w->bytes + w->nkept : 1;
	parts = w->skip + w->nkept;
	return parts ? w->bytes + 2 * w->skip + parts - 1 : 1;
}

/*
 * Normalise the concatenation head + "/" + tail (head may be NULL). The
 * inserted '/' means no component spans the two, so each is walked on its
 * own, tail first, with the ".." count carried over.
 */
static int normalize_two(char *out, size_t cap, const char *head, const char *tail)
{
	const char *first = head ? head : tail;
	size_t hlen = head ? strlen(head) : 0;
	size_t tlen = strlen(tail);
	struct walk w = { .abs = first[0] == '/' };
	size_t total;

	walk_segment(&w, tail, tlen);
	if (head)
		walk_segment(&w, head, hlen);
	total = walk_total(&w);
	if (total >= cap || total > INT_MAX) {
		if (cap > 0)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}

	out[total] = '\0';
	if (w.nkept == 0 && (w.abs || w.skip == 0)) {
		out[0] = w.abs ? '/' : '.';
		return (int)total;
	}
	w = (struct walk){ .abs = w.abs, .out = out, .pos = total };
	walk_segment(&w, tail, tlen);
	if (head)
		walk_segment(&w, head, hlen);
	if (!w.abs) {
		for (size_t i = 0; i < w.skip; i++) {
			w.pos -= 2;
			memcpy(out + w.pos, "..", 2);
			if (w.pos > 0)
				out[--w.pos] = '/';
		}
	}
	return (int)total;
}

int path_normalize(char *out, size_t cap, const char *in)
{
	if (!out || !in)
		return -EINVAL;
	return normalize_two(out, cap, NULL, in);
}

int path_join(char *out, size_t cap, const char *base, const char *rel)
{
	if (!out || !rel)
		return -EINVAL;
	if (rel[0] == '/' || !base || !base[0])
		return normalize_two(out, cap, NULL, rel);
	return normalize_two(out, cap, base, rel);
}

int path_join_under(char *out, size_t cap, const char *root, const char *path)
{
	size_t rlen;
	int n;

	if (!out || !root || !path || path[0] != '/')
		return -EINVAL;
	rlen = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (rlen >= cap) {
		if (cap > 0)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	n = path_normalize(out + rlen, cap - rlen, path);
	if (n < 0) {
		out[0] = '\0';
		return n;
	}
	memcpy(out, root, rlen);
	if (rlen && n == 1) { /* path is "/": root itself */
		out[rlen] = '\0';
		return (int)rlen;
	}
	return (int)rlen + n;
}

bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!path || path[0] != '/')
		return false;
	if (n == 1)
		return dir[0] == '/';
	if (strncmp(path, dir, n) != 0)
		return false;
	return path[n] == '\0' || path[n] == '/' || strcmp(path + n, " (deleted)") == 0;
}
