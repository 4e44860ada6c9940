// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for util.c: strict long and seconds parsing (every accepted and
 * rejected form, range edges), the display escaper (each byte class, UTF-8
 * validity rules, capacity and truncation, a round-trip property over
 * pseudo-random bytes) and the clock helper.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "util.h"

/* ---- util_parse_long ---------------------------------------------------- */

static int parse_l(const char *s, long *out)
{
	return util_parse_long(s, LONG_MIN, LONG_MAX, out);
}

#define CHECK_LONG(s, want)                                                   \
	do {                                                                  \
		long v_ = 12345;                                              \
		CHECK_EQ_INT(parse_l((s), &v_), 0);                           \
		CHECK_EQ_INT(v_, (want));                                     \
	} while (0)

#define CHECK_LONG_ERR(s, err)                                                \
	do {                                                                  \
		long v_ = 12345;                                              \
		CHECK_EQ_INT(parse_l((s), &v_), (err));                       \
		CHECK_EQ_INT(v_, 12345);                                      \
	} while (0)

TEST(parse_long_accepts)
{
	CHECK_LONG("0", 0);
	CHECK_LONG("42", 42);
	CHECK_LONG("-17", -17);
	CHECK_LONG("-0", 0);
	CHECK_LONG("+5", 5);
	CHECK_LONG("+0", 0);
	CHECK_LONG("08", 8);
	CHECK_LONG("0009", 9);
	CHECK_LONG("-010", -10);
	CHECK_LONG("9223372036854775807", LONG_MAX);
	CHECK_LONG("-9223372036854775808", LONG_MIN);
	CHECK_LONG("+9223372036854775807", LONG_MAX);
}

TEST(parse_long_rejects_malformed)
{
	CHECK_LONG_ERR("", -EINVAL);
	CHECK_LONG_ERR(" 5", -EINVAL);
	CHECK_LONG_ERR("5 ", -EINVAL);
	CHECK_LONG_ERR("\t5", -EINVAL);
	CHECK_LONG_ERR("5\n", -EINVAL);
	CHECK_LONG_ERR("12abc", -EINVAL);
	CHECK_LONG_ERR("abc", -EINVAL);
	CHECK_LONG_ERR("0x10", -EINVAL);
	CHECK_LONG_ERR("0X10", -EINVAL);
	CHECK_LONG_ERR("-", -EINVAL);
	CHECK_LONG_ERR("+", -EINVAL);
	CHECK_LONG_ERR("+-5", -EINVAL);
	CHECK_LONG_ERR("--5", -EINVAL);
	CHECK_LONG_ERR("- 5", -EINVAL);
	CHECK_LONG_ERR("1.0", -EINVAL);
	CHECK_LONG_ERR("1e3", -EINVAL);
	CHECK_LONG_ERR("1,000", -EINVAL);
	CHECK_LONG_ERR("5-", -EINVAL);
	/* garbage after an overflowing number is still a syntax error */
	CHECK_LONG_ERR("99999999999999999999x", -EINVAL);
	CHECK_EQ_INT(parse_l(NULL, &(long){ 0 }), -EINVAL);
	CHECK_EQ_INT(util_parse_long("1", 0, 10, NULL), -EINVAL);
}

TEST(parse_long_range)
{
	long v = 0;

	CHECK_LONG_ERR("9223372036854775808", -ERANGE);
	CHECK_LONG_ERR("-9223372036854775809", -ERANGE);
	CHECK_LONG_ERR("99999999999999999999999", -ERANGE);

	CHECK_EQ_INT(util_parse_long("10", 0, 10, &v), 0);
	CHECK_EQ_INT(v, 10);
	CHECK_EQ_INT(util_parse_long("0", 0, 10, &v), 0);
	CHECK_EQ_INT(v, 0);
	v = 77;
	CHECK_EQ_INT(util_parse_long("11", 0, 10, &v), -ERANGE);
	CHECK_EQ_INT(util_parse_long("-1", 0, 10, &v), -ERANGE);
	CHECK_EQ_INT(util_parse_long("0", 1, 10, &v), -ERANGE);
	CHECK_EQ_INT(util_parse_long("-0", 1, 10, &v), -ERANGE);
	CHECK_EQ_INT(v, 77);
	CHECK_EQ_INT(util_parse_long("-5", -5, -5, &v), 0);
	CHECK_EQ_INT(v, -5);
	/* malformed wins over out of range */
	CHECK_EQ_INT(util_parse_long("11x", 0, 10, &v), -EINVAL);
}

