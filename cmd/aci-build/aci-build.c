/* aci-build: DIR (manifest + rootfs/) -> ACI, the same bytes for the same DIR. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aci.h"
#include "err.h"
#include "file.h"
#include "manifest.h"
#include "opt.h"
#include "tarwrite.h"
#include "xalloc.h"

#define USAGE                                                                                      \
	"aci-build [--compression=gzip|bzip2|xz|none] [--mtime=SECONDS] [--owner-root]\n"          \
	"                 [--overwrite] DIR OUT.aci|-\n"

static const char *HELP =
    "usage: " USAGE "Build an App Container Image from DIR, which holds `manifest` and `rootfs/`.\n"
    "\n"
    "  --compression=ALG   gzip (default, level 6), bzip2, xz or none\n"
    "  --mtime=SECONDS     every entry gets this mtime (seconds since the epoch,\n"
    "                      @SECONDS, or YYYY-MM-DDTHH:MM:SSZ); default\n"
    "                      $SOURCE_DATE_EPOCH if set, else each file's own\n"
    "  --owner-root        store uid and gid 0 and no user or group names\n"
    "  --overwrite         replace OUT if it exists\n"
    "  -h, --help          this help\n"
    "\n"
    "OUT is written to a temporary file beside it and renamed when complete;\n"
    "`-` writes the ACI to stdout.\n";

enum { OPT_COMPRESSION = 256, OPT_MTIME, OPT_OWNER_ROOT, OPT_OVERWRITE };

static const struct option longopts[] = {
    {"compression", required_argument, NULL, OPT_COMPRESSION},
    {"mtime", required_argument, NULL, OPT_MTIME},
    {"owner-root", optional_argument, NULL, OPT_OWNER_ROOT},
    {"overwrite", optional_argument, NULL, OPT_OVERWRITE},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* The temp file to remove if we are interrupted. */
static int tmp_dirfd = -1;
static char tmp_name[128];

static void on_signal(int sig)
{
	if (tmp_name[0])
		unlinkat(tmp_dirfd, tmp_name, 0);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void remove_tmp(void)
{
	if (tmp_name[0])
		unlinkat(tmp_dirfd, tmp_name, 0);
	tmp_name[0] = '\0';
}

/* "1700000000", "@1700000000" or "2023-11-14T22:13:20Z". */
static int parse_time(const char *s, long long *out)
{
	char *end;
	if (*s == '@')
		s++;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end != s && !*end && !errno && v >= 0) {
		*out = v;
		return 0;
	}
	struct tm tm = {0};
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end)
		return -1;
	*out = (long long)timegm(&tm);
	return *out < 0 ? -1 : 0;
}

/* DIR/manifest must be a valid image manifest and DIR/rootfs a directory;
 * every problem is printed. */
static int check_dir(int dirfd, const char *dir)
{
	struct stat st;
	struct err e = {0};
	int bad = 0;
	if (fstatat(dirfd, "rootfs", &st, AT_SYMLINK_NOFOLLOW) < 0)
		warn_("%s/rootfs", dir), bad = 1;
	else if (!S_ISDIR(st.st_mode))
		warnx_("%s/rootfs: not a directory", dir), bad = 1;
	if (fstatat(dirfd, "manifest", &st, AT_SYMLINK_NOFOLLOW) < 0) {
		warn_("%s/manifest", dir);
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		warnx_("%s/manifest: not a regular file", dir);
		return 1;
	}
	_cleanup_free_ char *json = NULL;
	size_t len;
	if (file_read_at(dirfd, "manifest", ACI_MANIFEST_MAX, &json, &len, &e) < 0) {
		warnx_("%s/%s", dir, e.msg);
		return 1;
	}
	struct errlist errs = {0};
	struct image_manifest *m = NULL;
	if (image_manifest_parse(json, len, &m, &errs) < 0) {
		for (size_t i = 0; i < errs.n; i++)
			warnx_("%s/manifest: %s", dir, errs.items[i]);
		bad = 1;
	}
	errlist_free(&errs);
	image_manifest_free(m);
	return bad;
}

/* Refuse an OUT whose directory lies inside DIR/rootfs: the archive would
 * hold its own temp file. */
