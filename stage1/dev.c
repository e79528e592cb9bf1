/* A minimal /dev for an app (OS-SPEC.md): a tmpfs with the safe character
 * devices, a private devpts instance, /dev/shm and the usual links. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "stage1.h"

static const struct {
	const char *name;
	unsigned maj, min;
} devices[] = {
    {"null", 1, 3},
    {"zero", 1, 5},
    {"full", 1, 7},
    {"random", 1, 8},
    {"urandom", 1, 9},
    {"tty", 5, 0},
    /* The console is the null device unless the app is interactive (then
     * its terminal is bound over it): never the host's console. */
    {"console", 1, 3},
};

static const struct {
	const char *name, *target;
} links[] = {
    {"ptmx", "pts/ptmx"},
    {"fd", "/proc/self/fd"},
    {"stdin", "/proc/self/fd/0"},
};

/* Mount a fresh filesystem on dir (created) inside the directory dfd. */
static int mount_in(int dfd, const char *dir, const char *type, unsigned long flags,
		    const char *data, struct err *e)
{
	if (mkdirat(dfd, dir, 0755) < 0 && errno != EEXIST)
		return err_sys(e, "mkdir /dev/%s", dir);
	int fd = openat(dfd, dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "/dev/%s", dir);
	int r = mount_fd(type, fd, type, flags, data);
	close(fd);
	return r < 0 ? err_sys(e, "mount %s on /dev/%s", type, dir) : 0;
}

int s1_setup_dev(struct s1_pod *pod, int rootfd, struct err *e)
{
	(void)pod;
	int fd = root_mkdir_p(rootfd, "/dev", e);
	if (fd < 0)
		return -1;
	int r = mount_fd("tmpfs", fd, "tmpfs", MS_NOSUID | MS_NOEXEC | MS_STRICTATIME,
			 "mode=755,size=65536k");
	close(fd);
	if (r < 0)
		return err_sys(e, "mount tmpfs on /dev");
	int dev = root_open(rootfd, "/dev", O_PATH | O_DIRECTORY, 0);
	if (dev < 0)
		return err_sys(e, "/dev");
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		if (mknodat(dev, devices[i].name, S_IFCHR | 0666,
			    makedev(devices[i].maj, devices[i].min)) < 0) {
			err_sys(e, "mknod /dev/%s", devices[i].name);
			goto fail;
		}
	}
	if (mount_in(dev, "pts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620,gid=5", e) < 0 ||
	    mount_in(dev, "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=1777", e) <
		0)
		goto fail;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if (symlinkat(links[i].target, dev, links[i].name) < 0) {
			err_sys(e, "symlink /dev/%s", links[i].name);
			goto fail;
		}
	}
	return dev; /* made read-only once volumes are mounted */
fail:
	close(dev);
	return -1;
}