TEST(parse_long_keeps_errno)
{
	long v;

	errno = EBADF;
	CHECK_EQ_INT(parse_l("99999999999999999999", &v), -ERANGE);
	CHECK_EQ_INT(errno, EBADF);
	CHECK_EQ_INT(parse_l("7", &v), 0);
	CHECK_EQ_INT(errno, EBADF);
}

/* ---- util_parse_seconds ------------------------------------------------- */

#define CHECK_SECS(s, want)                                                   \
	do {                                                                  \
		uint64_t ns_ = 999;                                           \
		CHECK_EQ_INT(util_parse_seconds((s), &ns_), 0);               \
		CHECK_EQ_UINT(ns_, (want));                                   \
	} while (0)

#define CHECK_SECS_ERR(s, err)                                                \
	do {                                                                  \
		uint64_t ns_ = 999;                                           \
		CHECK_EQ_INT(util_parse_seconds((s), &ns_), (err));           \
		CHECK_EQ_UINT(ns_, 999);                                      \
	} while (0)

#define NS 1000000000ULL

TEST(parse_seconds_accepts)
{
	CHECK_SECS("0", 0);
	CHECK_SECS("0.0", 0);
	CHECK_SECS("000", 0);
	CHECK_SECS("1", NS);
	CHECK_SECS("10", 10 * NS);
	CHECK_SECS("007", 7 * NS);
	CHECK_SECS("0.5", NS / 2);
	CHECK_SECS("2.25", 2 * NS + NS / 4);
	CHECK_SECS("0.1", 100000000);
	CHECK_SECS("0.000000001", 1);
	CHECK_SECS("0.123456789", 123456789);
	CHECK_SECS("3600.000001", 3600 * NS + 1000);
	/* both halves may be empty, but not both at once */
	CHECK_SECS(".5", NS / 2);
	CHECK_SECS(".25", NS / 4);
	CHECK_SECS("1.", NS);
	CHECK_SECS("0.", 0);
}

TEST(parse_seconds_truncates_past_nanoseconds)
{
	CHECK_SECS("0.0000000019", 1);
	CHECK_SECS("0.0000000009", 0);
	CHECK_SECS("1.123456789123", NS + 123456789);
	CHECK_SECS("1.99999999999999999999999999", NS + 999999999);
	/* the extra digits are still checked */
	CHECK_SECS_ERR("1.1234567891x", -EINVAL);
}

TEST(parse_seconds_rejects_malformed)
{
	CHECK_SECS_ERR("", -EINVAL);
	CHECK_SECS_ERR(".", -EINVAL);
	CHECK_SECS_ERR("-1", -EINVAL);
	CHECK_SECS_ERR("-0", -EINVAL);
	CHECK_SECS_ERR("+1", -EINVAL);
	CHECK_SECS_ERR(" 1", -EINVAL);
	CHECK_SECS_ERR("1 ", -EINVAL);
	CHECK_SECS_ERR("1\n", -EINVAL);
	CHECK_SECS_ERR("1e3", -EINVAL);
	CHECK_SECS_ERR("1E3", -EINVAL);
	CHECK_SECS_ERR("nan", -EINVAL);
	CHECK_SECS_ERR("inf", -EINVAL);
	CHECK_SECS_ERR("infinity", -EINVAL);
	CHECK_SECS_ERR("0x10", -EINVAL);
	CHECK_SECS_ERR("1s", -EINVAL);
	CHECK_SECS_ERR("1,5", -EINVAL);
	CHECK_SECS_ERR("1.2.3", -EINVAL);
	CHECK_SECS_ERR("1..2", -EINVAL);
	CHECK_SECS_ERR("..5", -EINVAL);
	CHECK_SECS_ERR("1.-5", -EINVAL);
	CHECK_SECS_ERR("99999999999x", -EINVAL);
	CHECK_EQ_INT(util_parse_seconds(NULL, &(uint64_t){ 0 }), -EINVAL);
	CHECK_EQ_INT(util_parse_seconds("1", NULL), -EINVAL);
}

