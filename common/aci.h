/* Reading ACIs (appc image archives): one streaming pass over a gzip, bzip2,
 * xz or plain tar that decompresses, hashes the *uncompressed* tar (its
 * SHA-512 is the image ID), optionally copies the uncompressed tar to an fd,
 * checks the archive layout of spec/aci.md and reads the manifest.
 *
 * Two libarchive readers are stacked: a "raw" reader undoes the compression
 * and its blocks are handed, after hashing, to a tar reader through a read
 * callback, so nothing is buffered or read twice.
 *
 * Layout problems do not stop the pass: each is appended to the reader's
 * error list as "ENTRY: reason" and the entry is flagged bad, so a validator
 * can list them all. Read errors (truncated or corrupt data) stop it. */
#ifndef RKT_ACI_H
#define RKT_ACI_H

#include <stdint.h>
#include <sys/types.h>

#include "digest.h"
#include "err.h"

struct archive_entry;

enum {
	ACI_HASH = 1 << 0, /* compute the image ID (SHA-512 of the uncompressed tar) */
	ACI_TAR = 1 << 1,  /* input is an uncompressed tar (the store's blobs): no bidding */
	/* A Docker/OCI layer, not an ACI: every entry is a rootfs path (no
	 * manifest or rootfs/ expected), and hard links may point at files of
	 * lower layers. Used by the docker conversion with extract_aci. */
	ACI_LAYER = 1 << 2,
};

/* The manifest is read into memory; a larger one is a layout error. */
#define ACI_MANIFEST_MAX (4 << 20)
/* Longest entry name (and symlink target) accepted: what fits in PATH_MAX
 * with its NUL. Each component of a name must fit in NAME_MAX. */
#define ACI_NAME_MAX 4095

struct aci_entry {
	struct archive_entry *ae;    /* libarchive's entry: type, mode, owner, times, xattrs */
	const char *path;	     /* cleaned: no "./", no "//", no trailing "/" */
	const char *rootfs_path;     /* path below "rootfs/" ("" for rootfs itself), or NULL */
	const char *hardlink;	     /* cleaned hard link target (whole path), or NULL */
	const char *hardlink_rootfs; /* the target below "rootfs/", or NULL */
	const char *label;	     /* printable form of the raw name, for messages */
	int bad;		     /* failed a layout check (the reason is in the error list) */
};

struct aci_reader;

/* Start reading the archive on fd (not closed by the reader). If tee_fd >= 0,
 * the uncompressed tar is also written to it as it is read. */
int aci_open_fd(int fd, unsigned flags, int tee_fd, struct aci_reader **out, struct err *e);
/* As aci_open_fd when the caller already read head_len bytes of fd (to
 * guess what it is): they are read first. */
int aci_open_fd_head(int fd, const void *head, size_t head_len, unsigned flags, int tee_fd,
		     struct aci_reader **out, struct err *e);
/* Open a path ("-" is stdin). */
int aci_open(const char *path, unsigned flags, struct aci_reader **out, struct err *e);

/* Next entry: 1 and *ent set (valid until the next call), 0 at the end of
 * the archive (everything read and hashed, end-of-archive checks done), -1 on
 * a read error. The manifest entry's data is consumed by the reader: get it
 * with aci_manifest. Unread data of an entry is skipped (and hashed). */
int aci_next(struct aci_reader *r, struct aci_entry **ent, struct err *e);
/* Data of the current entry as libarchive blocks: 1 and a block at file
 * offset *off (gaps are holes of a sparse file), 0 at its end, -1 on error. */
int aci_data_block(struct aci_reader *r, const void **buf, size_t *len, int64_t *off,
		   struct err *e);

/* The layout problems found so far, each "ENTRY: reason". */
const struct errlist *aci_errors(const struct aci_reader *r);
/* The manifest bytes (NUL-terminated), or NULL if not (yet) seen. */
const char *aci_manifest(const struct aci_reader *r, size_t *len);
/* After aci_next returned 0 with ACI_HASH: "sha512-<hex>". */
const char *aci_id(const struct aci_reader *r);
/* Bytes of uncompressed tar read so far. */
uint64_t aci_tar_size(const struct aci_reader *r);
/* The compression found: "gzip", "bzip2", "xz", "none". */
const char *aci_compression(const struct aci_reader *r);
void aci_close(struct aci_reader *r);

/* The whole pass at once, for `cas-store import` and validators. Returns -1
 * on a read error; else 0 with the results in info (info->errors empty when
 * the layout is valid; manifest NULL when missing). */
struct aci_info {
	char id[IMAGE_ID_SIZE]; /* with ACI_HASH */
	char *manifest;
	size_t manifest_len;
	uint64_t tar_size;
	uint64_t entries;
	struct errlist errors;
};
int aci_scan_fd(int fd, unsigned flags, int tee_fd, struct aci_info *info, struct err *e);
void aci_info_free(struct aci_info *info);

/* Path helpers shared with extraction and building. */
/* Clean a tar entry name in place: drop leading "./", repeated and trailing
 * slashes and "." components. "" stays "", "./" becomes ".". */
void aci_path_clean(char *p);
/* Does the cleaned path have a ".." component? */
int aci_path_has_dotdot(const char *p);
/* A printable, bounded copy of a raw name for messages (malloc'd). */
char *aci_label(const char *raw);

#endif
