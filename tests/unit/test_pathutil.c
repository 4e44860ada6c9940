// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for pathutil.c: every normalisation rule, joining, exact
 * capacity handling (results written into heap buffers of exactly cap bytes
 * so ASan sees any overrun), paths of 8000+ bytes, and a comparison with a
 * simple stack-based reference on pseudo-random paths.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "pathutil.h"

#define BIG 20000

static char out[BIG];

#define CHECK_NORM(in, want)                                                  \
	do {                                                                  \
		CHECK_EQ_INT(path_normalize(out, sizeof(out), (in)),          \
			     (int)strlen(want));                              \
		CHECK_EQ_STR(out, (want));                                    \
	} while (0)

#define CHECK_JOIN(base, rel, want)                                           \
	do {                                                                  \
		CHECK_EQ_INT(path_join(out, sizeof(out), (base), (rel)),      \
			     (int)strlen(want));                              \
		CHECK_EQ_STR(out, (want));                                    \
	} while (0)

TEST(normalize_trivial)
{
	CHECK_NORM("", ".");
	CHECK_NORM(".", ".");
	CHECK_NORM("./", ".");
	CHECK_NORM("./.", ".");
	CHECK_NORM(".//./", ".");
	CHECK_NORM("/", "/");
	CHECK_NORM("//", "/");
	CHECK_NORM("///", "/");
	CHECK_NORM("/.", "/");
	CHECK_NORM("/./", "/");
	CHECK_NORM("a", "a");
	CHECK_NORM("/a", "/a");
	CHECK_NORM("/a/b/c", "/a/b/c");
}

TEST(normalize_slashes_and_dots)
{
	CHECK_NORM("//a//b/", "/a/b");
	CHECK_NORM("a//b", "a/b");
	CHECK_NORM("a/", "a");
	CHECK_NORM("a///", "a");
	CHECK_NORM("a/.", "a");
	CHECK_NORM("/a/b/.", "/a/b");
	CHECK_NORM("/a/b/./", "/a/b");
	CHECK_NORM("a/./b", "a/b");
	CHECK_NORM("./a", "a");
	CHECK_NORM("././a/./././b/.", "a/b");
	/* names that only look like dots */
	CHECK_NORM("a/...", "a/...");
	CHECK_NORM("a/..b", "a/..b");
	CHECK_NORM("a/b..", "a/b..");
	CHECK_NORM(".a/.b/.", ".a/.b");
	CHECK_NORM("/.../..", "/");
	CHECK_NORM(". /a", ". /a");
}

TEST(normalize_dotdot_absolute)
{
	CHECK_NORM("/..", "/");
	CHECK_NORM("/../..", "/");
	CHECK_NORM("/../a", "/a");
	CHECK_NORM("/a/..", "/");
	CHECK_NORM("/a/../..", "/");
	CHECK_NORM("/a/../../b", "/b");
	CHECK_NORM("/a/b/..", "/a");
	CHECK_NORM("/a/b/../", "/a");
	CHECK_NORM("/a/b/c/../../d", "/a/d");
	CHECK_NORM("/a/b/../c/../d/./e/..", "/a/d");
	CHECK_NORM("//..//a//..//..//b", "/b");
}

TEST(normalize_dotdot_relative)
{
	CHECK_NORM("..", "..");
	CHECK_NORM("../", "..");
	CHECK_NORM("../..", "../..");
	CHECK_NORM("./..", "..");
	CHECK_NORM("a/..", ".");
	CHECK_NORM("a/../", ".");
	CHECK_NORM("a/../..", "..");
	CHECK_NORM("a/../../b", "../b");
	CHECK_NORM("../a", "../a");
	CHECK_NORM("../a/..", "..");
	CHECK_NORM("../../a/b/../c", "../../a/c");
	CHECK_NORM("a/b/c/../../..", ".");
	CHECK_NORM("a/b/../../../c/./d/..", "../c");
	CHECK_NORM("a/../b/../../c/../..", "../..");
}

TEST(normalize_keeps_odd_bytes)
{
	CHECK_NORM("/tmp/a\nb/../c\n", "/tmp/c\n");
	CHECK_NORM("/tmp/\n/\n\n/", "/tmp/\n/\n\n");
	CHECK_NORM("/x\xff\xfe/./y\x80", "/x\xff\xfe/y\x80");
	CHECK_NORM("\t/ /\x01", "\t/ /\x01");
	CHECK_NORM("/caf\xc3\xa9/..\n/..", "/caf\xc3\xa9");
	CHECK_NORM("\\/..", ".");
}