TEST(parse_seconds_range)
{
	CHECK_EQ_UINT(UTIL_SECONDS_MAX, 315360000ULL);
	CHECK_SECS("315360000", 315360000ULL * NS);
	CHECK_SECS("315360000.000000000", 315360000ULL * NS);
	/* truncated to exactly the maximum */
	CHECK_SECS("315360000.0000000009", 315360000ULL * NS);
	CHECK_SECS("315359999.999999999", 315360000ULL * NS - 1);
	CHECK_SECS_ERR("315360000.000000001", -ERANGE);
	CHECK_SECS_ERR("315360001", -ERANGE);
	CHECK_SECS_ERR("99999999999", -ERANGE);
	CHECK_SECS_ERR("99999999999.5", -ERANGE);
	/* far past 2^64 ns: must not wrap around into range */
	CHECK_SECS_ERR("18446744073709551616", -ERANGE);
	CHECK_SECS_ERR("999999999999999999999999999999999999", -ERANGE);
}

/* ---- util_escape -------------------------------------------------------- */

static char esc_buf[4096];

/* Escapes a literal (embedded NULs included) with room to spare. */
#define ESC(lit, flags) esc_check(lit, sizeof(lit) - 1, flags)

static const char *esc_check(const char *src, size_t len, unsigned flags)
{
	size_t n = util_escape(esc_buf, sizeof(esc_buf), src, len, flags);

	/* a mismatch here shows up as a wrong string in the caller's check */
	if (n != strlen(esc_buf))
		return "<length mismatch>";
	return esc_buf;
}

TEST(escape_ascii)
{
	CHECK_EQ_STR(ESC("", 0), "");
	CHECK_EQ_STR(ESC("hello, world", 0), "hello, world");
	CHECK_EQ_STR(ESC("/tmp/a b", 0), "/tmp/a b");
	CHECK_EQ_STR(ESC("a\\b", 0), "a\\\\b");
	CHECK_EQ_STR(ESC("say \"hi\"", 0), "say \\\"hi\\\"");
	CHECK_EQ_STR(ESC("'single'", 0), "'single'");
	CHECK_EQ_STR(ESC("a\nb\tc\rd", 0), "a\\nb\\tc\\rd");
	CHECK_EQ_STR(ESC("a\0b", 0), "a\\x00b");
	CHECK_EQ_STR(ESC("\x01\x07\x08\x0b\x0c\x1f", 0), "\\x01\\x07\\x08\\x0b\\x0c\\x1f");
	CHECK_EQ_STR(ESC("\x7f", 0), "\\x7f");
	CHECK_EQ_STR(ESC("~\x7f", 0), "~\\x7f");
	CHECK_EQ_STR(ESC("\x1b[31mred\x1b[0m", 0), "\\x1b[31mred\\x1b[0m");
	CHECK_EQ_STR(ESC("\x1b]0;title\x07", 0), "\\x1b]0;title\\x07");
	/* the literal text of an escape is itself escaped: no ambiguity */
	CHECK_EQ_STR(ESC("\\x41", 0), "\\\\x41");
}

TEST(escape_one_byte_at_every_offset_of_a_word)
{
	/* a byte that needs a look, at each offset of a plain run 8 bytes at a
	 * time wide: the run around it is copied, the byte escaped as alone */
	static const unsigned char odd[] = { ' ', 0x1f, 0x00, '"', '\\', 0x7f, 0x80, 0xff,
					     0x21, 0x7e, '!' };
	for (size_t k = 0; k < sizeof(odd); k++) {
		char alone[16], want[128], got[128], in[40];

		util_escape(alone, sizeof(alone), (const char *)&odd[k], 1, 0);
		for (size_t at = 0; at < 33; at++) {
			size_t len = 34;

			for (size_t j = 0; j < len; j++)
				in[j] = (char)('a' + (int)(j % 26));
			in[at] = (char)odd[k];
			snprintf(want, sizeof(want), "%.*s%s%.*s", (int)at, in, alone,
				 (int)(len - at - 1), in + at + 1);
			util_escape(got, sizeof(got), in, len, 0);
			CHECK_EQ_STR(got, want);
		}
	}
}

TEST(escape_every_printable_kept)
{
	char in[2], want[3];

	for (int c = 0x20; c < 0x7f; c++) {
		in[0] = (char)c;
		in[1] = '\0';
		if (c == '\\' || c == '"') {
			want[0] = '\\';
			want[1] = (char)c;
			want[2] = '\0';
		} else {
			memcpy(want, in, 2);
		}
		CHECK_EQ_STR(esc_check(in, 1, 0), want);
	}
}

TEST(escape_every_control_is_hex)
{
	char in[1], want[8];
	static const char hex[] = "0123456789abcdef";

	for (int c = 0; c < 0x20; c++) {
		if (c == '\n' || c == '\t' || c == '\r')
			continue;
		in[0] = (char)c;
		want[0] = '\\';
		want[1] = 'x';
		want[2] = hex[c >> 4];
		want[3] = hex[c & 15];
		want[4] = '\0';
		CHECK_EQ_STR(esc_check(in, 1, 0), want);
	}
}

