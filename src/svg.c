// SPDX-License-Identifier: GPL-2.0
/*
 * SVG flamegraphs. The folded stacks are merged into a tree (one node per
 * distinct frame under a given parent, found through a hash map of
 * (parent, name)), children are ordered by name, and the tree is drawn
 * root at the bottom, each node as wide as its share of the total.
 */
#include <errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svg.h"
#include "util.h"

#define DEFAULT_TITLE "ior flamegraph"
#define DEFAULT_WIDTH 1200
#define DEFAULT_FRAME_HEIGHT 16
#define DEFAULT_MIN_PX 0.1
#define PAD 10          /* left and right margin */
#define TOP 50          /* title, subtitle, buttons */
#define BOTTOM 30       /* details line */
#define FONT_SIZE 12
#define FONT_WIDTH 0.59 /* average glyph width per font size */
#define FRAME_GAP 1     /* vertical space between frame rows */

struct node {
	struct node *parent;
	struct node **kids;
	size_t nkids;
	size_t kcap;
	uint64_t value;
	size_t len;
	unsigned char kind;   /* enum folded_kind; 0xff for the root */
	char name[];          /* escaped frame name, NUL-terminated */
};

struct tree {
	struct node *root;
	struct node **map;    /* (parent, name) -> node */
	size_t mask;
	size_t nnodes;
	size_t depth;         /* frames in the deepest stack, root not counted */
};

struct draw {
	FILE *out;
	const struct svg_opts *o;
	double scale;         /* pixels per unit of value */
	uint64_t total;
	const char *unit;
	size_t height;
	char *path;           /* the full path of the path frames above */
	size_t plen;
	size_t pcap;
	int err;
};

static uint64_t node_hash(const struct node *parent, const char *name, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull ^ ((uintptr_t)parent * 0x9e3779b97f4a7c15ull);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3ull;
	return h ^ (h >> 31);
}

static struct node *node_new(const char *name, size_t len, unsigned kind)
{
	struct node *n = calloc(1, sizeof(*n) + len + 1);

	if (!n)
		return NULL;
	memcpy(n->name, name, len);
	n->name[len] = '\0';
	n->len = len;
	n->kind = (unsigned char)kind;
	return n;
}

static void node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n);
}

static int map_grow(struct tree *t)
{
	size_t n = (t->mask + 1) * 2;
	struct node **m = calloc(n, sizeof(*m));

	if (!m)
		return -ENOMEM;
	for (size_t i = 0; i <= t->mask; i++) {
		struct node *x = t->map[i];
		size_t j;

		if (!x)
			continue;
		for (j = node_hash(x->parent, x->name, x->len) & (n - 1); m[j]; j = (j + 1) & (n - 1))
			;
		m[j] = x;
	}
	free(t->map);
	t->map = m;
	t->mask = n - 1;
	return 0;
}

/* The child of parent named name[0..len), created if new; NULL on ENOMEM. */
static struct node *child_get(struct tree *t, struct node *parent, const char *name,
			      size_t len, unsigned kind)
{
	uint64_t h = node_hash(parent, name, len);
	struct node *n;
	size_t j;

	for (j = h & t->mask; (n = t->map[j]); j = (j + 1) & t->mask)
		if (n->parent == parent && n->len == len && memcmp(n->name, name, len) == 0)
			return n;
	if ((t->nnodes + 1) * 2 > t->mask + 1) {
		if (map_grow(t))
			return NULL;
		for (j = h & t->mask; t->map[j]; j = (j + 1) & t->mask)
			;
	}
	if (parent->nkids == parent->kcap) {
		size_t cap = parent->kcap ? parent->kcap * 2 : 4;
		struct node **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k)
			return NULL;
		parent->kids = k;
		parent->kcap = cap;
	}
	n = node_new(name, len, kind);
	if (!n)
		return NULL;
	n->parent = parent;
	parent->kids[parent->nkids++] = n;
	t->map[j] = n;
	t->nnodes++;
	return n;
}

static int tree_add(void *ctx, const char *stack, const unsigned char *kinds, size_t nframes,
		    uint64_t value)
{
	struct tree *t = ctx;
	struct node *n = t->root;
	const char *p = stack;

	n->value = util_sat_add(n->value, value);
	for (size_t i = 0; i < nframes; i++) {
		const char *semi = strchr(p, ';');
		size_t len = semi ? (size_t)(semi - p) : strlen(p);

		n = child_get(t, n, p, len, kinds[i]);
		if (!n)
			return -ENOMEM;
		n->value = util_sat_add(n->value, value);
		if (!semi)
			break;
		p = semi + 1;
	}
	if (nframes > t->depth)
		t->depth = nframes;
	return 0;
}

