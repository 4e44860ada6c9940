// SPDX-License-Identifier: GPL-2.0
/*
 * Strict number parsing, display escaping and clock helpers (see util.h).
 * The escaper is the one place that decides which bytes of a traced path or
 * comm are safe to print as they are; everything else goes out as \xHH.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "util.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int util_parse_long(const char *s, long min, long max, long *out)
{
	const char *digits;
	char *end;
	int saved_errno = errno;
	int err = 0;
	long v;

	if (!s || !out)
		return -EINVAL;
	/* strtol would skip leading whitespace and accept a lone sign: refuse
	 * anything that does not start (after one sign) with a digit. */
	digits = (*s == '-' || *s == '+') ? s + 1 : s;
	if (!is_digit(*digits))
		return -EINVAL;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0')
		err = -EINVAL;
	else if (errno == ERANGE || v < min || v > max)
		err = -ERANGE;
	errno = saved_errno;
	if (err)
		return err;
	*out = v;
	return 0;
}

int util_parse_seconds(const char *s, uint64_t *ns)
{
	uint64_t secs = 0, frac = 0;
	uint64_t weight = 100000000; /* ns worth of the next fractional digit */
	size_t ndigits = 0;
	const char *p;

	if (!s || !ns)
		return -EINVAL;

	/* Once secs passes the maximum it stops growing, so it cannot overflow
	 * (UTIL_SECONDS_MAX * 10 + 9 fits), and the syntax is still checked to
	 * the end: "99999999999x" is -EINVAL, not -ERANGE. */
	for (p = s; is_digit(*p); p++, ndigits++)
		if (secs <= UTIL_SECONDS_MAX)
			secs = secs * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		for (p++; is_digit(*p); p++, ndigits++) {
			frac += (uint64_t)(*p - '0') * weight;
			weight /= 10;
		}
	}
	if (*p != '\0' || ndigits == 0)
		return -EINVAL;
	if (secs > UTIL_SECONDS_MAX || (secs == UTIL_SECONDS_MAX && frac > 0))
		return -ERANGE;
	*ns = secs * 1000000000ULL + frac;
	return 0;
}

/*
 * Length of the well-formed UTF-8 character at s (avail bytes readable), or
 * 0 if s does not start one (1 for ASCII). The second byte's allowed range
 * is what rules out overlong forms (E0, F0), surrogates (ED) and code points
 * past U+10FFFF (F4); C0, C1 and F5..FF never start a character.
 */
size_t util_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static size_t put_hex(char *unit, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	unit[0] = '\\';
	unit[1] = 'x';
	unit[2] = hex[c >> 4];
	unit[3] = hex[c & 0xf];
	return 4;
}

/*
 * True when none of the 8 bytes at p needs a look from util_escape: each
 * is above space, below DEL, and neither '"' nor '\\'. Word-wide tests: a
 * byte below 0x21, a byte of 0x7f or more (a carry out of a 0xff byte may
 * also flag its neighbour), a zero byte after XOR with the quote or the
 * backslash. None misses a byte; a false alarm only sends the word down
 * the byte path.
 */
static inline bool word_plain(const unsigned char *p)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t w = util_load64(p);
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
	uint64_t low = (w - ones * 0x21) & ~w;
	uint64_t high = w | (w + ones);
	uint64_t quote = (q - ones) & ~q, backslash = (b - ones) & ~b;

	return !((low | high | quote | backslash) & highs);
}

/* True when none of s[0..len) (len >= 1) needs a look from util_escape:
 * checked by words, the last one overlapping the one before; a short string
 * is padded to a word with a plain letter. */
static bool all_plain(const unsigned char *s, size_t len)
{
	unsigned char word[8] = "aaaaaaaa";
	size_t w = 0;

	if (len < 8) {
		memcpy(word, s, len);
		return word_plain(word);
	}
	while (w + 8 < len && word_plain(s + w))
		w += 8;
	return w + 8 >= len && word_plain(s + len - 8);
}

/*
 * True for the invisible characters that change how the text around them
 * reads (the "Trojan Source" class): bidirectional embeddings, overrides
 * and isolates, zero-width and other format characters (general category
 * Cf), and the line and paragraph separators.
 */
static bool invisible_format(uint32_t cp)
{
	return cp == 0xad || cp == 0x61c || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
	       cp == 0xe0001 || (cp >= 0xe0020 && cp <= 0xe007f);
}

/* The code point of the well-formed UTF-8 character of n bytes at s. */
static uint32_t utf8_decode(const unsigned char *s, size_t n)
{
	uint32_t cp = s[0] & (0x7fu >> n);

	for (size_t i = 1; i < n; i++)
		cp = cp << 6 | (s[i] & 0x3fu);
	return cp;
}

