/* The appc schema types (spec/types.md, spec/ace.md) and their validation.
 *
 * Validators of single values return bool. Validators of structured values
 * append "PATH: reason" lines to a struct errlist and keep going, so a caller
 * reports every problem at once; PATH is the JSON path the caller passes in
 * (e.g. "app.isolators[1]"). */
#ifndef RKT_TYPES_H
#define RKT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct json_doc;

/* ---- small containers -------------------------------------------------- */

/* An ordered list of name/value string pairs: labels, annotations,
 * environment, userAnnotations, userLabels, sysctl entries. */
struct kv {
	char *name, *value;
};
struct kvlist {
	struct kv *v;
	size_t n;
};
/* Append a copy of name/value (duplicates allowed: validation reports them). */
void kvlist_add(struct kvlist *l, const char *name, const char *value);
/* Replace the value of name if present, else append. */
void kvlist_set(struct kvlist *l, const char *name, const char *value);
/* Value of the first entry called name, or NULL. */
const char *kvlist_get(const struct kvlist *l, const char *name);
/* Remove every entry called name; returns how many. */
size_t kvlist_del(struct kvlist *l, const char *name);
void kvlist_copy(struct kvlist *dst, const struct kvlist *src);
bool kvlist_eq(const struct kvlist *a, const struct kvlist *b);
void kvlist_free(struct kvlist *l);

/* An ordered list of strings. */
struct strlist {
	char **v;
	size_t n;
};
void strlist_add(struct strlist *l, const char *s);
void strlist_copy(struct strlist *dst, const struct strlist *src);
bool strlist_eq(const struct strlist *a, const struct strlist *b);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

/* ---- names and identifiers --------------------------------------------- */

/* AC Identifier: ^[a-z0-9]+([-._~/][a-z0-9]+)*$ (image names, label names,
 * isolator names, annotation names). */
bool ac_identifier_valid(const char *s);
/* AC Name: ^[a-z0-9]+([-][a-z0-9]+)*$ (app, volume, port, mount point names). */
bool ac_name_valid(const char *s);
/* AC Kind: non-empty, ASCII letters and digits only. */
bool ac_kind_valid(const char *s);
/* Strict SemVer 2.0.0: MAJOR.MINOR.PATCH without leading zeros, optional
 * -prerelease (dot-separated, numeric parts without leading zeros) and
 * +build metadata. */
bool semver_valid(const char *s);
/* Compare two valid SemVer strings by precedence (-1, 0, 1). */
int semver_cmp(const char *a, const char *b);

/* A full image ID: "sha512-" followed by 128 lowercase hex digits. */
bool image_id_valid(const char *s);
/* A short image reference: "sha512-" followed by 1..128 lowercase hex
 * digits. Bare hex (no "sha512-") is NOT accepted, as in rkt, where it would
 * be taken for an image name. */
bool image_id_prefix_valid(const char *s);

/* An environment variable name: letters, digits, '_', '.', '-', not empty
 * and not starting with a digit. */
bool env_name_valid(const char *s);
/* An absolute path: starts with '/'. */
bool abs_path_valid(const char *s);
/* RFC 3339 date-time (spec/types.md "Timestamps"), with the "T". */
bool rfc3339_valid(const char *s);
/* A URL with scheme http or https and a non-empty host. */
bool http_url_valid(const char *s);
/* IPv4 dotted quad "a.b.c.d", each 0..255 without leading zeros. */
bool ipv4_valid(const char *s);

/* ---- labels, os/arch, annotations -------------------------------------- */

/* Whether os is a known appc OS and, if arch is not NULL, arch one of its
 * architectures (appc's types.ValidOSArch):
 * linux: amd64 i386 aarch64 aarch64_be armv6l armv7l armv7b ppc64 ppc64le s390x;
 * freebsd: amd64 i386 arm; darwin: x86_64 i386. */
bool os_arch_valid(const char *os, const char *arch);
/* The architectures listed for os, space-separated ("" if os is unknown). */
const char *os_arches(const char *os);
/* appc arch name for a uname(2) machine ("x86_64" -> "amd64", "i686" ->
 * "i386", "aarch64" -> "aarch64", "armv7l" -> "armv7l", ...); NULL if none. */
const char *appc_arch_from_machine(const char *machine);
/* The host's appc os ("linux") and arch; -1 if the machine is unknown. */
int host_os_arch(const char **os, const char **arch);

/* Label rules: names AC identifiers, unique, not "name"; if "os" is present it
 * must be a known OS and "arch" (if present) one of its arches. field is the
 * JSON path of the list ("labels", "dependencies[0].labels"). */
void labels_validate(const struct kvlist *l, const char *field, struct errlist *errs);
/* Annotation rules: names AC identifiers and unique; "created" an RFC 3339
 * timestamp; "homepage" and "documentation" http(s) URLs. */
void annotations_validate(const struct kvlist *l, const char *field, struct errlist *errs);

/* ---- resource quantities ----------------------------------------------- */

/* A resource quantity (spec/ace.md "Resource Isolators"): a non-negative
 * decimal ("2", "0.3", "1.5") with an optional suffix: "m" (milli), metric
 * k/K M G T P E (10^3..10^18), binary Ki Mi Gi Ti Pi Ei (2^10..2^60), or an
 * exponent "e3"/"E3". No floating point is used.
 * quantity_parse gives the value in base units, rounded up ("1.5" -> 2,
 * "123Mi" -> 128974848); quantity_parse_milli the value in thousandths
 * ("250m" -> 250, "0.3" -> 300, "2" -> 2000). -1 on syntax or overflow. */
