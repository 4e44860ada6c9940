// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for svg.c: the document is well-formed XML (a small checker
 * here: balanced tags, quoted attributes, entities only where allowed,
 * valid UTF-8 without control bytes), one <g class="f"> per distinct
 * frame, stable colors per name, narrow frames left out, hostile names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "folded.h"
#include "harness.h"
#include "svg.h"
#include "syscalls.h"

/* ---- a tiny well-formedness checker --------------------------------- */

static bool valid_utf8_no_controls(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		unsigned c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 4, cp = c & 0x07;
		else
			return false;
		if (i + n > len)
			return false;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
			return false;
		i += n;
	}
	return true;
}

/* At s: '&' must start one of the entities svg.c writes. */
static size_t entity_len(const char *s)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&#39;", "&#9;", "&#10;" };

	for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++)
		if (strncmp(s, ents[i], strlen(ents[i])) == 0)
			return strlen(ents[i]);
	return 0;
}

static bool attr_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == ':';
}

/* Returns NULL if doc is well-formed, else what is wrong. */
static const char *xml_check(const char *doc)
{
	const char *stack[64];
	size_t depth = 0, nroots = 0;
	const char *p = doc;

	if (!valid_utf8_no_controls((const unsigned char *)doc, strlen(doc)))
		return "bad byte";
	if (strncmp(p, "<?xml ", 6) != 0)
		return "no declaration";
	p = strstr(p, "?>");
	if (!p)
		return "unterminated declaration";
	p += 2;
	while (*p) {
		if (*p != '<') {
			if (*p == '>')
				return "raw > in text";
			if (*p == '&') {
				size_t n = entity_len(p);

				if (!n)
					return "bare & in text";
				p += n;
				continue;
			}
			if (depth == 0 && *p != '\n' && *p != ' ')
				return "text outside the root";
			p++;
			continue;
		}
		if (strncmp(p, "<![CDATA[", 9) == 0) {
			if (depth == 0)
				return "CDATA outside the root";
			p = strstr(p, "]]>");
			if (!p)
				return "unterminated CDATA";
			p += 3;
			continue;
		}
		if (p[1] == '/') {
			size_t n = strcspn(p + 2, ">");

			if (!depth || strncmp(p + 2, stack[depth - 1], n) != 0 ||
			    (stack[depth - 1][n] != ' ' && stack[depth - 1][n] != '>' &&
			     stack[depth - 1][n] != '/'))
				return "mismatched end tag";
			depth--;
			p += 2 + n + 1;
			continue;
		}
		/* a start tag: name, then attributes name="value" */
		const char *name = ++p;
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return "bad tag name";
		while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-')
			p++;
		for (;;) {
			while (*p == ' ')
				p++;
			if (*p == '>' || (p[0] == '/' && p[1] == '>'))
				break;
			if (!attr_char(*p))
				return "bad attribute name";
			while (attr_char(*p))
				p++;
			if (p[0] != '=' || p[1] != '"')
				return "unquoted attribute";
			p += 2;
			while (*p && *p != '"') {
				if (*p == '<')
					return "< in attribute";
				if (*p == '&') {
					size_t n = entity_len(p);

					if (!n)
						return "bare & in attribute";
					p += n;
					continue;
				}
				p++;
			}
			if (!*p)
				return "unterminated attribute";
			p++;
		}
		if (*p == '/') {
			p += 2;
			if (depth == 0)
				nroots++;
			continue;
		}
		p++;
		if (depth == 0)
			nroots++;
		if (depth == 64)
			return "too deep";
		stack[depth++] = name;
	}
	if (depth)
		return "unclosed element";
	if (nroots != 1)
		return "not exactly one root";
	return NULL;
}

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;

	for (s = strstr(s, what); s; s = strstr(s + 1, what))
		n++;
	return n;
}

/* ---- fixtures ------------------------------------------------------- */

static void add(struct agg *agg, const char *comm, const char *path, int sc, uint64_t dur)
{
	struct ior_event ev = { .sc = sc, .duration_ns = dur, .pid = 1, .tid = 1 };

	snprintf(ev.comm, sizeof(ev.comm), "%s", comm);
	ev.path = path;
	if (agg_add(agg, &ev))
		abort();
}

