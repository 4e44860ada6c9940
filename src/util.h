/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by ior's user-space modules: strict parsing of numbers
 * given on the command line, escaping of untrusted bytes (paths, comm names)
 * before they reach a terminal or a line-oriented output, and clock reads.
 * Nothing here allocates or keeps state.
 */
#ifndef IOR_UTIL_H
#define IOR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* Largest duration util_parse_seconds accepts: ten years of 365 days. */
#define UTIL_SECONDS_MAX (10ULL * 365 * 24 * 60 * 60)

/*
 * Parse s as a base-10 long. The whole string must be an optional '-' or '+'
 * followed by one or more digits: no whitespace, no prefix ("0x"), nothing
 * after the digits. Leading zeros are decimal ("08" is 8).
 * Returns 0 and sets *out; -EINVAL if s is not such a number (or s/out is
 * NULL); -ERANGE if it is outside [min, max] or does not fit a long.
 * *out is left untouched on error; errno is preserved.
 */
int util_parse_long(const char *s, long min, long max, long *out);

/*
 * Parse s as a non-negative decimal number of seconds and store it in *ns as
 * nanoseconds, exactly (no floating point). Accepted: digits, optionally
 * followed by '.' and more digits; either side of the '.' may be empty but
 * not both ("10", "0.5", ".5", "1." are valid; "." is not). Digits beyond the
 * ninth fractional digit are checked and then truncated. Signs, whitespace,
 * exponents, "nan"/"inf" and trailing garbage are rejected.
 * Returns 0; -EINVAL if s is malformed (or s/ns is NULL); -ERANGE if the
 * value exceeds UTIL_SECONDS_MAX. *ns is left untouched on error.
 */
int util_parse_seconds(const char *s, uint64_t *ns);

/*
 * The whole number in environment variable name, strictly parsed and in
 * [min, max], in *out; def when the variable is unset. Returns 0, or
 * -EINVAL with one sentence naming the variable and its range in err.
 */
int util_env_long(const char *name, long def, long min, long max, long *out, char *err,
		  size_t errlen);

/*
 * True when path names (through symlinks) a character device, a FIFO or a
 * socket: a stream to write to, which no output of ior counts as a file it
 * would overwrite (/dev/stdout, /dev/null, a named pipe).
 */
bool util_is_stream(const char *path);

/* util_escape flags */
#define UTIL_ESC_SPACE 1u /* also escape ' ' as \x20 (whitespace-split fields) */

/*
 * Escape len bytes of src (NUL bytes included) into dst for display, as
 * units: printable ASCII stays as it is, except backslash -> \\ and
 * double quote -> \"; newline, tab and CR become \n, \t, \r; every other
 * byte below 0x20, and 0x7f, becomes \xHH (lower-case hex). A valid UTF-8
 * character (shortest form, no surrogates, at most U+10FFFF) is copied as
 * is, except the C1 controls U+0080..U+009F, written as \xc2\xHH, and the
 * invisible characters that reorder or hide text — bidirectional controls
 * (U+202A..U+202E, U+2066..U+2069, U+200E/U+200F, U+061C), zero-width and
 * other format characters (U+00AD, U+180E, U+200B..U+200D, U+2060..U+2064,
 * U+206A..U+206F, U+FEFF, U+FFF9..U+FFFB, the tags U+E0001 and
 * U+E0020..U+E007F) and U+2028/U+2029 — written as \uXXXX (\UXXXXXXXX past
 * U+FFFF), lower-case hex. Each byte of invalid or truncated UTF-8 becomes
 * \xHH on its own.
 *
 * Writes at most cap bytes including the terminating NUL, always terminates
 * when cap > 0, and never cuts a unit (an escape, a UTF-8 character, an
 * escaped C1 control) in half: at the first unit that does not fit, output
 * stops. A cap of 4 * len + 1 always holds the whole result. Returns the
 * number of bytes written before the NUL (0 when cap is 0, dst untouched).
 */
size_t util_escape(char *dst, size_t cap, const char *src, size_t len, unsigned flags);
/* util_escape, also telling how many bytes of src it rendered (len unless
 * the output filled cap). */
size_t util_escape_used(char *dst, size_t cap, const char *src, size_t len, unsigned flags,
			size_t *used);

/*
 * Length of the well-formed UTF-8 character at s (avail >= 1 bytes
 * readable): 1 for ASCII, 2..4 for a multi-byte character (shortest form,
 * no surrogates, at most U+10FFFF), 0 if s does not start one.
 */
size_t util_utf8_len(const unsigned char *s, size_t avail);

