// SPDX-License-Identifier: GPL-2.0
/*
 * rootview: the same file operations made from another root, for how ior
 * names files seen from a chroot or from another mount namespace. In
 * "chroot" mode the process chroots into DIR/x; in "pivot" mode it enters a
 * new mount namespace and pivot_roots into a tmpfs mounted on DIR/x (as a
 * container does). Either way the new root holds etc/cfile ("cfile\n"),
 * and from it the process makes, in order: openat("/etc/cfile"), a read, a
 * close, openat("/etc/nonexist") (ENOENT), newfstatat("/../etc/cfile"),
 * openat("etc/nonexist2") relative to its working directory "/" (ENOENT),
 * renameat("/etc/cfile", "/etc/moved").
 *
 * Usage: rootview chroot|pivot DIR
 * Exit status: 0 when every call did as described, 2 otherwise, 1 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int make_root(const char *root)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/etc", root);
	if (mkdir(path, 0755))
		return -1;
	snprintf(path, sizeof(path), "%s/etc/cfile", root);
	fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, "cfile\n", 6) != 6 || close(fd))
		return -1;
	return 0;
}

/* The calls made from the new root; 0 when each returned what it should. */
static int script(void)
{
	struct stat st;
	char buf[64];
	long fd, r;

	fd = syscall(SYS_openat, AT_FDCWD, "/etc/cfile", O_RDONLY);
	if (fd < 0 || syscall(SYS_read, fd, buf, sizeof(buf)) != 6 || syscall(SYS_close, fd))
		return -1;
	r = syscall(SYS_openat, AT_FDCWD, "/etc/nonexist", O_RDONLY);
	if (r != -1 || errno != ENOENT)
		return -1;
	if (syscall(SYS_newfstatat, AT_FDCWD, "/../etc/cfile", &st, 0))
		return -1;
	r = syscall(SYS_openat, AT_FDCWD, "etc/nonexist2", O_RDONLY);
	if (r != -1 || errno != ENOENT)
		return -1;
	return (int)syscall(SYS_renameat, AT_FDCWD, "/etc/cfile", AT_FDCWD, "/etc/moved");
}

int main(int argc, char **argv)
{
	char root[PATH_MAX - 8], old[PATH_MAX];

	if (argc != 3 || argv[2][0] != '/' ||
	    (strcmp(argv[1], "chroot") != 0 && strcmp(argv[1], "pivot") != 0)) {
		fprintf(stderr, "usage: rootview chroot|pivot DIR\n");
		return 1;
	}
	snprintf(root, sizeof(root), "%s/x", argv[2]);
	if (mkdir(root, 0755))
		return 2;
	if (strcmp(argv[1], "chroot") == 0) {
		if (make_root(root) || chroot(root) || chdir("/"))
			return 2;
		return script() ? 2 : 0;
	}
	/* a container's way in: private mounts, a new root, the old one gone */
	snprintf(old, sizeof(old), "%s/old", root);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", root, "tmpfs", 0, "size=1m") || make_root(root) || mkdir(old, 0755) ||
	    chdir(root) || syscall(SYS_pivot_root, ".", "old") || umount2("/old", MNT_DETACH) ||
	    chdir("/"))
		return 2;
	return script() ? 2 : 0;
}
