/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic traced I/O for --testflames and --testliveflames: a made-up
 * machine (a database, a web server, a backup job copying 40 photos, a
 * shell, and a task whose name and paths hold terminal escapes) as a
 * dashboard source, so the Flame tab can be shown and tested without root
 * or BPF. The static set is always the same events (the tests assert its
 * numbers: FLAMEDEMO_STATIC_EVENTS in all); the live source starts with it
 * and adds a batch every FLAMEDEMO_TICK_MS whose mix drifts over time.
 */
#ifndef IOR_FLAMEDEMO_H
#define IOR_FLAMEDEMO_H

#include <stdbool.h>

#include "event.h"
#include "tui.h"

#define FLAMEDEMO_STATIC_EVENTS 3654u
#define FLAMEDEMO_TICK_MS 200

struct flamedemo;

/* A source of the static set (live false) or of the drifting one. Returns
 * 0 or a negative errno (the live one needs a timerfd). */
int flamedemo_new(bool live, struct flamedemo **out);
/* Frees d (NULL is fine); after tui_run has returned. */
void flamedemo_free(struct flamedemo *d);
/* Fills src (zeroed first) with d's callbacks, kind and label, and opens on the Flame tab. */
void flamedemo_source(struct flamedemo *d, struct tui_source *src);
/* Calls fn with each event of the static set; returns the first non-zero return of fn, or 0. */
int flamedemo_static(ior_event_fn fn, void *ctx);

#endif /* IOR_FLAMEDEMO_H */
