/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ior's unit-test harness. TEST(name) defines a test and registers it, in
 * definition order, through a constructor; main.c runs them. A failed CHECK_*
 * reports file:line with both values and returns from the test, so each
 * failing test prints exactly one line. A test that runs no check fails.
 */
#ifndef IOR_HARNESS_H
#define IOR_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct harness_test {
	const char *name;
	void (*fn)(void);
	struct harness_test *next;
};

/* Adds t to the end of the list main.c runs; t must outlive the run. */
void harness_register(struct harness_test *t);

/* Each counts one check; on failure it reports and returns false. */
bool harness_check(bool ok, const char *file, int line, const char *expr);
bool harness_check_int(intmax_t got, intmax_t want, const char *file, int line,
		       const char *expr);
bool harness_check_uint(uintmax_t got, uintmax_t want, const char *file, int line,
			const char *expr);
bool harness_check_str(const char *got, const char *want, const char *file, int line,
		       const char *expr);
bool harness_check_mem(const void *got, const void *want, size_t len, const char *file,
		       int line, const char *expr);

#define TEST(tname)                                                           \
	static void test_##tname(void);                                       \
	__attribute__((constructor)) static void test_register_##tname(void)  \
	{                                                                     \
		static struct harness_test t = { #tname, test_##tname, NULL };  \
		harness_register(&t);                                         \
	}                                                                     \
	static void test_##tname(void)

#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!harness_check(!!(cond), __FILE__, __LINE__, #cond))      \
			return;                                               \
	} while (0)

#define CHECK_EQ_INT(got, want)                                               \
	do {                                                                  \
		if (!harness_check_int((intmax_t)(got), (intmax_t)(want),     \
				       __FILE__, __LINE__, #got " == " #want)) \
			return;                                               \
	} while (0)

#define CHECK_EQ_UINT(got, want)                                              \
	do {                                                                  \
		if (!harness_check_uint((uintmax_t)(got), (uintmax_t)(want),  \
					__FILE__, __LINE__, #got " == " #want)) \
			return;                                               \
	} while (0)

#define CHECK_EQ_STR(got, want)                                               \
	do {                                                                  \
		if (!harness_check_str((got), (want), __FILE__, __LINE__,     \
				       #got " == " #want))                    \
			return;                                               \
	} while (0)

#define CHECK_EQ_MEM(got, want, len)                                          \
	do {                                                                  \
		if (!harness_check_mem((got), (want), (len), __FILE__,        \
				       __LINE__, #got " == " #want))          \
			return;                                               \
	} while (0)

#endif /* IOR_HARNESS_H */
