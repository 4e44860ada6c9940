// SPDX-License-Identifier: GPL-2.0
/* The commit behind this build; the Makefile defines IOR_COMMIT for this file alone. */
#include "version.h"

#ifndef IOR_COMMIT
#define IOR_COMMIT "unknown"
#endif

const char *ior_commit(void)
{
	return IOR_COMMIT[0] ? IOR_COMMIT : "unknown";
}
