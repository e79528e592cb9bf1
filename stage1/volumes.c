/* Volumes (spec/ace.md "Volume Setup", pods.md): host volumes bind-mounted
 * (recursive unless asked otherwise, read-only honoured before the mount is
 * visible), empty volumes made once under the pod's volumes/<name> and
 * shared by every app that mounts them. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "stage1.h"
#include "xalloc.h"

int s1_prepare_empty_volumes(struct s1_pod *pod, struct err *e)
{
	bool any = false;
	for (size_t i = 0; i < pod->nvolumes; i++)
		any |= pod->volumes[i].kind == S1_VOL_EMPTY;
	for (size_t a = 0; a < pod->napps && !any; a++)
		for (size_t m = 0; m < pod->apps[a].nmounts; m++)
			any |= pod->apps[a].mounts[m].appvol &&
			       pod->apps[a].mounts[m].appvol->kind == S1_VOL_EMPTY;
	if (!any)
		return 0;
	if (mkdirat(pod->podfd, "volumes", 0750) < 0 && errno != EEXIST)
		return err_sys(e, "mkdir volumes");
	int vfd = openat(pod->podfd, "volumes", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (vfd < 0)
		return err_sys(e, "volumes");
	for (size_t i = 0; i < pod->nvolumes; i++) {
		struct s1_volume *v = &pod->volumes[i];
		if (v->kind != S1_VOL_EMPTY)
			continue;
		if ((mkdirat(vfd, v->name, v->mode) < 0 && errno != EEXIST) ||
		    fchmodat(vfd, v->name, v->mode, 0) < 0 ||
		    fchownat(vfd, v->name, v->uid, v->gid, AT_SYMLINK_NOFOLLOW) < 0) {
			err_sys(e, "volume %s: volumes/%s", v->name, v->name);
			close(vfd);
			return -1;
		}
	}
	close(vfd);
	return 0;
}

static struct s1_volume *find_volume(struct s1_pod *pod, const char *name)
{
	for (size_t i = 0; i < pod->nvolumes; i++)
		if (!strcmp(pod->volumes[i].name, name))
			return &pod->volumes[i];
	return NULL;
}

/* Open a host volume's source refusing any symlink on the way (ace.md). */
static int open_source(const char *src, struct err *e)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS};
	if (src[0] != '/')
		return err_set(e, "source \"%s\": not an absolute path", src);
	int fd = (int)syscall(SYS_openat2, AT_FDCWD, src, &how, sizeof(how));
	if (fd < 0 && errno == ELOOP)
		return err_set(e, "source %s: a symbolic link is in the path", src);
	if (fd < 0)
		return err_sys(e, "source %s", src);
	return fd;
}

/* Is a below b (or the same), component-wise? */
static bool path_within(const char *a, const char *b)
{
	while (*a == '/')
		a++;
	while (*b == '/')
		b++;
	size_t n = strlen(b);
	while (n && b[n - 1] == '/')
		n--;
	if (n == 0)
		return true;
	return !strncmp(a, b, n) && (a[n] == '\0' || a[n] == '/');
}

int s1_setup_volumes(struct s1_pod *pod, struct s1_app *app, int rootfd, struct err *e)
{
	for (size_t i = 0; i < app->nmounts; i++)
		for (size_t j = 0; j < i; j++)
			if (path_within(app->mounts[i].path, app->mounts[j].path) ||
			    path_within(app->mounts[j].path, app->mounts[i].path))
				return err_set(e, "app %s: mounts %s and %s overlap", app->name,
					       app->mounts[j].path, app->mounts[i].path);

	for (size_t i = 0; i < app->nmounts; i++) {
		struct s1_mount *m = &app->mounts[i];
		struct s1_volume *v = m->appvol ? m->appvol : find_volume(pod, m->volume);
		int sfd, tfd;
		struct stat st;
		if (!v)
			return err_set(e, "app %s: mount %s: no volume named \"%s\"", app->name,
				       m->path, m->volume);
		if (v->kind == S1_VOL_HOST) {
			sfd = open_source(v->source, e);
		} else {
			_cleanup_free_ char *p = xasprintf("volumes/%s", v->name);
			sfd = openat(pod->podfd, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sfd < 0)
				err_sys(e, "%s", p);
		}
		if (sfd < 0)
			return err_wrap(e, "app %s: volume %s", app->name, v->name);
		if (fstat(sfd, &st) < 0) {
			close(sfd);
			return err_sys(e, "app %s: volume %s", app->name, v->name);
		}
		tfd = root_mktarget(rootfd, m->path, S_ISDIR(st.st_mode), e);
		if (tfd < 0) {
			close(sfd);
			return err_wrap(e, "app %s: mount %s", app->name, m->path);
		}
		bool rec = v->kind == S1_VOL_HOST ? v->recursive : false;
		int r = bind_fd(sfd, v->kind == S1_VOL_HOST ? v->source : v->name, tfd, rec,
				v->readonly || m->readonly, e);
		close(sfd);
		close(tfd);
		if (r < 0)
			return err_wrap(e, "app %s: volume %s on %s", app->name, v->name, m->path);
		s1_dbg("app %s: volume %s on %s%s", app->name, v->name, m->path,
		       v->readonly || m->readonly ? " (read-only)" : "");
	}
	return 0;
}