TEST(escape_space_flag)
{
	CHECK_EQ_STR(ESC("a b", UTIL_ESC_SPACE), "a\\x20b");
	CHECK_EQ_STR(ESC("  ", UTIL_ESC_SPACE), "\\x20\\x20");
	CHECK_EQ_STR(ESC("kworker/0:1 x", UTIL_ESC_SPACE), "kworker/0:1\\x20x");
	/* the other rules are unchanged by the flag */
	CHECK_EQ_STR(ESC("\t\n\"\\", UTIL_ESC_SPACE), "\\t\\n\\\"\\\\");
	CHECK_EQ_STR(ESC("\xc3\xa9 \x01", UTIL_ESC_SPACE), "\xc3\xa9\\x20\\x01");
	CHECK_EQ_STR(ESC("a b", 0), "a b");
}

TEST(escape_valid_utf8_kept)
{
	CHECK_EQ_STR(ESC("caf\xc3\xa9", 0), "caf\xc3\xa9");                 /* é */
	CHECK_EQ_STR(ESC("\xc2\xa0", 0), "\xc2\xa0");                       /* U+00A0, first after C1 */
	CHECK_EQ_STR(ESC("\xdf\xbf", 0), "\xdf\xbf");                       /* U+07FF */
	CHECK_EQ_STR(ESC("\xe0\xa0\x80", 0), "\xe0\xa0\x80");               /* U+0800 */
	CHECK_EQ_STR(ESC("\xe2\x82\xac", 0), "\xe2\x82\xac");               /* € */
	CHECK_EQ_STR(ESC("\xed\x9f\xbf", 0), "\xed\x9f\xbf");               /* U+D7FF */
	CHECK_EQ_STR(ESC("\xee\x80\x80", 0), "\xee\x80\x80");               /* U+E000 */
	CHECK_EQ_STR(ESC("\xef\xbf\xbf", 0), "\xef\xbf\xbf");               /* U+FFFF */
	CHECK_EQ_STR(ESC("\xf0\x90\x80\x80", 0), "\xf0\x90\x80\x80");       /* U+10000 */
	CHECK_EQ_STR(ESC("\xf0\x9f\x98\x80", 0), "\xf0\x9f\x98\x80");       /* 😀 */
	CHECK_EQ_STR(ESC("\xf4\x8f\xbf\xbf", 0), "\xf4\x8f\xbf\xbf");       /* U+10FFFF */
	CHECK_EQ_STR(ESC("/home/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80.txt", 0),
		     "/home/\xe6\x97\xa5\xe6\x9c\xac/\xf0\x9f\x98\x80.txt");
}

TEST(escape_c1_controls)
{
	CHECK_EQ_STR(ESC("\xc2\x80", 0), "\\xc2\\x80");
	CHECK_EQ_STR(ESC("\xc2\x9b", 0), "\\xc2\\x9b");   /* CSI */
	CHECK_EQ_STR(ESC("\xc2\x9d", 0), "\\xc2\\x9d");   /* OSC */
	CHECK_EQ_STR(ESC("\xc2\x9f", 0), "\\xc2\\x9f");
	CHECK_EQ_STR(ESC("a\xc2\x9b" "31mb", 0), "a\\xc2\\x9b31mb");
	/* a raw 8-bit C1 byte is not UTF-8 at all */
	CHECK_EQ_STR(ESC("\x9b", 0), "\\x9b");
}

