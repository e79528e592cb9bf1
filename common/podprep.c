/* pod-prepare's work: resolve (or fetch) every image, reify the pod manifest,
 * then walk embryo -> prepare (locked) -> prepared writing the layout of
 * CONTRACT.md. Any failure removes the pod directory, so nothing is left in
 * prepared. The store stays open (shared lock) until the pod records its
 * trees, so a concurrent gc cannot take a tree from under it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cas.h"
#include "config.h"
#include "file.h"
#include "json.h"
#include "jsonw.h"
#include "podprep-int.h"
#include "xalloc.h"

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

extern char **environ;

/* One image of the pod (an app's or stage1's) once resolved. */
struct prep_image {
	char id[CAS_ID_LEN + 1];
	char *manifest_raw;
	size_t manifest_len;
	struct image_manifest *m;
};

static void prep_image_free(struct prep_image *im)
{
	free(im->manifest_raw);
	if (im->m)
		image_manifest_free(im->m);
	memset(im, 0, sizeof *im);
}

/* The first stage1.d/ JSON file (sorted) naming a stage1 location, in dir. */
static char *stage1_from_config(const char *cfgdir)
{
	_cleanup_free_ char *d = path_join(cfgdir, "stage1.d");
	struct dirent **ents = NULL;
	int n = scandir(d, &ents, NULL, alphasort);
	char *found = NULL;
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		size_t l = strlen(nm);
		if (!found && l > 5 && !strcmp(nm + l - 5, ".json")) {
			_cleanup_free_ char *p = path_join(d, nm);
			char *txt = NULL;
			size_t len;
			struct err e = {0};
			struct json_doc doc = {0};
			if (file_read(p, 1 << 20, &txt, &len, &e) == 0 &&
			    json_parse(&doc, txt, len, &e) == 0 &&
			    json_str_eq(&doc, json_get(&doc, 0, "rktKind"), "stage1"))
				found = json_str(&doc, json_get(&doc, 0, "location"));
			json_free(&doc);
			free(txt);
		}
		free(ents[i]);
	}
	free(ents);
	return found;
}

char *prep_stage1_ref(const struct prep_opts *o, struct err *e)
{
	(void)e;
	if (o->stage1)
		return xstrdup(o->stage1);
	char *c = stage1_from_config(o->paths.local_config);
	if (!c)
		c = stage1_from_config(o->paths.system_config);
	if (c)
		return c;
	if (access(RKT_STAGE1_DEFAULT, R_OK) == 0)
		return xstrdup(RKT_STAGE1_DEFAULT);
	_cleanup_free_ char *dir = prep_exe_dir();
	return xasprintf("%s/../lib/rkt/stage1.aci", dir);
}

/* Write what fd holds, from its start, to out (best effort: a message). */
static void copy_fd_from_start(int fd, int out)
{
	char buf[4096];
	ssize_t n;
	off_t off = 0;
	while ((n = pread(fd, buf, sizeof buf, off)) > 0 && writeall(out, buf, (size_t)n) == 0)
		off += n;
}

