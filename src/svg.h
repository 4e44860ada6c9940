/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A self-contained, interactive SVG flamegraph of a set of folded stacks:
 * embedded CSS and JavaScript only (hover shows a frame's name, value and
 * share; click zooms, "Reset Zoom" or Escape undoes it; "Search" or Ctrl-F
 * highlights the frames matching a regular expression and shows their
 * share). One <g class="f"> element per drawn frame, the root "all"
 * included; frames narrower than min_frame_px are not drawn but still
 * count in their parents' values.
 */
#ifndef IOR_SVG_H
#define IOR_SVG_H

#include <stdio.h>

#include "folded.h"

struct svg_opts {
	const char *title;      /* NULL: "ior flamegraph" */
	unsigned width;         /* pixels; 0: 1200 */
	unsigned frame_height;  /* pixels; 0: 16 */
	double min_frame_px;    /* narrower frames are left out; <= 0: 0.1 */
};

/*
 * Writes the flamegraph of f to out. Frames are colored by kind (comm
 * blue, path green, syscall warm, other purple), the shade a hash of the
 * name, so the same name always gets the same color. Every string is
 * escaped for XML; invalid UTF-8 and control bytes become U+FFFD.
 * opts may be NULL. Returns 0, -ENOMEM, or -EIO if out reports an error.
 */
int svg_write(const struct folded *f, const struct svg_opts *opts, FILE *out);

#endif /* IOR_SVG_H */