TEST(escape_invalid_utf8)
{
	/* overlong forms */
	CHECK_EQ_STR(ESC("\xc0\xaf", 0), "\\xc0\\xaf");
	CHECK_EQ_STR(ESC("\xc1\xbf", 0), "\\xc1\\xbf");
	CHECK_EQ_STR(ESC("\xe0\x80\xaf", 0), "\\xe0\\x80\\xaf");
	CHECK_EQ_STR(ESC("\xe0\x9f\xbf", 0), "\\xe0\\x9f\\xbf");
	CHECK_EQ_STR(ESC("\xf0\x80\x80\xaf", 0), "\\xf0\\x80\\x80\\xaf");
	CHECK_EQ_STR(ESC("\xf0\x8f\xbf\xbf", 0), "\\xf0\\x8f\\xbf\\xbf");
	/* UTF-16 surrogates (CESU-8) */
	CHECK_EQ_STR(ESC("\xed\xa0\x80", 0), "\\xed\\xa0\\x80");
	CHECK_EQ_STR(ESC("\xed\xbf\xbf", 0), "\\xed\\xbf\\xbf");
	CHECK_EQ_STR(ESC("\xed\xa0\xbd\xed\xb8\x80", 0),
		     "\\xed\\xa0\\xbd\\xed\\xb8\\x80");
	/* beyond U+10FFFF and bytes that never appear in UTF-8 */
	CHECK_EQ_STR(ESC("\xf4\x90\x80\x80", 0), "\\xf4\\x90\\x80\\x80");
	CHECK_EQ_STR(ESC("\xf5\x80\x80\x80", 0), "\\xf5\\x80\\x80\\x80");
	CHECK_EQ_STR(ESC("\xf8\x88\x80\x80\x80", 0), "\\xf8\\x88\\x80\\x80\\x80");
	CHECK_EQ_STR(ESC("\xfe\xff", 0), "\\xfe\\xff");
	/* lone continuation bytes */
	CHECK_EQ_STR(ESC("\x80", 0), "\\x80");
	CHECK_EQ_STR(ESC("a\xbf" "b", 0), "a\\xbfb");
	CHECK_EQ_STR(ESC("\xc3\xa9\xa9", 0), "\xc3\xa9\\xa9");
	/* Latin-1 text */
	CHECK_EQ_STR(ESC("caf\xe9", 0), "caf\\xe9");
}

TEST(escape_truncated_utf8)
{
	CHECK_EQ_STR(ESC("a\xc3", 0), "a\\xc3");
	CHECK_EQ_STR(ESC("a\xe2\x82", 0), "a\\xe2\\x82");
	CHECK_EQ_STR(ESC("\xf0\x9f\x98", 0), "\\xf0\\x9f\\x98");
	CHECK_EQ_STR(ESC("\xf0\x9f", 0), "\\xf0\\x9f");
	CHECK_EQ_STR(ESC("\xf0", 0), "\\xf0");
	/* cut short by a non-continuation byte: resume at that byte */
	CHECK_EQ_STR(ESC("\xe2\x82" "A", 0), "\\xe2\\x82A");
	CHECK_EQ_STR(ESC("\xe2\xc3\xa9", 0), "\\xe2\xc3\xa9");
	CHECK_EQ_STR(ESC("\xf0\x9f\x98\xf0\x9f\x98\x80", 0), "\\xf0\\x9f\\x98\xf0\x9f\x98\x80");
	CHECK_EQ_STR(ESC("\xc3\n", 0), "\\xc3\\n");
	/* len ends inside a character that continues in memory */
	CHECK_EQ_STR(esc_check("\xe2\x82\xac", 2, 0), "\\xe2\\x82");
}

/* Runs util_escape into a heap buffer of exactly cap bytes, so ASan flags
 * any write past cap, and returns the result in esc_buf. */
static size_t esc_cap(const char *src, size_t len, size_t cap, unsigned flags)
{
	char *dst = malloc(cap ? cap : 1);
	size_t n;

	if (!dst)
		abort();
	dst[0] = 'Z';
	n = util_escape(dst, cap, src, len, flags);
	if (cap) {
		memcpy(esc_buf, dst, cap < sizeof(esc_buf) ? cap : sizeof(esc_buf));
	} else {
		esc_buf[0] = dst[0];
		esc_buf[1] = '\0';
	}
	free(dst);
	return n;
}