/* Normalises into a heap buffer of exactly cap bytes; result in out. */
static int norm_cap(const char *in, size_t cap)
{
	char *dst = malloc(cap ? cap : 1);
	int r;

	if (!dst)
		abort();
	dst[0] = 'Z';
	r = path_normalize(dst, cap, in);
	if (cap) {
		memcpy(out, dst, cap);
	} else {
		out[0] = dst[0];
		out[1] = '\0';
	}
	free(dst);
	return r;
}

static int join_cap(const char *base, const char *rel, size_t cap)
{
	char *dst = malloc(cap ? cap : 1);
	int r;

	if (!dst)
		abort();
	dst[0] = 'Z';
	r = path_join(dst, cap, base, rel);
	if (cap) {
		memcpy(out, dst, cap);
	} else {
		out[0] = dst[0];
		out[1] = '\0';
	}
	free(dst);
	return r;
}

TEST(normalize_capacity)
{
	CHECK_EQ_INT(norm_cap("/a/b", 5), 4);
	CHECK_EQ_STR(out, "/a/b");
	CHECK_EQ_INT(norm_cap("/a/b", 4), -ENAMETOOLONG);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(norm_cap("/a/b", 1), -ENAMETOOLONG);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(norm_cap("/a/b", 0), -ENAMETOOLONG);
	CHECK_EQ_STR(out, "Z");
	CHECK_EQ_INT(norm_cap("", 2), 1);
	CHECK_EQ_STR(out, ".");
	CHECK_EQ_INT(norm_cap("", 1), -ENAMETOOLONG);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(norm_cap("/", 2), 1);
	CHECK_EQ_STR(out, "/");
	CHECK_EQ_INT(norm_cap("/..", 1), -ENAMETOOLONG);
	CHECK_EQ_INT(norm_cap("a/../..", 3), 2);
	CHECK_EQ_STR(out, "..");
	CHECK_EQ_INT(norm_cap("a/../../b", 5), 4);
	CHECK_EQ_STR(out, "../b");
	CHECK_EQ_INT(norm_cap("a/../../b", 4), -ENAMETOOLONG);
	/* only the result has to fit, not the input */
	CHECK_EQ_INT(norm_cap("a-very-long-component-name/../b", 2), 1);
	CHECK_EQ_STR(out, "b");
	CHECK_EQ_INT(norm_cap("//////////a//////////", 3), 2);
	CHECK_EQ_STR(out, "/a");
}

TEST(normalize_long_paths)
{
	static char in[BIG];
	size_t n = 0;

	/* 8000 bytes: "/" then 1000 x "abcdefg/" minus the final '/' */
	in[n++] = '/';
	for (int i = 0; i < 1000; i++) {
		memcpy(in + n, "abcdefg/", 8);
		n += 8;
	}
	in[n] = '\0';
	CHECK_EQ_UINT(n, 8001);
	CHECK_EQ_INT(path_normalize(out, sizeof(out), in), 8000);
	CHECK_EQ_MEM(out, in, 8000);
	CHECK_EQ_INT(out[8000], '\0');
	CHECK_EQ_INT(norm_cap(in, 8001), 8000);
	CHECK_EQ_INT(norm_cap(in, 8000), -ENAMETOOLONG);

	/* one 8000-byte component */
	memset(in, 'x', 8000);
	in[8000] = '\0';
	CHECK_EQ_INT(path_normalize(out, sizeof(out), in), 8000);
	CHECK_EQ_MEM(out, in, 8001);

	/* 2000 x "a/.." cancels out entirely; then 2700 x "../" are kept */
	n = 0;
	for (int i = 0; i < 2000; i++) {
		memcpy(in + n, "a/../", 5);
		n += 5;
	}
	in[n] = '\0';
	CHECK_NORM(in, ".");
	n = 0;
	for (int i = 0; i < 2700; i++) {
		memcpy(in + n, "../", 3);
		n += 3;
	}
	in[n] = '\0';
	CHECK_EQ_INT(path_normalize(out, sizeof(out), in), 3 * 2700 - 1);
	CHECK_EQ_MEM(out, in, 3 * 2700 - 1);

	/* deep absolute path climbed back to its first component */
	n = 0;
	memcpy(in, "/top", 4);
	n = 4;
	for (int i = 0; i < 1700; i++) {
		memcpy(in + n, "/d", 2);
		n += 2;
	}
	for (int i = 0; i < 1700; i++) {
		memcpy(in + n, "/..", 3);
		n += 3;
	}
	in[n] = '\0';
	CHECK(n > 8000);
	CHECK_NORM(in, "/top");
}