/* aci-fetch REF: verify then import; its stdout is the image ID. */
static int fetch_image(const struct prep_opts *o, const char *ref, const char *signature,
		       char id[CAS_ID_LEN + 1], struct err *e)
{
	_cleanup_free_ char *tool = prep_tool_path("aci-fetch");
	_cleanup_free_ char *a_dir = xasprintf("--dir=%s", o->paths.dir);
	_cleanup_free_ char *a_lc = xasprintf("--local-config=%s", o->paths.local_config);
	_cleanup_free_ char *a_sc = xasprintf("--system-config=%s", o->paths.system_config);
	_cleanup_free_ char *a_in =
	    o->insecure ? xasprintf("--insecure-options=%s", o->insecure) : NULL;
	_cleanup_free_ char *a_sig = signature ? xasprintf("--signature=%s", signature) : NULL;
	const char *argv[10];
	int n = 0;
	argv[n++] = "aci-fetch";
	argv[n++] = a_dir;
	argv[n++] = a_lc;
	argv[n++] = a_sc;
	if (a_in)
		argv[n++] = a_in;
	if (a_sig)
		argv[n++] = a_sig;
	argv[n++] = "--";
	argv[n++] = ref;
	argv[n] = NULL;

	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return err_sys(e, "pipe");
	/* --quiet: aci-fetch's stderr (signatures verified, warnings) is held
	 * in a memfd and shown only if it fails, so its errors still reach the
	 * user. A file, not a pipe: nothing reads it while the fetch runs. */
	_cleanup_close_ int qfd = o->quiet ? memfd_create("aci-fetch-stderr", MFD_CLOEXEC) : -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	if (qfd >= 0)
		posix_spawn_file_actions_adddup2(&fa, qfd, 2);
	pid_t pid;
	int r = posix_spawnp(&pid, tool, &fa, NULL, (char **)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (r != 0) {
		close(pfd[0]);
		errno = r;
		return err_sys(e, "%s: cannot run aci-fetch", ref);
	}
	char *out = NULL;
	size_t len = 0;
	struct err re = {0};
	int rr = file_read_fd(pfd[0], 4096, &out, &len, &re);
	close(pfd[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (rr < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		free(out);
		if (qfd >= 0)
			copy_fd_from_start(qfd, 2);
		return err_set(e, "%s: aci-fetch failed (its message is above)", ref);
	}
	while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	/* The ID is the last line (a tool may print progress before it). */
	char *last = strrchr(out, '\n');
	last = last ? last + 1 : out;
	if (!cas_id_valid(last)) {
		free(out);
		return err_set(e, "%s: aci-fetch printed no image ID", ref);
	}
	memcpy(id, last, CAS_ID_LEN + 1);
	free(out);
	return 0;
}

static bool is_file_ref(const char *ref)
{
	struct stat st;
	return strchr(ref, '/') && !strstr(ref, "://") && stat(ref, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

/* The default stage1 from the suite's own lib dir is trusted as the binaries
 * beside it are (rkt does not verify it either) and imported directly. Its ID
 * is remembered in pods/stage1-cache against the file's identity (device,
 * inode, size, mtime), so a warm prepare does not hash it again. */
static int import_trusted(struct cas *c, const struct prep_opts *o, const char *path,
			  char id[CAS_ID_LEN + 1], struct err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, "stage1 image %s", path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return err_sys(e, "stage1 image %s", path);
	}
	_cleanup_free_ char *cache = xasprintf("%s/pods/stage1-cache", o->paths.dir);
	_cleanup_free_ char *key =
	    xasprintf("%llu %llu %lld %lld.%09ld %s", (unsigned long long)st.st_dev,
		      (unsigned long long)st.st_ino, (long long)st.st_size,
		      (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, path);
	char *txt = NULL;
	struct err ig = {0};
	if (file_read(cache, 1 << 16, &txt, NULL, &ig) == 0) {
		/* one line: "<id> <key>" */
		char *sp = strchr(txt, ' '), *nl = strchr(txt, '\n');
		if (sp && nl && (size_t)(sp - txt) == CAS_ID_LEN) {
			*sp = *nl = '\0';
			struct cas_image img;
			if (!strcmp(sp + 1, key) && cas_id_valid(txt) &&
			    cas_image_get(c, txt, &img, &ig) == 0) {
				cas_image_clear(&img);
				memcpy(id, txt, CAS_ID_LEN + 1);
				free(txt);
				close(fd);
				return 0;
			}
		}
		free(txt);
	}
	int r = cas_import_fd(c, fd, path, id, NULL, e);
	close(fd);
	if (r < 0)
		return err_wrap(e, "stage1 image %s", path);
	_cleanup_free_ char *line = xasprintf("%s %s\n", id, key);
	file_write_atomic(cache, line, strlen(line), 0640, &ig); /* a hint only */
	return 0;
}

/* A reference to an image: in the store, else fetched through aci-fetch
 * (a file, a URL, docker://, or a name to discover). */
static int resolve_image(struct cas *c, const struct prep_opts *o, const char *ref,
			 const char *signature, bool trusted_file, struct prep_image *im,
			 struct err *e)
{
	memset(im, 0, sizeof *im);
	if (trusted_file && is_file_ref(ref)) {
		if (import_trusted(c, o, ref, im->id, e) < 0)
			return -1;
	} else if (is_file_ref(ref) || strstr(ref, "://")) {
		if (fetch_image(o, ref, signature, im->id, e) < 0)
			return -1;
	} else if (cas_resolve(c, ref, NULL, 0, im->id, e) < 0) {
		if (!strncmp(ref, "sha512-", 7) || strstr(e->msg, "ambiguous"))
			return -1;
		if (fetch_image(o, ref, signature, im->id, e) < 0)
			return -1;
	}
	if (cas_read_manifest(c, im->id, &im->manifest_raw, &im->manifest_len, e) < 0)
		return err_wrap(e, "image %s", ref);
	struct errlist errs = {0};
	if (image_manifest_parse(im->manifest_raw, im->manifest_len, &im->m, &errs) < 0) {
		err_set(e, "image %s: manifest: %s", ref, errs.n ? errs.items[0] : "invalid");
		errlist_free(&errs);
		return -1;
	}
	errlist_free(&errs);
	cas_touch(c, im->id);
	return 0;
}

static void set_image_ref(struct pod_app *pa, const struct prep_image *im)
{
	free(pa->image.name);
	pa->image.name = xstrdup(im->m->name);
	kvlist_free(&pa->image.labels);
	kvlist_copy(&pa->image.labels, &im->m->labels);
}

/* The manifest from the command line's images and flags. */
static int build_from_flags(struct cas *c, struct prep_opts *o, struct pod_manifest *pm,
			    struct prep_image *ims, struct err *e)
{
	if (prep_add_volumes(pm, o, e) < 0)
		return -1;
	for (size_t i = 0; i < o->napps; i++) {
		struct prep_app *pa = &o->apps[i];
		if (resolve_image(c, o, pa->image, pa->signature, false, &ims[i], e) < 0)
			return -1;
		_cleanup_free_ char *name =
		    pa->name ? xstrdup(pa->name) : prep_default_app_name(ims[i].m->name);
		if (!ac_name_valid(name))
			return err_set(e,
				       "--name %s: not a valid app name (lowercase letters, "
				       "digits and dashes)",
				       name);
		if (pod_manifest_app(pm, name))
			return err_set(e, "two apps named %s: give one --name", name);
		struct app *app = prep_effective_app(ims[i].m, o, pa, e);
		if (!app)
			return -1;
		struct pod_app *papp = pod_manifest_add_app(pm, name, ims[i].id, app);
		app_free(app);
		set_image_ref(papp, &ims[i]);
		papp->read_only_rootfs = pa->has_readonly_rootfs && pa->readonly_rootfs;
		for (size_t k = 0; k < o->nmounts; k++)
			if (prep_add_mount(pm, papp, &o->mounts[k], e) < 0)
				return -1;
		for (size_t k = 0; k < pa->nmounts; k++)
			if (prep_add_mount(pm, papp, &pa->mounts[k], e) < 0)
				return -1;
	}
	return prep_add_ports(pm, o, e);
}

/* --pod-manifest FILE: its images must be in the store; apps without an
 * app object get their image's (the pod file must be reified). */
static int build_from_file(struct cas *c, struct prep_opts *o, struct pod_manifest **pmp,
			   struct prep_image **imsp, struct err *e)
{
	_cleanup_free_ char *txt = NULL;
	size_t len;
	if (file_read(o->pod_manifest, JSON_MAX_SIZE, &txt, &len, e) < 0)
		return err_wrap(e, "--pod-manifest");
	struct errlist errs = {0};
	if (pod_manifest_parse(txt, len, pmp, &errs) < 0) {
		struct buf b = {0};
		for (size_t i = 0; i < errs.n; i++)
			buf_printf(&b, "%s%s", i ? "; " : "", errs.items[i]);
		err_set(e, "%s: %s", o->pod_manifest, b.data ? b.data : "invalid");
		buf_free(&b);
		errlist_free(&errs);
		return -1;
	}
	struct pod_manifest *pm = *pmp;
	if (!pm->n_apps)
		return err_set(e, "%s: the pod has no apps", o->pod_manifest);
	*imsp = xcalloc(pm->n_apps, sizeof **imsp);
	for (size_t i = 0; i < pm->n_apps; i++) {
		struct pod_app *pa = &pm->apps[i];
		if (resolve_image(c, o, pa->image.id, NULL, false, &(*imsp)[i], e) < 0)
			return err_wrap(e, "%s: app %s", o->pod_manifest, pa->name);
		if (!pa->app) {
			pa->app = prep_effective_app((*imsp)[i].m, o, NULL, e);
			if (!pa->app)
				return -1;
		}
		if (!pa->image.name)
			pa->image.name = xstrdup((*imsp)[i].m->name);
	}
	return 0;
}

static bool overlay_usable(const struct prep_opts *o)
{
	if (o->no_overlay)
		return false;
	struct statfs sf;
	if (statfs(o->paths.dir, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC)
		return false; /* an upper dir cannot live on overlayfs */
	char *fs = NULL;
	struct err e = {0};
	if (file_read("/proc/filesystems", 1 << 16, &fs, NULL, &e) < 0)
		return false;
	bool ok = strstr(fs, "\toverlay\n") != NULL;
	free(fs);
	return ok;
}

/* mkdir each component of rel under dirfd (never following symlinks) and
 * return an fd on the last one. */
static int mkdirs_at(int dirfd, const char *rel, mode_t mode, struct err *e)
{
	_cleanup_free_ char *copy = xstrdup(rel);
	char *save = NULL;
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	for (char *c = strtok_r(copy, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		if (mkdirat(fd, c, mode) < 0 && errno != EEXIST) {
			close(fd);
			return err_sys(e, "mkdir %s", rel);
		}
		int nfd = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(fd);
		fd = nfd;
	}
	if (fd < 0)
		return err_sys(e, "open %s", rel);
	return fd;
}

/* A new file in the pod being prepared. No temp file and no fsync: the pod
 * directory is invisible to every other tool until its rename to prepared,
 * which is what makes it appear whole (a kill -9 before that leaves it in
 * prepare, for pod-gc). Each fsync costs milliseconds and prepare is on the
 * start-up path of every pod. */
static int put_file_at(int dirfd, const char *name, const void *data, size_t n, struct err *e)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0)
		return err_sys(e, "%s", name);
	if (writeall(fd, data, n) < 0) {
		err_sys(e, "write %s", name);
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return err_sys(e, "close %s", name);
	return 0;
}

static int write_str_at(int dirfd, const char *name, const char *s, struct err *e)
{
	return put_file_at(dirfd, name, s, strlen(s), e);
}

static char *runtime_json(const struct prep_opts *o, bool overlay)
{
	struct buf b = {0};
	struct jsonw w;
	jsonw_init(&w, &b, 1);
	jsonw_obj_begin(&w);
	jsonw_kstr(&w, "hostname", o->hostname ? o->hostname : "");
	const char *keys[3] = {"dns", "dnsSearch", "dnsOptions"};
	char **lists[3] = {o->dns, o->dns_search, o->dns_opt};
	for (int i = 0; i < 3; i++) {
		jsonw_key(&w, keys[i]);
		jsonw_arr_begin(&w);
		for (char **s = lists[i]; s && *s; s++)
			jsonw_str(&w, *s);
		jsonw_arr_end(&w);
	}
	jsonw_key(&w, "hostsEntries");
	jsonw_arr_begin(&w);
	for (size_t i = 0; i < o->nhosts; i++) {
		jsonw_obj_begin(&w);
		jsonw_kstr(&w, "ip", o->hosts[i].name);
		jsonw_key(&w, "names");
		jsonw_arr_begin(&w);
		_cleanup_free_ char *copy = xstrdup(o->hosts[i].value);
		char *save = NULL;
		for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
			jsonw_str(&w, t);
		jsonw_arr_end(&w);
		jsonw_obj_end(&w);
	}
	jsonw_arr_end(&w);
	jsonw_kbool(&w, "overlay", overlay);
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	jsonw_kstr(&w, "created", ts);
	jsonw_obj_end(&w);
	buf_addc(&b, '\n');
	return buf_steal(&b);
}

/* Render one app into the pod: apps/<name>/{manifest,treeStoreID} and
 * either the overlay records or a copy of the tree. */
static int render_app(struct cas *c, int podfd, const struct pod_app *pa,
		      const struct prep_image *im, bool overlay, struct err *e)
{
	_cleanup_free_ char *key = NULL, *rootfs = NULL;
	_cleanup_free_ char *adir = xasprintf("apps/%s", pa->name);
	_cleanup_free_ char *sdir = xasprintf("stage1/rootfs/opt/stage2/%s/rootfs", pa->name);
	_cleanup_close_ int afd = mkdirs_at(podfd, adir, 0750, e);
	if (afd < 0)
		return -1;
	_cleanup_close_ int rfd = mkdirs_at(podfd, sdir, 0755, e);
	if (rfd < 0)
		return -1;
	if (put_file_at(afd, "manifest", im->manifest_raw, im->manifest_len, e) < 0)
		return err_wrap(e, "app %s", pa->name);
	if (!overlay) {
		/* The copy: the image and its dependencies rendered into the pod
		 * as the tree store renders them (each pathWhitelist applied). */
		if (cas_render_at(c, im->id, rfd, &key, e) < 0)
			return err_wrap(e, "app %s: copy", pa->name);
		return write_str_at(afd, "treeStoreID", key, e);
	}
	if (cas_render(c, im->id, false, &key, &rootfs, e) < 0)
		return err_wrap(e, "app %s: render", pa->name);
	if (write_str_at(afd, "treeStoreID", key, e) < 0)
		return -1;
	if (write_str_at(afd, "lowerdir", rootfs, e) < 0)
		return -1;
	if ((mkdirat(afd, "upper", 0755) < 0 && errno != EEXIST) ||
	    (mkdirat(afd, "work", 0700) < 0 && errno != EEXIST))
		return err_sys(e, "app %s: overlay dirs", pa->name);
	return 0;
}

static int render_stage1(struct cas *c, int podfd, const struct prep_image *s1, struct err *e)
{
	_cleanup_close_ int sfd = mkdirs_at(podfd, "stage1/rootfs", 0755, e);
	if (sfd < 0)
		return -1;
	_cleanup_close_ int s1fd = openat(podfd, "stage1", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s1fd < 0)
		return err_sys(e, "stage1");
	if (put_file_at(s1fd, "manifest", s1->manifest_raw, s1->manifest_len, e) < 0)
		return -1;
	if (cas_extract_at(c, s1->id, sfd, true, false, e) < 0)
		return err_wrap(e, "stage1 image");
	struct stat st;
	if (fstatat(sfd, "init", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
	    !(st.st_mode & 0100))
		return err_set(e, "stage1 image %s has no executable /init", s1->m->name);
	return write_str_at(s1fd, "id", s1->id, e);
}

/* The pod directory, from embryo to prepared. */
static int write_pod(struct cas *c, struct pod_dir *d, struct prep_opts *o, struct pod_manifest *pm,
		     struct prep_image *ims, struct prep_image *s1, char uuid[POD_UUID_LEN + 1],
		     struct err *e)
{
	struct pod p;
	bool overlay = overlay_usable(o);
	char *rt = NULL, *js = NULL;
	if (pod_create_embryo(d, &p, e) < 0)
		return -1;
	if (pod_transition(&p, POD_PREPARE, e) < 0)
		goto fail;
	if (render_stage1(c, p.fd, s1, e) < 0)
		goto fail;
	for (size_t i = 0; i < pm->n_apps; i++)
		if (render_app(c, p.fd, &pm->apps[i], &ims[i], overlay, e) < 0)
			goto fail;
	rt = runtime_json(o, overlay);
	js = pod_manifest_to_json(pm, 1);
	if (write_str_at(p.fd, "runtime.json", rt, e) < 0 || write_str_at(p.fd, "pod", js, e) < 0)
		goto fail;
	if (pod_transition(&p, POD_PREPARED, e) < 0)
		goto fail;
	memcpy(uuid, p.uuid, POD_UUID_LEN + 1);
	pod_close(&p);
	free(rt);
	free(js);
	return 0;
fail:;
	struct err ignored = {0};
	pod_destroy(&p, &ignored);
	free(rt);
	free(js);
	return -1;
}

int prep_pod(struct prep_opts *o, char uuid[POD_UUID_LEN + 1], struct err *e)
{
	struct pod_dir d;
	struct cas c;
	struct pod_manifest *pm = NULL;
	struct prep_image *ims = NULL, s1 = {0};
	size_t nims = 0;
	int r = -1;
	char *s1ref = NULL;
	if (pod_dir_open(&d, o->paths.dir, true, e) < 0)
		return -1;
	if (cas_open(&c, o->paths.dir, CAS_SHARED, e) < 0) {
		pod_dir_close(&d);
		return -1;
	}
	if (o->pod_manifest) {
		if (build_from_file(&c, o, &pm, &ims, e) < 0)
			goto out;
		nims = pm->n_apps;
	} else {
		pm = pod_manifest_new();
		ims = xcalloc(o->napps, sizeof *ims);
		nims = o->napps;
		if (build_from_flags(&c, o, pm, ims, e) < 0)
			goto out;
	}
	if (prep_satisfy_mount_points(pm, e) < 0)
		goto out;
	for (size_t i = 0; i < pm->n_volumes; i++) {
		struct stat st;
		const struct volume *v = &pm->volumes[i];
		if (v->kind == VOLUME_HOST && stat(v->source, &st) < 0) {
			err_sys(e, "volume %s: source %s", v->name, v->source);
			goto out;
		}
	}
	struct errlist errs = {0};
	if (pod_manifest_validate(pm, &errs) < 0) {
		struct buf b = {0};
		for (size_t i = 0; i < errs.n; i++)
			buf_printf(&b, "%s%s", i ? "; " : "", errs.items[i]);
		err_set(e, "pod manifest: %s", b.data ? b.data : "invalid");
		buf_free(&b);
		errlist_free(&errs);
		goto out;
	}
	s1ref = prep_stage1_ref(o, e);
	if (resolve_image(&c, o, s1ref, NULL, !o->stage1, &s1, e) < 0) {
		err_wrap(e, "stage1");
		goto out;
	}
	r = write_pod(&c, &d, o, pm, ims, &s1, uuid, e);
out:
	for (size_t i = 0; i < nims; i++)
		prep_image_free(&ims[i]);
	free(ims);
	prep_image_free(&s1);
	free(s1ref);
	if (pm)
		pod_manifest_free(pm);
	cas_close(&c);
	pod_dir_close(&d);
	return r;
}