TEST(escape_capacity)
{
	/* cap 0: nothing written at all */
	CHECK_EQ_UINT(esc_cap("abc", 3, 0, 0), 0);
	CHECK_EQ_STR(esc_buf, "Z");
	CHECK_EQ_UINT(esc_cap("abc", 3, 1, 0), 0);
	CHECK_EQ_STR(esc_buf, "");
	/* exact fit, one short */
	CHECK_EQ_UINT(esc_cap("abc", 3, 4, 0), 3);
	CHECK_EQ_STR(esc_buf, "abc");
	CHECK_EQ_UINT(esc_cap("abc", 3, 3, 0), 2);
	CHECK_EQ_STR(esc_buf, "ab");
	CHECK_EQ_UINT(esc_cap("\n", 1, 3, 0), 2);
	CHECK_EQ_STR(esc_buf, "\\n");
	CHECK_EQ_UINT(esc_cap("\n", 1, 2, 0), 0);
	CHECK_EQ_STR(esc_buf, "");
	CHECK_EQ_UINT(esc_cap("\x01", 1, 5, 0), 4);
	CHECK_EQ_STR(esc_buf, "\\x01");
	for (size_t cap = 1; cap < 5; cap++) {
		CHECK_EQ_UINT(esc_cap("\x01", 1, cap, 0), 0);
		CHECK_EQ_STR(esc_buf, "");
	}
	CHECK_EQ_UINT(esc_cap("a\x01", 2, 5, 0), 1);
	CHECK_EQ_STR(esc_buf, "a");
	CHECK_EQ_UINT(esc_cap("a\x01", 2, 6, 0), 5);
	CHECK_EQ_STR(esc_buf, "a\\x01");
	/* stop at the first unit that does not fit, even if a later one would */
	CHECK_EQ_UINT(esc_cap("\x01z", 2, 4, 0), 0);
	CHECK_EQ_STR(esc_buf, "");
	CHECK_EQ_UINT(esc_cap("ab\"c", 4, 4, 0), 2);
	CHECK_EQ_STR(esc_buf, "ab");
	/* a UTF-8 character is never split */
	CHECK_EQ_UINT(esc_cap("a\xf0\x9f\x98\x80", 5, 6, 0), 5);
	CHECK_EQ_STR(esc_buf, "a\xf0\x9f\x98\x80");
	for (size_t cap = 2; cap < 6; cap++) {
		CHECK_EQ_UINT(esc_cap("a\xf0\x9f\x98\x80", 5, cap, 0), 1);
		CHECK_EQ_STR(esc_buf, "a");
	}
	CHECK_EQ_UINT(esc_cap("\xc3\xa9", 2, 2, 0), 0);
	CHECK_EQ_STR(esc_buf, "");
	/* nor is an escaped C1 control (one character, two escapes) */
	CHECK_EQ_UINT(esc_cap("\xc2\x9b", 2, 9, 0), 8);
	CHECK_EQ_STR(esc_buf, "\\xc2\\x9b");
	CHECK_EQ_UINT(esc_cap("\xc2\x9b", 2, 8, 0), 0);
	CHECK_EQ_STR(esc_buf, "");
	CHECK_EQ_UINT(esc_cap("\xc2\x9b", 2, 5, 0), 0);
	CHECK_EQ_STR(esc_buf, "");
	/* invalid bytes are separate units */
	CHECK_EQ_UINT(esc_cap("\xc0\xaf", 2, 5, 0), 4);
	CHECK_EQ_STR(esc_buf, "\\xc0");
}