static void check_not_inside(int dirfd, int outdirfd, const char *out)
{
	struct stat root, st, up;
	if (fstatat(dirfd, "rootfs", &root, 0) < 0)
		return;
	int fd = fcntl(outdirfd, F_DUPFD_CLOEXEC, 3);
	while (fd >= 0 && fstat(fd, &st) == 0) {
		if (st.st_dev == root.st_dev && st.st_ino == root.st_ino)
			die("%s: inside the rootfs being archived", out);
		int parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = parent;
		if (fd < 0 ||
		    (fstat(fd, &up) == 0 && up.st_dev == st.st_dev && up.st_ino == st.st_ino))
			break; /* reached / */
	}
	if (fd >= 0)
		close(fd);
}

static int build(int dirfd, int outfd, const struct tarw_opts *o, struct err *e)
{
	struct tarw *w = tarw_open(outfd, o, e);
	if (!w)
		return -1;
	if (tarw_add_tree(w, dirfd, "manifest", "manifest", e) < 0 ||
	    tarw_add_tree(w, dirfd, "rootfs", "rootfs", e) < 0) {
		tarw_abort(w);
		return -1;
	}
	return tarw_close(w, e);
}

int main(int argc, char **argv)
{
	struct tarw_opts o = {.compression = TARW_GZIP};
	bool overwrite = false;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	int c;
	prog_init(argv[0]);
	if (sde && *sde) {
		if (parse_time(sde, &o.mtime) < 0)
			die("SOURCE_DATE_EPOCH: not a time: %s", sde);
		o.pin_mtime = true;
	}
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_COMPRESSION:
			if ((c = tarw_compression_parse(optarg)) < 0) {
				warnx_("--compression: unknown: %s (gzip, bzip2, xz, none)",
				       optarg);
				die_usage(USAGE);
			}
			o.compression = (enum tarw_compression)c;
			break;
		case OPT_MTIME:
			if (parse_time(optarg, &o.mtime) < 0) {
				warnx_("--mtime: not a time: %s", optarg);
				die_usage(USAGE);
			}
			o.pin_mtime = true;
			break;
		case OPT_OWNER_ROOT:
		case OPT_OVERWRITE:
			if (opt_bool(optarg, c == OPT_OVERWRITE ? &overwrite : &o.owner_root) < 0) {
				warnx_("--%s: not a boolean: %s",
				       c == OPT_OVERWRITE ? "overwrite" : "owner-root", optarg);
				die_usage(USAGE);
			}
			break;
		case 'h':
			opt_help(HELP);
		default:
			die_usage(USAGE);
		}
	}
	if (argc - optind != 2)
		die_usage(USAGE);
	const char *dir = argv[optind], *out = argv[optind + 1];

	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		die_sys("%s", dir);
	if (check_dir(dirfd, dir))
		return EXIT_FAIL;

	struct err e = {0};
	if (!strcmp(out, "-")) {
		if (isatty(1))
			die("refusing to write an archive to a terminal");
		if (build(dirfd, 1, &o, &e) < 0)
			die_err(&e);
		return EXIT_OK;
	}

	struct stat st;
	if (fstatat(AT_FDCWD, out, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			die("%s: is a directory", out);
		if (!overwrite)
			die("%s: exists (use --overwrite to replace it)", out);
	}
	const char *slash = strrchr(out, '/');
	_cleanup_free_ char *outdir =
	    slash ? xstrndup(out, (size_t)(slash - out + 1)) : xstrdup(".");
	const char *base = slash ? slash + 1 : out;
	if (!*base)
		die("%s: no file name", out);
	tmp_dirfd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (tmp_dirfd < 0)
		die_sys("%s", outdir);
	check_not_inside(dirfd, tmp_dirfd, out);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	int fd = file_tmp_open_at(tmp_dirfd, "aci-build", tmp_name, sizeof tmp_name, 0644, &e);
	if (fd < 0)
		die("%s: %s", out, e.msg);
	if (build(dirfd, fd, &o, &e) < 0) {
		remove_tmp();
		die_err(&e);
	}
	if (fsync(fd) < 0) {
		remove_tmp();
		die_sys("%s: fsync", out);
	}
	/* without --overwrite, an OUT that appeared meanwhile is not replaced */
	if (renameat2(tmp_dirfd, tmp_name, tmp_dirfd, base, overwrite ? 0 : RENAME_NOREPLACE) < 0) {
		int saved = errno;
		remove_tmp();
		errno = saved;
		if (errno == EEXIST)
			die("%s: exists (use --overwrite to replace it)", out);
		die_sys("%s", out);
	}
	tmp_name[0] = '\0';
	fsync(tmp_dirfd);
	close(fd);
	return EXIT_OK;
}