int quantity_parse(const char *s, int64_t *out);
int quantity_parse_milli(const char *s, int64_t *out);

/* ---- isolators ---------------------------------------------------------- */

enum isolator_kind {
	ISO_OTHER = 0, /* an unknown (but well-formed) isolator name */
	ISO_CPU,
	ISO_MEMORY,
	ISO_BLOCK_BANDWIDTH,
	ISO_BLOCK_IOPS,
	ISO_NETWORK_BANDWIDTH,
	ISO_CAPS_RETAIN,
	ISO_CAPS_REMOVE,
	ISO_NO_NEW_PRIVILEGES,
	ISO_SECCOMP_RETAIN,
	ISO_SECCOMP_REMOVE,
	ISO_SELINUX_CONTEXT,
	ISO_APPARMOR_PROFILE,
	ISO_SYSCTL,
};

/* The isolator names, as appc spells them. */
#define ISO_NAME_CPU "resource/cpu"
#define ISO_NAME_MEMORY "resource/memory"
#define ISO_NAME_BLOCK_BANDWIDTH "resource/block-bandwidth"
#define ISO_NAME_BLOCK_IOPS "resource/block-iops"
#define ISO_NAME_NETWORK_BANDWIDTH "resource/network-bandwidth"
#define ISO_NAME_CAPS_RETAIN "os/linux/capabilities-retain-set"
#define ISO_NAME_CAPS_REMOVE "os/linux/capabilities-remove-set"
#define ISO_NAME_NO_NEW_PRIVILEGES "os/linux/no-new-privileges"
#define ISO_NAME_SECCOMP_RETAIN "os/linux/seccomp-retain-set"
#define ISO_NAME_SECCOMP_REMOVE "os/linux/seccomp-remove-set"
#define ISO_NAME_SELINUX_CONTEXT "os/linux/selinux-context"
#define ISO_NAME_APPARMOR_PROFILE "os/linux/apparmor-profile"
#define ISO_NAME_SYSCTL "os/unix/sysctl"

/* An isolator: its name, its value kept as raw compact JSON (written back as
 * is), and the fields parsed from the value for the known kinds. */
struct isolator {
	char *name;
	char *value; /* raw JSON */
	enum isolator_kind kind;
	/* resource isolators: request and limit in base units (bytes, bytes/s, iops);
	 * resource/cpu in milli-cores. request defaults to limit (spec). */
	bool has_request, has_limit, is_default;
	int64_t request, limit;
	/* capabilities (CAP_* names) or syscalls (seccomp) */
	struct strlist set;
	char *errno_name; /* seccomp: NULL or "" = kill with SIGSYS */
	bool no_new_privileges;
	char *selinux_user, *selinux_role, *selinux_type, *selinux_level;
	char *apparmor_profile;
	struct kvlist sysctl;
};

/* The kind for an isolator name (ISO_OTHER if not a known one). */
enum isolator_kind isolator_kind_of(const char *name);
/* Parse isolator object v of d ({"name": ..., "value": ...}) into out,
 * checking its name and (for known kinds) its value; problems go to errs
 * under path. Returns -1 if any problem was found (out is still filled as far
 * as possible and must be freed). */
int isolator_parse(const struct json_doc *d, int v, const char *path, struct isolator *out,
		   struct errlist *errs);
/* The "isolators" array member of object obj (under path) into *out, *n. */
void isolators_parse(const struct json_doc *d, int obj, const char *path, struct isolator **out,
		     size_t *n, struct errlist *errs);
/* Build an isolator from a name and a JSON value text (for command-line
 * flags); checks as isolator_parse. */
int isolator_make(const char *name, const char *value_json, struct isolator *out,
		  struct errlist *errs);
/* Rules across a list of isolators: at most one of each known kind;
 * capabilities retain and remove sets not both; seccomp retain and remove
 * sets not both. field is the list's JSON path. */
void isolators_validate(const struct isolator *iso, size_t n, const char *field,
			struct errlist *errs);
void isolator_copy(struct isolator *dst, const struct isolator *src);
bool isolator_eq(const struct isolator *a, const struct isolator *b);
void isolator_free(struct isolator *iso);

/* Whether s is a Linux capability name known to this suite ("CAP_CHOWN" ...
 * "CAP_CHECKPOINT_RESTORE"); returns its number or -1. */
int capability_from_name(const char *s);
/* An errno name as spec/ace.md wants it: all uppercase letters and digits,
 * starting with 'E'. */
bool errno_name_valid(const char *s);

/* ---- ports --------------------------------------------------------------- */

/* An image manifest port (also a pod manifest's podPort). */
struct port {
	char *name;	/* AC Name */
	char *protocol; /* required, free-form ("tcp", "udp") */
	unsigned port;	/* 1..65535 */
	unsigned count; /* >= 1 (defaults to 1); port + count - 1 <= 65535 */
	bool socket_activated;
};
/* Parse port object v; problems to errs under path; -1 if any. */
int port_parse(const struct json_doc *d, int v, const char *path, struct port *out,
	       struct errlist *errs);
void port_copy(struct port *dst, const struct port *src);
bool port_eq(const struct port *a, const struct port *b);
void port_free(struct port *p);

#endif