TEST(escape_invisible_format_characters)
{
	/* "Trojan Source": rtl<RLO>txt.exe would display as rtlexe.txt */
	CHECK_EQ_STR(ESC("rtl\xe2\x80\xaetxt.exe", 0), "rtl\\u202etxt.exe");
	CHECK_EQ_STR(ESC("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0),
		     "\\u202a\\u202b\\u202c\\u202d");                      /* embeddings, PDF, LRO */
	CHECK_EQ_STR(ESC("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", 0),
		     "\\u2066\\u2067\\u2068\\u2069");                      /* isolates */
	CHECK_EQ_STR(ESC("a\xe2\x80\x8b" "b\xe2\x80\x8c" "c\xe2\x80\x8d" "d\xe2\x80\x8e" "e\xe2\x80\x8f", 0),
		     "a\\u200bb\\u200cc\\u200dd\\u200ee\\u200f");         /* zero-width, LRM, RLM */
	CHECK_EQ_STR(ESC("\xef\xbb\xbfx", 0), "\\ufeffx");                 /* BOM */
	CHECK_EQ_STR(ESC("\xc2\xad\xd8\x9c\xe1\xa0\x8e", 0), "\\u00ad\\u061c\\u180e");
	CHECK_EQ_STR(ESC("\xe2\x80\xa8\xe2\x80\xa9", 0), "\\u2028\\u2029"); /* LS, PS */
	CHECK_EQ_STR(ESC("\xe2\x81\xa0\xe2\x81\xa4\xe2\x81\xaa\xe2\x81\xaf", 0),
		     "\\u2060\\u2064\\u206a\\u206f");
	CHECK_EQ_STR(ESC("\xef\xbf\xb9\xef\xbf\xbb", 0), "\\ufff9\\ufffb");
	CHECK_EQ_STR(ESC("\xf3\xa0\x80\x81\xf3\xa0\x80\xa0\xf3\xa0\x81\xbf", 0),
		     "\\U000e0001\\U000e0020\\U000e007f");                    /* tags */
	/* their neighbours stay as they are */
	CHECK_EQ_STR(ESC("\xe2\x80\x8a\xe2\x80\x90\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5", 0),
		     "\xe2\x80\x8a\xe2\x80\x90\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5");
	CHECK_EQ_STR(ESC("\xef\xbb\xbe\xef\xbf\xbc\xf3\xa0\x80\x80\xf3\xa0\x82\x80", 0),
		     "\xef\xbb\xbe\xef\xbf\xbc\xf3\xa0\x80\x80\xf3\xa0\x82\x80");
	/* a unit is never cut: \u202e needs 6 bytes and the NUL */
	CHECK_EQ_UINT(esc_cap("a\xe2\x80\xae", 4, 8, 0), 7);
	CHECK_EQ_STR(esc_buf, "a\\u202e");
	CHECK_EQ_UINT(esc_cap("a\xe2\x80\xae", 4, 7, 0), 1);
	CHECK_EQ_STR(esc_buf, "a");
}

TEST(escape_worst_case_fits_4n_plus_1)
{
	char in[64];

	memset(in, 0x01, sizeof(in));
	CHECK_EQ_UINT(esc_cap(in, sizeof(in), 4 * sizeof(in) + 1, 0), 4 * sizeof(in));
	memset(in, 0xff, sizeof(in));
	CHECK_EQ_UINT(esc_cap(in, sizeof(in), 4 * sizeof(in) + 1, 0), 4 * sizeof(in));
	CHECK_EQ_UINT(esc_cap(in, sizeof(in), 4 * sizeof(in), 0), 4 * sizeof(in) - 4);
	memset(in, ' ', sizeof(in));
	CHECK_EQ_UINT(esc_cap(in, sizeof(in), 4 * sizeof(in) + 1, UTIL_ESC_SPACE),
		      4 * sizeof(in));
	for (size_t i = 0; i + 1 < sizeof(in); i += 2)
		memcpy(in + i, "\xc2\x85", 2);
	CHECK_EQ_UINT(esc_cap(in, sizeof(in), 4 * sizeof(in) + 1, 0), 4 * sizeof(in));
	CHECK_EQ_UINT(esc_cap(NULL, 0, 1, 0), 0);
}

/*
 * Reference checks for the property test, written independently of util.c:
 * decode a code point arithmetically and judge it by value.
 */
static size_t ref_utf8(const unsigned char *s, size_t avail, uint32_t *cp)
{
	size_t n;
	uint32_t v, min;

	if (s[0] < 0x80)
		n = 1, v = s[0], min = 0;
	else if ((s[0] & 0xe0) == 0xc0)
		n = 2, v = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, v = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, v = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Checks that esc (n bytes) is safe to display and decodes it into raw.
 * Returns the decoded length, or -1 if esc contains a raw control, a raw
 * C1 character, invalid UTF-8, an unknown escape or upper-case hex.
 */
static long ref_unescape(const char *esc, size_t n, unsigned char *raw)
{
	const unsigned char *e = (const unsigned char *)esc;
	size_t i = 0, o = 0;

	while (i < n) {
		uint32_t cp;
		size_t k;

		if (e[i] == '\\') {
			if (i + 1 >= n)
				return -1;
			switch (e[i + 1]) {
			case '\\': raw[o++] = '\\'; i += 2; continue;
			case '"': raw[o++] = '"'; i += 2; continue;
			case 'n': raw[o++] = '\n'; i += 2; continue;
			case 't': raw[o++] = '\t'; i += 2; continue;
			case 'r': raw[o++] = '\r'; i += 2; continue;
			case 'x':
				if (i + 3 >= n || hexval(e[i + 2]) < 0 || hexval(e[i + 3]) < 0)
					return -1;
				raw[o++] = (unsigned char)(hexval(e[i + 2]) << 4 | hexval(e[i + 3]));
				i += 4;
				continue;
			default:
				return -1;
			}
		}
		if (e[i] == '"')
			return -1;
		k = ref_utf8(e + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
			return -1;
		memcpy(raw + o, e + i, k);
		o += k;
		i += k;
	}
	return (long)o;
}

TEST(escape_roundtrip_random)
{
	static const char *const pieces[] = {
		"a", "Z", " ", "\\", "\"", "\n", "\x1b", "\x7f", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xc2\x9b", "\xc0", "\x80", "\xed\xa0", "\xf4\x90",
		"\xe2\x82", "\xf0\x9f", "\xff", "x",
	};
	unsigned char in[200], raw[200];
	char out[4 * sizeof(in) + 1];
	uint32_t seed = 12345;

	for (int iter = 0; iter < 3000; iter++) {
		size_t len = 0, n;
		long back;

		/* half the inputs are random bytes, half random pieces */
		seed = seed * 1103515245u + 12345u;
		size_t want = (seed >> 16) % 60;
		while (len < want) {
			seed = seed * 1103515245u + 12345u;
			if (iter & 1) {
				in[len++] = (unsigned char)(seed >> 16);
			} else {
				const char *p = pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))];
				size_t pl = strlen(p);

				if (len + pl > sizeof(in))
					break;
				memcpy(in + len, p, pl);
				len += pl;
			}
		}
		n = util_escape(out, 4 * len + 1, (const char *)in, len, 0);
		CHECK(n <= 4 * len);
		CHECK_EQ_UINT(strlen(out), n);
		back = ref_unescape(out, n, raw);
		CHECK_EQ_INT(back, (long)len);
		CHECK_EQ_MEM(raw, in, len);
	}
}