/* \uXXXX, or \UXXXXXXXX past the basic plane, in lower-case hex; its length. */
static size_t put_codepoint(char *unit, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	size_t digits = cp > 0xffff ? 8 : 4;

	unit[0] = '\\';
	unit[1] = cp > 0xffff ? 'U' : 'u';
	for (size_t d = 0; d < digits; d++)
		unit[2 + d] = hex[cp >> (4 * (digits - 1 - d)) & 0xf];
	return 2 + digits;
}

size_t util_escape(char *dst, size_t cap, const char *src, size_t len, unsigned flags)
{
	size_t used;

	return util_escape_used(dst, cap, src, len, flags, &used);
}

size_t util_escape_used(char *dst, size_t cap, const char *src, size_t len, unsigned flags,
			size_t *used_out)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0;

	*used_out = 0;
	if (cap == 0)
		return 0;
	/* the usual case: a whole string of plain printable ASCII that fits */
	if (len && len < cap && all_plain(s, len)) {
		memcpy(dst, s, len);
		dst[len] = '\0';
		*used_out = len;
		return len;
	}
	/* Each pass renders one unit (a byte, or one whole UTF-8 character)
	 * into unit[] and copies it only if it fits with room for the NUL. */
	while (i < len) {
		char unit[12];
		size_t ulen = 0, used = 1;
		unsigned char c = s[i];

		/* fast path: a run of plain printable ASCII is copied as it is */
		if (c > ' ' && c < 0x7f && c != '\\' && c != '"') {
			size_t run = 1;

			while (i + run + 8 <= len && word_plain(s + i + run))
				run += 8;
			while (i + run < len && s[i + run] > ' ' && s[i + run] < 0x7f &&
			       s[i + run] != '\\' && s[i + run] != '"')
				run++;
			if (run > cap - 1 - o)
				run = cap - 1 - o;
			if (!run)
				break;
			memcpy(dst + o, s + i, run);
			o += run;
			i += run;
			continue;
		}

		if (c >= 0x80) {
			size_t n = util_utf8_len(s + i, len - i);

			if (n == 2 && c == 0xc2 && s[i + 1] < 0xa0) {
				/* C1 control: terminals act on these */
				ulen = put_hex(unit, c);
				ulen += put_hex(unit + ulen, s[i + 1]);
				used = 2;
			} else if (n && invisible_format(utf8_decode(s + i, n))) {
				ulen = put_codepoint(unit, utf8_decode(s + i, n));
				used = n;
			} else if (n) {
				memcpy(unit, s + i, n);
				ulen = used = n;
			} else {
				ulen = put_hex(unit, c);
			}
		} else if (c == '\\' || c == '"') {
			unit[0] = '\\';
			unit[1] = (char)c;
			ulen = 2;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			unit[0] = '\\';
			unit[1] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
			ulen = 2;
		} else if (c < 0x20 || c == 0x7f || (c == ' ' && (flags & UTIL_ESC_SPACE))) {
			ulen = put_hex(unit, c);
		} else {
			unit[0] = (char)c;
			ulen = 1;
		}

		if (ulen > cap - 1 - o)
			break;
		memcpy(dst + o, unit, ulen);
		o += ulen;
		i += used;
	}
	dst[o] = '\0';
	*used_out = i;
	return o;
}

int util_env_long(const char *name, long def, long min, long max, long *out, char *err,
		  size_t errlen)
{
	const char *v = getenv(name);

	*out = def;
	if (v && util_parse_long(v, min, max, out)) {
		snprintf(err, errlen, "%s must be a whole number from %ld to %ld, not '%s'", name,
			 min, max, v);
		return -EINVAL;
	}
	return 0;
}

bool util_is_stream(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 &&
	       (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

uint64_t util_now_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int util_own_cpu_ns(uint64_t *user_ns, uint64_t *sys_ns)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -errno;
	*user_ns = (uint64_t)ru.ru_utime.tv_sec * 1000000000ULL + (uint64_t)ru.ru_utime.tv_usec * 1000u;
	*sys_ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000ULL + (uint64_t)ru.ru_stime.tv_usec * 1000u;
	return 0;
}

/* The user and group sudo ran ior for; false when not run by sudo as root. */
static bool sudo_user(uid_t *uid, gid_t *gid)
{
	const char *u = getenv("SUDO_UID"), *g = getenv("SUDO_GID");
	long lu, lg;

	if (geteuid() != 0 || !u || !g || util_parse_long(u, 0, 0x7fffffff, &lu) ||
	    util_parse_long(g, 0, 0x7fffffff, &lg))
		return false;
	*uid = (uid_t)lu;
	*gid = (gid_t)lg;
	return true;
}

int util_give_to_sudo_user(const char *path)
{
	uid_t u;
	gid_t g;

	if (!sudo_user(&u, &g))
		return 0;
	return lchown(path, u, g) ? -errno : 0;
}

int util_give_fd_to_sudo_user(int fd)
{
	uid_t u;
	gid_t g;

	if (!sudo_user(&u, &g))
		return 0;
	return fchown(fd, u, g) ? -errno : 0;
}
