/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ior's version, named once: -version, the files' metadata and Parquet's
 * created_by all take it from here, with the git commit the binary was
 * built from (version.c, compiled with the commit the Makefile found).
 */
#ifndef IOR_VERSION_H
#define IOR_VERSION_H

#define IOR_VERSION "0.1.0"

/* The commit ior was built from ("3f2a9c1d0b7e", "-dirty" appended when the
 * checkout had changes), or "unknown" when it was not built from a git checkout. */
const char *ior_commit(void);

#endif
