// SPDX-License-Identifier: GPL-2.0
/*
 * Runner for ior's unit tests: owns the list TEST() registers into and the
 * per-test state the CHECK_* functions update. Usage: run [substring] runs
 * the tests whose name contains substring (all without one) and ends with
 * "unit: N passed, N failed, N skipped of N registered" (skipped: left out
 * by the substring); the exit status is 0 only if none failed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define SHOW_MAX 160 /* bytes of a compared value shown in a failure */

static struct harness_test *tests_head;
static struct harness_test **tests_tail = &tests_head;

static const char *current_test;
static unsigned long current_checks;
static bool current_failed;
static unsigned long total_checks;

void harness_register(struct harness_test *t)
{
	t->next = NULL;
	*tests_tail = t;
	tests_tail = &t->next;
}

__attribute__((format(printf, 3, 4)))
static void report(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	current_failed = true;
	printf("FAIL %s: %s:%d: ", current_test, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* Prints bytes quoted, escaped so a failure line stays one line. This is
 * deliberately independent of util_escape, which is under test. */
static void show(FILE *f, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t n = len < SHOW_MAX ? len : SHOW_MAX;

	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			fprintf(f, "\\%c", s[i]);
		else if (s[i] == '\n')
			fputs("\\n", f);
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			fputc(s[i], f);
		else
			fprintf(f, "\\x%02x", s[i]);
	}
	fputc('"', f);
	if (n < len)
		fprintf(f, "...(%zu bytes)", len);
}

bool harness_check(bool ok, const char *file, int line, const char *expr)
{
	current_checks++;
	if (!ok)
		report(file, line, "CHECK(%s) failed", expr);
	return ok;
}

bool harness_check_int(intmax_t got, intmax_t want, const char *file, int line,
		       const char *expr)
{
	current_checks++;
	if (got != want)
		report(file, line, "%s: got %jd, want %jd", expr, got, want);
	return got == want;
}

bool harness_check_uint(uintmax_t got, uintmax_t want, const char *file, int line,
			const char *expr)
{
	current_checks++;
	if (got != want)
		report(file, line, "%s: got %ju, want %ju", expr, got, want);
	return got == want;
}

bool harness_check_str(const char *got, const char *want, const char *file, int line,
		       const char *expr)
{
	current_checks++;
	if (got && want && strcmp(got, want) == 0)
		return true;
	if (!got && !want)
		return true;
	current_failed = true;
	printf("FAIL %s: %s:%d: %s: got ", current_test, file, line, expr);
	if (got)
		show(stdout, got, strlen(got));
	else
		fputs("NULL", stdout);
	fputs(", want ", stdout);
	if (want)
		show(stdout, want, strlen(want));
	else
		fputs("NULL", stdout);
	putchar('\n');
	return false;
}

bool harness_check_mem(const void *got, const void *want, size_t len, const char *file,
		       int line, const char *expr)
{
	const unsigned char *g = got, *w = want;
	size_t at = 0;

	current_checks++;
	while (at < len && g[at] == w[at])
		at++;
	if (at == len)
		return true;
	current_failed = true;
	printf("FAIL %s: %s:%d: %s: differ at byte %zu of %zu: got ", current_test, file,
	       line, expr, at, len);
	show(stdout, g + at, len - at);
	fputs(", want ", stdout);
	show(stdout, w + at, len - at);
	putchar('\n');
	return false;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	unsigned long passed = 0, failed = 0, skipped = 0, registered = 0;

	for (struct harness_test *t = tests_head; t; t = t->next) {
		registered++;
		if (filter && !strstr(t->name, filter)) {
			skipped++;
			continue;
		}
		current_test = t->name;
		current_checks = 0;
		current_failed = false;
		t->fn();
		if (!current_failed && current_checks == 0) {
			current_failed = true;
			printf("FAIL %s: ran no checks\n", current_test);
		}
		total_checks += current_checks;
		if (current_failed)
			failed++;
		else
			passed++;
		fflush(stdout);
	}
	if (filter && passed + failed == 0)
		fprintf(stderr, "unit: no test name contains \"%s\"\n", filter);
	fprintf(stderr, "unit: %lu checks\n", total_checks);
	printf("unit: %lu passed, %lu failed, %lu skipped of %lu registered\n", passed, failed,
	       skipped, registered);
	return failed == 0 && passed > 0 ? 0 : 1;
}