static int kid_cmp(const void *a, const void *b)
{
	const struct node *x = *(const struct node *const *)a;
	const struct node *y = *(const struct node *const *)b;

	return strcmp(x->name, y->name);
}

static void tree_sort(struct node *n)
{
	if (n->nkids > 1)
		qsort(n->kids, n->nkids, sizeof(*n->kids), kid_cmp);
	for (size_t i = 0; i < n->nkids; i++)
		tree_sort(n->kids[i]);
}

/* ---- output --------------------------------------------------------- */

/*
 * Length of the well-formed UTF-8 character at s (at most avail bytes), 0
 * if there is none; *ok says whether XML 1.0 allows it (not C0 controls
 * other than tab and newline, DEL, U+FFFE or U+FFFF).
 */
static size_t utf8_char(const unsigned char *s, size_t avail, bool *ok)
{
	unsigned c = s[0];
	size_t n;
	uint32_t cp, min;

	*ok = true;
	if (c < 0x80) {
		*ok = (c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n';
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, min = 0x80, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, min = 0x800, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, min = 0x10000, cp = c & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*ok = cp != 0xfffe && cp != 0xffff;
	return n;
}

/* Writes s[0..len) as XML text or attribute value: markup characters as
 * entities, each invalid byte and each character XML forbids as U+FFFD. */
static void xml_put(FILE *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		bool ok;
		size_t n = utf8_char(u + i, len - i, &ok);

		if (!n || !ok) {
			fputs("\xef\xbf\xbd", out); /* U+FFFD */
			i += n ? n : 1;
			continue;
		}
		switch (u[i]) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		case '\t':
			fputs("&#9;", out);
			break;
		case '\n':
			fputs("&#10;", out);
			break;
		default:
			fwrite(u + i, 1, n, out);
		}
		i += n;
	}
}

static void xml_puts(FILE *out, const char *s)
{
	xml_put(out, s, strlen(s));
}