TEST(normalize_bad_args)
{
	CHECK_EQ_INT(path_normalize(out, sizeof(out), NULL), -EINVAL);
	CHECK_EQ_INT(path_normalize(NULL, 10, "a"), -EINVAL);
	CHECK_EQ_INT(path_join(out, sizeof(out), "/a", NULL), -EINVAL);
	CHECK_EQ_INT(path_join(NULL, 10, "/a", "b"), -EINVAL);
}

TEST(join_basic)
{
	CHECK_JOIN("/home/u", "a.txt", "/home/u/a.txt");
	CHECK_JOIN("/home/u", "/etc/passwd", "/etc/passwd");
	CHECK_JOIN("/home/u", "/etc/../etc//passwd/", "/etc/passwd");
	CHECK_JOIN("/home/u", "../v/./x", "/home/v/x");
	CHECK_JOIN("/home/u", ".", "/home/u");
	CHECK_JOIN("/home/u", "", "/home/u");
	CHECK_JOIN("/home/u", "..", "/home");
	CHECK_JOIN("/", "a", "/a");
	CHECK_JOIN("/", "..", "/");
	CHECK_JOIN("/a/b", "../../..", "/");
	CHECK_JOIN("/a/b", "../../../c", "/c");
	CHECK_JOIN("/a/", "/b", "/b");
	CHECK_JOIN("/a//", "b//c/", "/a/b/c");
	CHECK_JOIN("/a/b/..", "c", "/a/c");
	CHECK_JOIN("//a/./b", "./c/.", "/a/b/c");
}

TEST(join_without_base)
{
	CHECK_JOIN(NULL, "a/../b", "b");
	CHECK_JOIN(NULL, "../x", "../x");
	CHECK_JOIN(NULL, "/x/", "/x");
	CHECK_JOIN(NULL, "", ".");
	CHECK_JOIN("", "x/", "x");
	CHECK_JOIN("", "", ".");
	CHECK_JOIN("", "..", "..");
}

TEST(join_relative_base)
{
	CHECK_JOIN("a", "b", "a/b");
	CHECK_JOIN("a", "..", ".");
	CHECK_JOIN("a", "../..", "..");
	CHECK_JOIN("..", "b", "../b");
	CHECK_JOIN("./a/", "./b", "a/b");
}

TEST(join_never_merges_components)
{
	/* the separator between base and rel is real: "." + "." is not ".." */
	CHECK_JOIN("/a/.", ".", "/a");
	CHECK_JOIN("/a/b.", ".", "/a/b.");
	CHECK_JOIN("/a/b", ".c", "/a/b/.c");
	CHECK_JOIN("/a/b/.", "./c", "/a/b/c");
	CHECK_JOIN("a/.", ".", "a");
	CHECK_JOIN(".", ".", ".");
}

TEST(join_capacity)
{
	CHECK_EQ_INT(join_cap("/a", "b", 5), 4);
	CHECK_EQ_STR(out, "/a/b");
	CHECK_EQ_INT(join_cap("/a", "b", 4), -ENAMETOOLONG);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(join_cap("/a", "b", 0), -ENAMETOOLONG);
	CHECK_EQ_STR(out, "Z");
	CHECK_EQ_INT(join_cap("/long/base/dir", "../../../x", 3), 2);
	CHECK_EQ_STR(out, "/x");
	CHECK_EQ_INT(join_cap("/long/base/dir", "/y", 3), 2);
	CHECK_EQ_STR(out, "/y");
	CHECK_EQ_INT(join_cap("/long/base/dir", "/yy", 3), -ENAMETOOLONG);
	CHECK_EQ_INT(join_cap(NULL, "", 2), 1);
	CHECK_EQ_STR(out, ".");
}

TEST(join_long)
{
	static char base[5000], rel[5000], want[BIG];

	base[0] = '/';
	memset(base + 1, 'b', 3999);
	base[4000] = '\0';
	memset(rel, 'r', 4000);
	rel[4000] = '\0';
	snprintf(want, sizeof(want), "%s/%s", base, rel);
	CHECK_EQ_INT(path_join(out, sizeof(out), base, rel), 8001);
	CHECK_EQ_STR(out, want);
	CHECK_EQ_INT(join_cap(base, rel, 8002), 8001);
	CHECK_EQ_INT(join_cap(base, rel, 8001), -ENAMETOOLONG);
}