/* ---- util_now_ns -------------------------------------------------------- */

TEST(now_ns)
{
	struct timespec ts;
	uint64_t a, b, ref;

	a = util_now_ns(CLOCK_MONOTONIC);
	CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
	b = util_now_ns(CLOCK_MONOTONIC);
	ref = (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
	CHECK(a > 0);
	CHECK(a <= ref);
	CHECK(ref <= b);
	/* after 2020-01-01 */
	CHECK(util_now_ns(CLOCK_REALTIME) > 1577836800ULL * NS);
	CHECK_EQ_UINT(util_now_ns((clockid_t)1000), 0);
}

/* ---- util_comm_words ---------------------------------------------------- */

TEST(comm_words_every_length_ignores_bytes_after_the_nul)
{
	for (size_t n = 0; n <= 16; n++) {
		char comm[17];
		uint64_t w[2], want[2] = { 0, 0 };

		/* the name, then garbage after its NUL (kernels before strscpy_pad) */
		memset(comm, 0x5a, sizeof(comm));
		for (size_t i = 0; i < n; i++)
			comm[i] = (char)(i == 3 ? 0x80 : 'a' + (int)i);
		comm[n] = '\0';
		memcpy(want, comm, n);
		CHECK_EQ_UINT(util_comm_words(comm, w), n);
		CHECK(w[0] == want[0]);
		CHECK(w[1] == want[1]);
	}
}

/* ---- util_mem_eq, util_escape_used -------------------------------------- */

TEST(mem_eq_every_length_and_position)
{
	/* equal buffers at every length up to past the memcmp hand-over, then
	 * one byte changed at every position: only the change makes a
	 * difference, wherever it falls among the word loads */
	unsigned char a[80], b[80];

	for (size_t i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (unsigned char)(i * 37 + 11);
	for (size_t n = 0; n <= sizeof(a); n++) {
		CHECK(util_mem_eq(a, b, n));
		for (size_t at = 0; at < n; at++) {
			b[at] ^= 0x40;
			CHECK(!util_mem_eq(a, b, n));
			CHECK(util_mem_eq(a, b, at)); /* the prefix before it */
			b[at] ^= 0x40;
		}
	}
}

TEST(escape_used_says_how_much_fit)
{
	static const struct {
		const char *in;
		size_t cap;
		unsigned flags;
		const char *out; /* what is written */
		size_t used;     /* of in */
	} cases[] = {
		/* plain, fits with its NUL: all of it, by the whole-string path */
		{ "/etc/passwd", 12, 0, "/etc/passwd", 11 },
		/* one byte short: cut, and says where */
		{ "/etc/passwd", 11, 0, "/etc/passw", 10 },
		/* an escape that does not fit is left out whole */
		{ "ab\"c", 4, 0, "ab", 2 },
		{ "ab\"c", 6, 0, "ab\\\"c", 4 },
		/* a short string takes the padded-word path only when plain */
		{ "a b", 8, UTIL_ESC_SPACE, "a\\x20b", 3 },
		{ "abc", 8, 0, "abc", 3 },
	};
	char out[64];
	size_t used = 99;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].in);

		CHECK_EQ_UINT(util_escape_used(out, cases[i].cap, cases[i].in, len, cases[i].flags,
					       &used), strlen(cases[i].out));
		CHECK_EQ_UINT(used, cases[i].used);
		CHECK_EQ_STR(out, cases[i].out);
	}
	CHECK_EQ_UINT(util_escape_used(out, 0, "abc", 3, 0, &used), 0);
	CHECK_EQ_UINT(used, 0);
}
