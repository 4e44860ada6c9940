/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lexical path arithmetic for ior's user space: joining a path a syscall
 * received to the directory it is relative to, and normalising the result.
 * Purely textual: the file system is never consulted, so symlinks are not
 * followed and "a/.." becomes "" even if a is a symlink.
 */
#ifndef IOR_PATHUTIL_H
#define IOR_PATHUTIL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Normalise in into out (cap bytes, including the NUL): repeated '/' are
 * collapsed, "." components dropped, ".." removes the component before it,
 * a trailing '/' is dropped. At the root ".." stays at the root ("/.." is
 * "/"); a relative path keeps the ".." components it cannot resolve
 * ("a/../.." is ".."). An empty result is "." for a relative path and "/"
 * for an absolute one. Every byte other than '/' and NUL is kept as it is;
 * there is no length limit other than cap. out must not overlap in.
 * Returns the length of out; -ENAMETOOLONG if the result and its NUL do not
 * fit in cap (out is then "" when cap > 0); -EINVAL if in or out is NULL.
 */
int path_normalize(char *out, size_t cap, const char *in);

/*
 * Resolve rel against the directory base into out, normalised as by
 * path_normalize: an absolute rel, or a NULL or empty base, gives
 * normalize(rel) (which stays relative if rel is); otherwise the result is
 * normalize(base + "/" + rel). out must not overlap base or rel.
 * Returns the length of out, or -ENAMETOOLONG / -EINVAL as path_normalize.
 */
int path_join(char *out, size_t cap, const char *base, const char *rel);

/*
 * Place the absolute path under root into out, normalised: root (absolute,
 * normalised, as ior reports directories) + normalize(path), where ".." in
 * path stops at root as the kernel stops it at a chroot. A root of "/" adds
 * nothing. Returns the length of out; -ENAMETOOLONG as path_normalize;
 * -EINVAL if an argument is NULL or path is not absolute.
 */
int path_join_under(char *out, size_t cap, const char *root, const char *path);

/*
 * -path: true when path is dir itself or lies under it, deciding on
 * component boundaries ("/var" holds "/var/log" but not "/variant"). dir
 * is absolute and normalised ("/" holds every absolute path); a path that
 * is not absolute (pipe:[N], a [truncated] path) is under no dir. An
 * unlinked dir's own path, "dir (deleted)", counts as dir. NULL path: false.
 */
bool path_under(const char *path, const char *dir);

#endif /* IOR_PATHUTIL_H */