/*
 * Files ior writes are 0600 (traces reveal paths and process names). When
 * ior runs as root under sudo, hands path (the link itself, never a
 * symlink's target) to the user who ran sudo so they can read it without
 * root. Returns 0 (also when there is nothing to do) or -errno.
 */
int util_give_to_sudo_user(const char *path);
/* The same for the file open as fd. */
int util_give_fd_to_sudo_user(int fd);

/* clock_gettime(clk) in nanoseconds; 0 if the clock cannot be read. */
uint64_t util_now_ns(clockid_t clk);

/* The user and system CPU time all of this process's threads have used
 * (getrusage RUSAGE_SELF), in nanoseconds. 0, or -errno. */
int util_own_cpu_ns(uint64_t *user_ns, uint64_t *sys_ns);

/* a + b, or UINT64_MAX when that overflows: counters saturate, never wrap. */
static inline uint64_t util_sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* The log2 histogram bucket of v: 0 for v <= 1, else floor(log2(v)). */
static inline unsigned util_log2_bucket(uint64_t v)
{
	return v <= 1 ? 0 : 63u - (unsigned)__builtin_clzll(v);
}

/* ---- hashing of strings and keys for ior's hash tables ---------------- */

#define UTIL_MUL1 0x9e3779b97f4a7c15ull
#define UTIL_MUL2 0xbf58476d1ce4e5b9ull
#define UTIL_MUL3 0x94d049bb133111ebull

/* 64x64->128 multiply, folded: the mixing step of util_hash. */
static inline uint64_t util_mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t util_load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint64_t util_load32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/*
 * Whether a[0..n) and b[0..n) hold the same bytes: inline word compares for
 * the short strings ior compares per event (paths, names), where a call to
 * memcmp costs more than the comparison; memcmp beyond 64 bytes.
 */
static inline bool util_mem_eq(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	if (n >= 8) {
		if (n > 64)
			return memcmp(p, q, n) == 0;
		for (size_t i = 0; i + 8 < n; i += 8)
			if (util_load64(p + i) != util_load64(q + i))
				return false;
		return util_load64(p + n - 8) == util_load64(q + n - 8);
	}
	if (n >= 4)
		return util_load32(p) == util_load32(q) && util_load32(p + n - 4) == util_load32(q + n - 4);
	return n == 0 || (p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1]);
}

/*
 * The length (at most 16) of the NUL-terminated name in comm[0..16] (a
 * task name: 17 bytes, the last a NUL), and its bytes in w[0..1] with the
 * rest zeroed: two loads and the classic zero-byte test (its lowest set bit
 * is the first NUL, on this little-endian machine) instead of strnlen and
 * a variable-length copy.
 */
static inline size_t util_comm_words(const char *comm, uint64_t w[2])
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t a = util_load64((const unsigned char *)comm);
	uint64_t b = util_load64((const unsigned char *)comm + 8);
	uint64_t z = (a - ones) & ~a & highs;
	unsigned n;

	if (z) {
		n = (unsigned)__builtin_ctzll(z) >> 3;
		w[0] = n ? a & (~0ull >> (64 - 8 * n)) : 0;
		w[1] = 0;
		return n;
	}
	w[0] = a;
	z = (b - ones) & ~b & highs;
	if (!z) {
		w[1] = b;
		return 16;
	}
	n = (unsigned)__builtin_ctzll(z) >> 3;
	w[1] = n ? b & (~0ull >> (64 - 8 * n)) : 0;
	return 8 + n;
}

/*
 * A fast, well-mixed 64-bit hash of p[0..len): 16 bytes per multiply,
 * short tails read as overlapping words. Not for untrusted adversarial
 * keys beyond what open addressing with a load cap tolerates.
 */
static inline uint64_t util_hash(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = UTIL_MUL3 ^ len, a, b;
	size_t n = len;

	while (n > 16) {
		h = util_mum(util_load64(s) ^ UTIL_MUL1, util_load64(s + 8) ^ h);
		s += 16;
		n -= 16;
	}
	if (n > 8) {
		a = util_load64(s);
		b = util_load64(s + n - 8);
	} else if (n >= 4) {
		a = util_load32(s) << 32 | util_load32(s + n - 4);
		b = 0;
	} else if (n > 0) {
		a = (uint64_t)s[0] << 16 | (uint64_t)s[n >> 1] << 8 | s[n - 1];
		b = 0;
	} else {
		a = b = 0;
	}
	return util_mum(a ^ UTIL_MUL2, b ^ h);
}

#endif /* IOR_UTIL_H */