/* The SVG of agg with the default fields and metric; caller frees. */
static char *render(const struct agg *agg, const char *metric, const struct svg_opts *o)
{
	struct folded_spec spec;
	struct folded *f;
	char *text = NULL, err[256];
	size_t len = 0;
	FILE *out;
	int rc;

	folded_spec_default(&spec);
	if (metric && folded_parse_count(metric, &spec, err, sizeof(err)))
		return NULL;
	f = folded_new(&spec);
	out = open_memstream(&text, &len);
	if (!f || !out)
		abort();
	rc = agg_foreach(agg, folded_entry, f);
	if (!rc)
		rc = svg_write(f, o, out);
	fclose(out);
	folded_free(f);
	if (rc) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- tests ---------------------------------------------------------- */

TEST(svg_one_group_per_distinct_frame)
{
	struct agg *agg = agg_new(0);
	char *svg;

	CHECK(agg);
	add(agg, "cat", "/etc/passwd", IOR_SC_openat, 100);
	add(agg, "cat", "/etc/passwd", IOR_SC_read, 50);
	add(agg, "cat", "/etc/group", IOR_SC_read, 50);
	add(agg, "ls", "/usr/lib/x", IOR_SC_read, 30);
	add(agg, "ls", NULL, IOR_SC_sync, 1000);
	svg = render(agg, "duration", NULL);
	CHECK(svg);
	CHECK(xml_check(svg) == NULL);
	/* all; cat, /etc/, passwd, openat, read, group, read; ls, /usr/, lib/,
	 * x, read, [no path], sync */
	CHECK_EQ_UINT(count_of(svg, "<g class=\"f\""), 15);
	CHECK_EQ_UINT(count_of(svg, "<rect "), 16); /* + the background */
	CHECK(strstr(svg, "<title>all (1,230 ns, 100.00%)</title>"));
	CHECK(strstr(svg, "<title>/etc/passwd (150 ns, 12.20%)</title>"));
	CHECK(strstr(svg, "<title>/usr/lib/ (30 ns, 2.44%)</title>"));
	CHECK(strstr(svg, "width=\"1200\""));
	CHECK(strstr(svg, "<script type=\"text/ecmascript\"><![CDATA["));
	CHECK(!strstr(svg, "href")); /* nothing external */
	free(svg);
	agg_free(agg);
}

/* The fill of the frame whose data-l is name (the n-th such frame). */
static void fill_of(const char *svg, const char *name, int nth, char *out, size_t cap)
{
	char key[128];
	const char *p = svg;

	snprintf(key, sizeof(key), "data-l=\"%s\" data-c=\"", name);
	out[0] = '\0';
	for (int i = 0; i <= nth && p; i++) {
		p = strstr(p, key);
		if (p && i < nth)
			p++;
	}
	if (p) {
		p += strlen(key);
		snprintf(out, cap, "%.*s", (int)strcspn(p, "\""), p);
	}
}

TEST(svg_colors_stable_per_name_and_kind)
{
	struct agg *agg = agg_new(0);
	char *a, *b, c1[32], c2[32], c3[32];

	CHECK(agg);
	add(agg, "cat", "/a", IOR_SC_read, 10);
	add(agg, "dd", "/b", IOR_SC_read, 10);
	add(agg, "read", "/read", IOR_SC_write, 10);
	a = render(agg, NULL, NULL);
	b = render(agg, NULL, NULL);
	CHECK(a && b);
	CHECK_EQ_STR(a, b); /* deterministic output */
	fill_of(a, "read", 0, c2, sizeof(c2));  /* syscall under cat */
	fill_of(a, "read", 1, c3, sizeof(c3));  /* syscall under dd */
	fill_of(a, "read", 2, c1, sizeof(c1));  /* the comm "read" */
	CHECK(c1[0] && c2[0] && c3[0]);
	CHECK_EQ_STR(c2, c3);
	CHECK(strcmp(c1, c2) != 0);             /* same name, other kind */
	free(a);
	free(b);
	agg_free(agg);
}

TEST(svg_hostile_names_stay_well_formed)
{
	struct agg *agg = agg_new(0);
	struct svg_opts o = { .title = "t<i>&\"tle\" \xff\x01 \xef\xbf\xbe" };
	char *svg;

	CHECK(agg);
	add(agg, "<&>\"'", "/x/<script>/]]>/\xff\xfe", IOR_SC_read, 5);
	add(agg, "\xc3\xa9t\xc3\xa9", "/y/a\x01\x02;b", IOR_SC_read, 5);
	svg = render(agg, NULL, &o);
	CHECK(svg);
	/* the checker refuses each defect these names would cause unescaped,
	 * so its passing the SVG below means they were escaped */
	CHECK(xml_check("<?xml version=\"1.0\"?>\n<a><b x=\"1\"/>t&amp;</a>\n") == NULL);
	CHECK(xml_check("<?xml version=\"1.0\"?>\n<a><b></a>") != NULL);
	CHECK(xml_check("<?xml version=\"1.0\"?>\n<a>x & y</a>") != NULL);
	CHECK(xml_check("<?xml version=\"1.0\"?>\n<a t=\"<\"></a>") != NULL);
	CHECK(xml_check("<?xml version=\"1.0\"?>\n<a>\x01</a>") != NULL);
	CHECK(xml_check("<?xml version=\"1.0\"?>\n<a>\xff</a>") != NULL);
	CHECK(xml_check("<?xml version=\"1.0\"?>\n<a></a><b></b>") != NULL);
	CHECK(xml_check(svg) == NULL);
	CHECK(strstr(svg, "data-l=\"&lt;&amp;&gt;&quot;&#39;\""));
	CHECK(strstr(svg, ">t&lt;i&gt;&amp;&quot;tle&quot; \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd</text>"));
	CHECK(strstr(svg, "\xc3\xa9t\xc3\xa9"));
	CHECK_EQ_UINT(count_of(svg, "]]>"), 2); /* the style's and the script's */
	free(svg);
	agg_free(agg);
}

TEST(svg_narrow_frames_left_out_but_counted)
{
	struct agg *agg = agg_new(0);
	char path[32], *svg;

	CHECK(agg);
	add(agg, "big", "/big", IOR_SC_read, 1000000);
	for (int i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "/small/%d", i);
		add(agg, "tiny", path, IOR_SC_read, 1);
	}
	svg = render(agg, "duration", NULL);
	CHECK(svg);
	CHECK(xml_check(svg) == NULL);
	/* all, big, /big, read; tiny and /small/ (50 ns ~ 0.06 px) are too
	 * narrow too at 0.1 px, but their time is in "all" */
	CHECK(strstr(svg, "<title>all (1,000,050 ns, 100.00%)</title>"));
	CHECK_EQ_UINT(count_of(svg, "<g class=\"f\""), 4);
	free(svg);

	struct svg_opts o = { .min_frame_px = 0.00001 };
	svg = render(agg, "duration", &o);
	CHECK(svg);
	/* + tiny, /small/, 50 files, 50 reads */
	CHECK_EQ_UINT(count_of(svg, "<g class=\"f\""), 4 + 2 + 100);
	free(svg);
	agg_free(agg);
}

TEST(svg_empty_and_options)
{
	struct agg *agg = agg_new(0);
	struct svg_opts o = { .width = 600, .frame_height = 20 };
	char *svg;

	CHECK(agg);
	svg = render(agg, NULL, NULL);
	CHECK(svg);
	CHECK(xml_check(svg) == NULL);
	CHECK_EQ_UINT(count_of(svg, "<g class=\"f\""), 0);
	CHECK(strstr(svg, "No data"));
	free(svg);

	add(agg, "a", "/f", IOR_SC_read, 3);
	svg = render(agg, "bytes", NULL); /* every value 0 */
	CHECK(svg);
	CHECK_EQ_UINT(count_of(svg, "<g class=\"f\""), 0);
	free(svg);

	svg = render(agg, NULL, &o);
	CHECK(svg);
	CHECK(xml_check(svg) == NULL);
	CHECK(strstr(svg, "width=\"600\" height=\"160\""));
	CHECK(strstr(svg, "height=\"19\""));
	CHECK_EQ_UINT(count_of(svg, "<g class=\"f\""), 4);
	free(svg);
	agg_free(agg);
}