/* v with thousands separators. */
static const char *fmt_u64(char *buf, size_t cap, uint64_t v)
{
	char digits[32];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < cap; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* Bytes of the label that fits w pixels: the name, or its start + "..". */
static size_t label_len(const char *name, size_t len, double w, bool *dots)
{
	const unsigned char *u = (const unsigned char *)name;
	size_t fit = (size_t)(w / (FONT_SIZE * FONT_WIDTH)), chars = 0, i = 0, cut = 0;

	*dots = false;
	if (fit < 3)
		return 0;
	while (i < len) {
		bool ok;
		size_t n = utf8_char(u + i, len - i, &ok);

		if (chars == fit - 2)
			cut = i;
		chars++;
		i += n ? n : 1;
	}
	if (chars <= fit)
		return len;
	*dots = true;
	return cut;
}

static void color(const struct node *n, char *buf, size_t cap)
{
	uint64_t h = 0xcbf29ce484222325ull;
	double v1, v2, v3;
	int r, g, b;

	for (size_t i = 0; i < n->len; i++)
		h = (h ^ (unsigned char)n->name[i]) * 0x100000001b3ull;
	v1 = (double)(h & 0xff) / 255;
	v2 = (double)((h >> 8) & 0xff) / 255;
	v3 = (double)((h >> 16) & 0xff) / 255;
	switch (n->kind) {
	case FOLDED_KIND_COMM:
		r = 70 + (int)(60 * v1), g = 130 + (int)(60 * v2), b = 210 + (int)(40 * v3);
		break;
	case FOLDED_KIND_PATH:
		r = 110 + (int)(90 * v1), g = 190 + (int)(50 * v2), b = 60 + (int)(50 * v3);
		break;
	case FOLDED_KIND_SYSCALL:
		r = 215 + (int)(40 * v3), g = 80 + (int)(150 * v1), b = (int)(55 * v2);
		break;
	case FOLDED_KIND_OTHER:
		r = 170 + (int)(40 * v1), g = 140 + (int)(40 * v2), b = 200 + (int)(40 * v3);
		break;
	default:
		r = g = b = 200;
	}
	snprintf(buf, cap, "rgb(%d,%d,%d)", r, g, b);
}

static int path_push(struct draw *d, const char *s, size_t len)
{
	if (d->plen + len + 1 > d->pcap) {
		size_t cap = d->pcap ? d->pcap : 256;
		char *t;

		while (cap < d->plen + len + 1)
			cap *= 2;
		t = realloc(d->path, cap);
		if (!t)
			return -ENOMEM;
		d->path = t;
		d->pcap = cap;
	}
	memcpy(d->path + d->plen, s, len);
	d->plen += len;
	d->path[d->plen] = '\0';
	return 0;
}

static void draw_node(struct draw *d, const struct node *n, size_t depth, double x)
{
	FILE *out = d->out;
	double w = (double)n->value * d->scale;
	double y = (double)d->height - BOTTOM - (double)(depth + 1) * d->o->frame_height;
	size_t saved = d->plen, llen;
	char num[40], fill[32];
	bool dots;

	if (w < d->o->min_frame_px || d->err)
		return;
	if (n->kind == FOLDED_KIND_PATH) {
		if (!n->parent || n->parent->kind != FOLDED_KIND_PATH)
			d->plen = 0;
		if (path_push(d, n->name, n->len)) {
			d->err = -ENOMEM;
			return;
		}
	}
	color(n, fill, sizeof(fill));
	fputs("<g class=\"f\" data-l=\"", out);
	xml_put(out, n->name, n->len);
	fprintf(out, "\" data-c=\"%s\" data-x=\"%.2f\" data-w=\"%.2f\" data-y=\"%.0f\"><title>",
		fill, x, w, y);
	if (n->kind == FOLDED_KIND_PATH)
		xml_put(out, d->path, d->plen);
	else
		xml_put(out, n->name, n->len);
	fprintf(out, " (%s %s, %.2f%%)</title>", fmt_u64(num, sizeof(num), n->value), d->unit,
		100.0 * (double)n->value / (double)d->total);
	fprintf(out, "<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%u\" fill=\"%s\" rx=\"2\" ry=\"2\"/>",
		x, y, w, d->o->frame_height - FRAME_GAP, fill);
	fprintf(out, "<text x=\"%.2f\" y=\"%.1f\">", x + 3, y + d->o->frame_height - 5);
	llen = label_len(n->name, n->len, w, &dots);
	xml_put(out, n->name, llen);
	if (dots)
		fputs("..", out);
	fputs("</text></g>\n", out);

	for (size_t i = 0; i < n->nkids; i++) {
		draw_node(d, n->kids[i], depth + 1, x);
		x += (double)n->kids[i]->value * d->scale;
	}
	if (n->kind == FOLDED_KIND_PATH)
		d->plen = saved;
	if (d->path)
		d->path[d->plen] = '\0';
}

static const char svg_css[] =
	"text { font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n"
	"#title { font-size: 17px; text-anchor: middle; }\n"
	"#subtitle { fill: rgb(90,90,90); text-anchor: middle; }\n"
	"#search, #matched { text-anchor: end; }\n"
	"#search, #unzoom { cursor: pointer; fill: rgb(30,60,160); }\n"
	"g.f text { pointer-events: none; }\n"
	"g.f:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; cursor: pointer; }\n"
	".hide { display: none; }\n"
	".parent { opacity: 0.5; }\n";

static const char svg_js[] =
	"\"use strict\";\n"
	"var svg, frames, details, unzoombtn, searchbtn, matched, searching = null;\n"
	"var W, PAD = " "10" ", FW = 12 * 0.59;\n"
	"function init() {\n"
	"  svg = document.documentElement;\n"
	"  frames = document.getElementById(\"frames\");\n"
	"  details = document.getElementById(\"details\");\n"
	"  unzoombtn = document.getElementById(\"unzoom\");\n"
	"  searchbtn = document.getElementById(\"search\");\n"
	"  matched = document.getElementById(\"matched\");\n"
	"  W = +svg.getAttribute(\"width\");\n"
	"  svg.addEventListener(\"mouseover\", function (e) {\n"
	"    var g = frameOf(e.target);\n"
	"    if (g) details.textContent = g.querySelector(\"title\").textContent;\n"
	"  });\n"
	"  svg.addEventListener(\"mouseout\", function (e) {\n"
	"    if (frameOf(e.target)) details.textContent = \" \";\n"
	"  });\n"
	"  svg.addEventListener(\"click\", function (e) {\n"
	"    var g = frameOf(e.target);\n"
	"    if (g) zoom(g);\n"
	"    else if (e.target === unzoombtn) unzoom();\n"
	"    else if (e.target === searchbtn) searchPrompt();\n"
	"  });\n"
	"  window.addEventListener(\"keydown\", function (e) {\n"
	"    if ((e.ctrlKey && (e.key === \"f\" || e.key === \"F\")) || e.key === \"F3\") {\n"
	"      e.preventDefault();\n"
	"      searchPrompt();\n"
	"    } else if (e.key === \"Escape\") {\n"
	"      unzoom();\n"
	"      resetSearch();\n"
	"    }\n"
	"  });\n"
	"}\n"
	"function frameOf(e) {\n"
	"  for (; e && e !== svg; e = e.parentNode)\n"
	"    if (e.classList && e.classList.contains(\"f\")) return e;\n"
	"  return null;\n"
	"}\n"
	"function num(g, a) { return parseFloat(g.getAttribute(a)); }\n"
	"function fullName(g) {\n"
	"  var t = g.querySelector(\"title\").textContent;\n"
	"  return t.substring(0, t.lastIndexOf(\" (\"));\n"
	"}\n"
	"function place(g, x, w) {\n"
	"  var r = g.querySelector(\"rect\"), t = g.querySelector(\"text\");\n"
	"  var n = g.getAttribute(\"data-l\"), fit = Math.floor(w / FW);\n"
	"  r.setAttribute(\"x\", x.toFixed(2));\n"
	"  r.setAttribute(\"width\", w.toFixed(2));\n"
	"  t.setAttribute(\"x\", (x + 3).toFixed(2));\n"
	"  t.textContent = fit < 3 ? \"\" : n.length > fit ? n.substring(0, fit - 2) + \"..\" : n;\n"
	"}\n"
	"function zoom(node) {\n"
	"  var x0 = num(node, \"data-x\"), w0 = num(node, \"data-w\"), y0 = num(node, \"data-y\");\n"
	"  var ratio = (W - 2 * PAD) / w0, gs = frames.querySelectorAll(\"g.f\"), eps = 0.005;\n"
	"  unzoombtn.classList.remove(\"hide\");\n"
	"  for (var i = 0; i < gs.length; i++) {\n"
	"    var g = gs[i], x = num(g, \"data-x\"), w = num(g, \"data-w\"), y = num(g, \"data-y\");\n"
	"    g.classList.remove(\"hide\");\n"
	"    g.classList.remove(\"parent\");\n"
	"    if (y > y0 && x <= x0 + eps && x + w >= x0 + w0 - eps) {\n"
	"      g.classList.add(\"parent\");\n"
	"      place(g, PAD, W - 2 * PAD);\n"
	"    } else if (y <= y0 && x >= x0 - eps && x + w <= x0 + w0 + eps) {\n"
	"      place(g, PAD + (x - x0) * ratio, w * ratio);\n"
	"    } else {\n"
	"      g.classList.add(\"hide\");\n"
	"    }\n"
	"  }\n"
	"}\n"
	"function unzoom() {\n"
	"  var gs = frames.querySelectorAll(\"g.f\");\n"
	"  unzoombtn.classList.add(\"hide\");\n"
	"  for (var i = 0; i < gs.length; i++) {\n"
	"    gs[i].classList.remove(\"hide\");\n"
	"    gs[i].classList.remove(\"parent\");\n"
	"    place(gs[i], num(gs[i], \"data-x\"), num(gs[i], \"data-w\"));\n"
	"  }\n"
	"}\n"
	"function searchPrompt() {\n"
	"  if (searching !== null) { resetSearch(); return; }\n"
	"  var term = prompt(\"Search frames (regular expression):\", \"\");\n"
	"  if (term) search(term);\n"
	"}\n"
	"function resetSearch() {\n"
	"  var gs = frames.querySelectorAll(\"g.f\");\n"
	"  for (var i = 0; i < gs.length; i++)\n"
	"    gs[i].querySelector(\"rect\").setAttribute(\"fill\", gs[i].getAttribute(\"data-c\"));\n"
	"  matched.textContent = \" \";\n"
	"  searchbtn.textContent = \"Search\";\n"
	"  searching = null;\n"
	"}\n"
	"function search(term) {\n"
	"  var re, gs = frames.querySelectorAll(\"g.f\"), hits = [], sum = 0, end = -1;\n"
	"  try { re = new RegExp(term); } catch (err) { matched.textContent = \"Bad regular expression\"; return; }\n"
	"  for (var i = 0; i < gs.length; i++) {\n"
	"    var hit = re.test(fullName(gs[i]));\n"
	"    gs[i].querySelector(\"rect\").setAttribute(\"fill\", hit ? \"rgb(230,0,230)\" : gs[i].getAttribute(\"data-c\"));\n"
	"    if (hit) hits.push([num(gs[i], \"data-x\"), num(gs[i], \"data-w\")]);\n"
	"  }\n"
	"  hits.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });\n"
	"  for (var j = 0; j < hits.length; j++) {\n"
	"    var e = hits[j][0] + hits[j][1];\n"
	"    if (e <= end) continue;\n"
	"    sum += e - Math.max(end, hits[j][0]);\n"
	"    end = e;\n"
	"  }\n"
	"  searching = term;\n"
	"  searchbtn.textContent = \"Reset Search\";\n"
	"  matched.textContent = \"Matched: \" + (100 * sum / (W - 2 * PAD)).toFixed(2) + \"% (\" + hits.length + \" frames)\";\n"
	"}\n";

static void write_head(struct draw *d, const struct folded *f, const char *title)
{
	const struct folded_spec *spec = folded_spec(f);
	static const char *const fnames[] = { "comm", "pid", "tid", "path", "tracepoint", "flags" };
	unsigned w = d->o->width;
	FILE *out = d->out;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<svg version=\"1.1\" width=\"%u\" height=\"%zu\" viewBox=\"0 0 %u %zu\" "
		"onload=\"init()\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		w, d->height, w, d->height);
	fprintf(out, "<style type=\"text/css\"><![CDATA[\n%s]]></style>\n", svg_css);
	fprintf(out, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n", svg_js);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%zu\" fill=\"rgb(248,248,248)\"/>\n",
		w, d->height);
	fprintf(out, "<text id=\"title\" x=\"%u\" y=\"22\">", w / 2);
	xml_puts(out, title);
	fprintf(out, "</text>\n<text id=\"subtitle\" x=\"%u\" y=\"40\">stacks ", w / 2);
	for (size_t i = 0; i < spec->nfields; i++)
		fprintf(out, "%s%s", i ? ";" : "", fnames[spec->fields[i] % FOLDED_FIELD_COUNT]);
	fprintf(out, ", value %s (%s), total ", folded_metric_name(spec->metric), d->unit);
	{
		char num[40];

		fputs(fmt_u64(num, sizeof(num), d->total), out);
	}
	fputs("</text>\n", out);
	fprintf(out, "<text id=\"unzoom\" class=\"hide\" x=\"%d\" y=\"22\">Reset Zoom</text>\n", PAD);
	fprintf(out, "<text id=\"search\" x=\"%u\" y=\"22\">Search</text>\n", w - PAD);
	fprintf(out, "<text id=\"details\" x=\"%d\" y=\"%zu\"> </text>\n", PAD, d->height - 10);
	fprintf(out, "<text id=\"matched\" x=\"%u\" y=\"%zu\"> </text>\n", w - PAD, d->height - 10);
}

int svg_write(const struct folded *f, const struct svg_opts *opts, FILE *out)
{
	struct svg_opts o = { 0 };
	struct tree t = { 0 };
	struct draw d = { .out = out, .o = &o };
	/* numbers must be written with '.', whatever LC_NUMERIC the caller set */
	locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	locale_t saved = c_locale ? uselocale(c_locale) : (locale_t)0;
	int rc;

	if (opts)
		o = *opts;
	if (!o.title)
		o.title = DEFAULT_TITLE;
	if (o.width < 4 * PAD)
		o.width = DEFAULT_WIDTH;
	if (o.frame_height < 4)
		o.frame_height = DEFAULT_FRAME_HEIGHT;
	if (!(o.min_frame_px > 0))
		o.min_frame_px = DEFAULT_MIN_PX;

	t.root = node_new("all", 3, 0xff);
	t.mask = 1023;
	t.map = calloc(t.mask + 1, sizeof(*t.map));
	if (!t.root || !t.map) {
		rc = -ENOMEM;
		goto cleanup;
	}
	rc = folded_foreach(f, tree_add, &t);
	if (rc)
		goto cleanup;
	tree_sort(t.root);

	d.total = t.root->value;
	d.unit = folded_metric_unit(folded_spec(f)->metric);
	d.height = TOP + (t.depth + 1) * o.frame_height + BOTTOM;
	d.scale = d.total ? (double)(o.width - 2 * PAD) / (double)d.total : 0;
	write_head(&d, f, o.title);
	fputs("<g id=\"frames\">\n", out);
	if (d.total)
		draw_node(&d, t.root, 0, PAD);
	else
		fprintf(out, "<text x=\"%u\" y=\"%u\" text-anchor=\"middle\">No data: every stack has the value 0</text>\n",
			o.width / 2, TOP + o.frame_height);
	fputs("</g>\n</svg>\n", out);
	rc = d.err;
	if (!rc && ferror(out))
		rc = errno ? -errno : -EIO; /* EPIPE: the reader went away */
cleanup:
	free(d.path);
	node_free(t.root);
	free(t.map);
	if (c_locale) {
		uselocale(saved);
		freelocale(c_locale);
	}
	return rc;
}