/*
 * Reference: split into components, push and pop on a fixed stack.
 * Independent of pathutil.c's right-to-left walk.
 */
#define REF_MAX 64

static void ref_normalize(char *dst, const char *in)
{
	const char *comp[REF_MAX];
	size_t clen[REF_MAX];
	size_t depth = 0;
	int abs = in[0] == '/';
	const char *p = in;

	while (*p) {
		const char *s;
		size_t n;

		while (*p == '/')
			p++;
		s = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - s);
		if (n == 0 || (n == 1 && s[0] == '.'))
			continue;
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			if (depth > 0 && !(clen[depth - 1] == 2 && !memcmp(comp[depth - 1], "..", 2))) {
				depth--;
				continue;
			}
			if (abs)
				continue;
		}
		comp[depth] = s;
		clen[depth] = n;
		depth++;
	}
	*dst = '\0';
	if (abs)
		strcat(dst, "/");
	for (size_t i = 0; i < depth; i++) {
		if (i)
			strcat(dst, "/");
		strncat(dst, comp[i], clen[i]);
	}
	if (!*dst)
		strcpy(dst, ".");
}

static uint32_t rnd_state = 4242;

static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 16;
}

static void random_path(char *dst, int allow_empty)
{
	static const char *const parts[] = { "a", "bc", ".", "..", "", "...", "\n", ".x" };
	size_t n = rnd() % 9;

	*dst = '\0';
	if (rnd() % 2)
		strcat(dst, "/");
	for (size_t i = 0; i < n; i++) {
		strcat(dst, parts[rnd() % (sizeof(parts) / sizeof(parts[0]))]);
		if (i + 1 < n || rnd() % 3 == 0)
			strcat(dst, "/");
	}
	if (!allow_empty && !*dst)
		strcpy(dst, "q");
}

TEST(normalize_matches_reference)
{
	char in[128], want[256];

	for (int i = 0; i < 5000; i++) {
		random_path(in, 1);
		ref_normalize(want, in);
		CHECK_NORM(in, want);
	}
}

TEST(join_matches_reference)
{
	char base[128], rel[128], cat[300], want[300];

	for (int i = 0; i < 5000; i++) {
		random_path(base, 0);
		random_path(rel, 1);
		if (rel[0] == '/')
			strcpy(cat, rel);
		else
			snprintf(cat, sizeof(cat), "%s/%s", base, rel);
		ref_normalize(want, cat);
		CHECK_JOIN(base, rel, want);
	}
}

TEST(under_component_boundaries)
{
	CHECK(path_under("/var", "/var"));
	CHECK(path_under("/var/log/x", "/var"));
	CHECK(path_under("/var/log (deleted)", "/var/log"));
	CHECK(path_under("/anything", "/"));
	CHECK(path_under("/", "/"));
	CHECK(!path_under("/variant", "/var"));
	CHECK(!path_under("/var (x)", "/var"));
	CHECK(!path_under("/va", "/var"));
	CHECK(!path_under("/root/.pyenv/plugins/x/etc/passwd", "/etc"));
	CHECK(!path_under("pipe:[12]", "/"));
	CHECK(!path_under("[truncated]/etc/x", "/etc"));
	CHECK(!path_under(NULL, "/"));
}

TEST(join_under_root)
{
	static const char *const cases[][3] = {
		/* root, path, result */
		{ "/", "/etc/x", "/etc/x" },
		{ "/srv/jail", "/etc/x", "/srv/jail/etc/x" },
		{ "/srv/jail", "/../../etc//./x/", "/srv/jail/etc/x" },
		{ "/srv/jail", "/", "/srv/jail" },
		{ "/srv/jail", "/..", "/srv/jail" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_EQ_INT(path_join_under(out, sizeof(out), cases[i][0], cases[i][1]),
			     (int)strlen(cases[i][2]));
		CHECK_EQ_STR(out, cases[i][2]);
	}
	CHECK_EQ_INT(path_join_under(out, sizeof(out), "/srv", "etc"), -EINVAL);
	CHECK_EQ_INT(path_join_under(out, 6, "/srv", "/etc"), -ENAMETOOLONG);
	CHECK_EQ_INT(path_join_under(out, 9, "/srv", "/etc"), 8);
	CHECK_EQ_INT(path_join_under(NULL, 9, "/srv", "/etc"), -EINVAL);
}
