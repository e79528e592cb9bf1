/* appc schema types: names, versions, IDs, labels, quantities, ports. */
#include "types.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "json.h"
#include "schema.h"
#include "xalloc.h"

/* ---- containers ---------------------------------------------------------- */

void kvlist_add(struct kvlist *l, const char *name, const char *value)
{
	l->v = xgrow(l->v, l->n, sizeof(*l->v));
	l->v[l->n].name = xstrdup(name);
	l->v[l->n].value = xstrdup(value);
	l->n++;
}

void kvlist_set(struct kvlist *l, const char *name, const char *value)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name)) {
			free(l->v[i].value);
			l->v[i].value = xstrdup(value);
			return;
		}
	kvlist_add(l, name, value);
}

const char *kvlist_get(const struct kvlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, name))
			return l->v[i].value;
	return NULL;
}

size_t kvlist_del(struct kvlist *l, const char *name)
{
	size_t j = 0, removed = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (!strcmp(l->v[i].name, name)) {
			free(l->v[i].name);
			free(l->v[i].value);
			removed++;
		} else {
			l->v[j++] = l->v[i];
		}
	}
	l->n = j;
	return removed;
}

void kvlist_copy(struct kvlist *dst, const struct kvlist *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		kvlist_add(dst, src->v[i].name, src->v[i].value);
}

bool kvlist_eq(const struct kvlist *a, const struct kvlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].name, b->v[i].name) || strcmp(a->v[i].value, b->v[i].value))
			return false;
	return true;
}

void kvlist_free(struct kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void strlist_add(struct strlist *l, const char *s)
{
	l->v = xgrow(l->v, l->n, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

void strlist_copy(struct strlist *dst, const struct strlist *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		strlist_add(dst, src->v[i]);
}

bool strlist_eq(const struct strlist *a, const struct strlist *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ---- names ---------------------------------------------------------------- */

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* ^[a-z0-9]+([SEP][a-z0-9]+)*$ */
static bool sep_words(const char *s, const char *seps)
{
	if (!s || !lower_alnum(*s))
		return false;
	for (; *s; s++) {
		if (lower_alnum(*s))
			continue;
		if (!strchr(seps, *s) || !lower_alnum(s[1]))
			return false;
	}
	return true;
}

bool ac_identifier_valid(const char *s)
{
	return sep_words(s, "-._~/");
}
bool ac_name_valid(const char *s)
{
	return sep_words(s, "-");
}

bool ac_kind_valid(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!isascii((unsigned char)*s) || !isalnum((unsigned char)*s))
			return false;
	return true;
}

/* A numeric identifier: digits without a leading zero. Returns its length. */
static size_t numeric_id(const char *s)
{
	size_t n = strspn(s, "0123456789");
	if (n == 0 || (n > 1 && s[0] == '0'))
		return 0;
	return n;
}

/* Dot-separated identifiers of [0-9A-Za-z-]; numeric ones (prerelease only)
 * without leading zeros. Returns bytes consumed, 0 if invalid. */
static size_t dot_ids(const char *s, bool numeric_rule)
{
	const char *p = s;
	for (;;) {
		size_t n = 0;
		bool alldig = true;
		while (isascii((unsigned char)p[n]) &&
		       (isalnum((unsigned char)p[n]) || p[n] == '-')) {
			if (!isdigit((unsigned char)p[n]))
				alldig = false;
			n++;
		}
		if (n == 0)
			return 0;
		if (numeric_rule && alldig && n > 1 && p[0] == '0')
			return 0;
		p += n;
		if (*p != '.')
			return (size_t)(p - s);
		p++;
	}
}

bool semver_valid(const char *s)
{
	if (!s)
		return false;
	for (int i = 0; i < 3; i++) {
		size_t n = numeric_id(s);
		if (!n)
			return false;
		s += n;
		if (i < 2 && *s++ != '.')
			return false;
	}
	if (*s == '-') {
		size_t n = dot_ids(++s, true);
		if (!n)
			return false;
		s += n;
	}
	if (*s == '+') {
		size_t n = dot_ids(++s, false);
		if (!n)
			return false;
		s += n;
	}
	return *s == 0;
}

static int cmp_num(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return an < bn ? -1 : 1;
	int c = memcmp(a, b, an);
	return (c > 0) - (c < 0);
}

int semver_cmp(const char *a, const char *b)
{
	for (int i = 0; i < 3; i++) {
		size_t an = strspn(a, "0123456789"), bn = strspn(b, "0123456789");
		int c = cmp_num(a, an, b, bn);
		if (c)
			return c;
		a += an;
		b += bn;
		if (i < 2)
			a++, b++;
	}
	bool ap = *a == '-', bp = *b == '-';
	if (!ap || !bp)
		return ap == bp ? 0 : ap ? -1 : 1; /* a prerelease sorts first */
	a++, b++;
	for (;;) {
		size_t an = strcspn(a, ".+"), bn = strcspn(b, ".+");
		bool ad = strspn(a, "0123456789") == an, bd = strspn(b, "0123456789") == bn;
		int c;
		if (ad && bd)
			c = cmp_num(a, an, b, bn);
		else if (ad != bd)
			c = ad ? -1 : 1;
		else {
			c = memcmp(a, b, an < bn ? an : bn);
			c = c ? (c > 0) - (c < 0) : (an > bn) - (an < bn);
		}
		if (c)
			return c;
		a += an;
		b += bn;
		bool amore = *a == '.', bmore = *b == '.';
		if (!amore || !bmore)
			return amore == bmore ? 0 : amore ? 1 : -1;
		a++, b++;
	}
}

static bool lower_hex(const char *s, size_t min, size_t max)
{
	size_t n = strspn(s, "0123456789abcdef");
	return s[n] == 0 && n >= min && n <= max;
}

bool image_id_valid(const char *s)
{
	return s && !strncmp(s, "sha512-", 7) && lower_hex(s + 7, 128, 128);
}

bool image_id_prefix_valid(const char *s)
{
	return s && !strncmp(s, "sha512-", 7) && lower_hex(s + 7, 1, 128);
}

bool env_name_valid(const char *s)
{
	if (!s || !*s || isdigit((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!isascii((unsigned char)*s) ||
		    !(isalnum((unsigned char)*s) || *s == '_' || *s == '.' || *s == '-'))
			return false;
	return true;
}

bool abs_path_valid(const char *s)
{
	return s && s[0] == '/';
}

/* n digits at s, value in [lo, hi]; advances *s. */
static bool digits(const char **s, int n, int lo, int hi)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return false;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return v >= lo && v <= hi;
}

bool rfc3339_valid(const char *s)
{
	if (!s)
		return false;
	const char *p = s;
	int year = (int)strtol(p, NULL, 10);
	if (!digits(&p, 4, 0, 9999) || *p++ != '-')
		return false;
	const char *mp = p;
	if (!digits(&p, 2, 1, 12) || *p++ != '-')
		return false;
	int month = (mp[0] - '0') * 10 + (mp[1] - '0');
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int maxd = mdays[month - 1];
	if (month == 2 && !((year % 4 == 0 && year % 100) || year % 400 == 0))
		maxd = 28;
	if (!digits(&p, 2, 1, maxd))
		return false;
	if (*p != 'T' && *p != 't')
		return false;
	p++;
	if (!digits(&p, 2, 0, 23) || *p++ != ':' || !digits(&p, 2, 0, 59) || *p++ != ':' ||
	    !digits(&p, 2, 0, 60))
		return false;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		return p[1] == 0;
	if (*p != '+' && *p != '-')
		return false;
	p++;
	return digits(&p, 2, 0, 23) && *p++ == ':' && digits(&p, 2, 0, 59) && *p == 0;
}

bool http_url_valid(const char *s)
{
	if (!s)
		return false;
	const char *rest;
	if (!strncmp(s, "http://", 7))
		rest = s + 7;
	else if (!strncmp(s, "https://", 8))
		rest = s + 8;
	else
		return false;
	size_t host = strcspn(rest, "/?#");
	if (host == 0)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

bool ipv4_valid(const char *s)
{
	if (!s)
		return false;
	for (int i = 0; i < 4; i++) {
		size_t n = strspn(s, "0123456789");
		if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
			return false;
		if (atoi(s) > 255)
			return false;
		s += n;
		if (i < 3 && *s++ != '.')
			return false;
	}
	return *s == 0;
}

/* ---- os/arch ---------------------------------------------------------- */

static const struct {
	const char *os, *arches;
} os_arch_table[] = {
    {"linux", "amd64 i386 aarch64 aarch64_be armv6l armv7l armv7b ppc64 ppc64le s390x"},
    {"freebsd", "amd64 i386 arm"},
    {"darwin", "x86_64 i386"},
};

const char *os_arches(const char *os)
{
	for (size_t i = 0; i < sizeof(os_arch_table) / sizeof(os_arch_table[0]); i++)
		if (os && !strcmp(os, os_arch_table[i].os))
			return os_arch_table[i].arches;
	return "";
}

static bool word_in(const char *word, const char *list)
{
	size_t n = strlen(word);
	while (*list) {
		size_t l = strcspn(list, " ");
		if (l == n && n && !memcmp(list, word, n))
			return true;
		list += l;
		list += strspn(list, " ");
	}
	return false;
}

bool os_arch_valid(const char *os, const char *arch)
{
	const char *arches = os_arches(os);
	if (!*arches)
		return false;
	return !arch || word_in(arch, arches);
}

const char *appc_arch_from_machine(const char *m)
{
	static const char *const map[][2] = {
	    {"x86_64", "amd64"},    {"amd64", "amd64"},	    {"i386", "i386"},
	    {"i486", "i386"},	    {"i586", "i386"},	    {"i686", "i386"},
	    {"aarch64", "aarch64"}, {"arm64", "aarch64"},   {"aarch64_be", "aarch64_be"},
	    {"armv6l", "armv6l"},   {"armv7l", "armv7l"},   {"armv7b", "armv7b"},
	    {"ppc64", "ppc64"},	    {"ppc64le", "ppc64le"}, {"s390x", "s390x"},
	};
	for (size_t i = 0; m && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(m, map[i][0]))
			return map[i][1];
	return NULL;
}

int host_os_arch(const char **os, const char **arch)
{
	static struct utsname u;
	*os = "linux";
	*arch = NULL;
	if (uname(&u) < 0)
		return -1;
	*arch = appc_arch_from_machine(u.machine);
	return *arch ? 0 : -1;
}

/* ---- labels and annotations -------------------------------------------- */

/* Names must be AC identifiers and unique. */
static void names_validate(const struct kvlist *l, const char *field, const char *what,
			   struct errlist *errs)
{
	_cleanup_free_ bool *dup = SCH_DUPS(l->v, l->n, name);
	for (size_t i = 0; i < l->n; i++) {
		const char *n = l->v[i].name;
		if (!*n)
			continue; /* a missing name was already reported */
		_cleanup_free_ char *q = sch_quote(n);
		if (!ac_identifier_valid(n))
			errlist_add(errs, "%s[%zu].name: %s is not an AC identifier", field, i, q);
		else if (dup[i])
			errlist_add(errs, "%s[%zu].name: duplicate %s %s", field, i, what, q);
	}
}

void labels_validate(const struct kvlist *l, const char *field, struct errlist *errs)
{
	names_validate(l, field, "label", errs);
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].name, "name"))
			errlist_add(errs, "%s[%zu].name: \"name\" cannot be a label name", field,
				    i);
	const char *os = kvlist_get(l, "os"), *arch = kvlist_get(l, "arch");
	if (!os)
		return;
	if (!os_arch_valid(os, NULL)) {
		_cleanup_free_ char *q = sch_quote(os);
		errlist_add(errs, "%s: bad os %s (must be one of: darwin freebsd linux)", field, q);
	} else if (arch && !os_arch_valid(os, arch)) {
		_cleanup_free_ char *q = sch_quote(arch);
		errlist_add(errs, "%s: bad arch %s for %s (must be one of: %s)", field, q, os,
			    os_arches(os));
	}
}

void annotations_validate(const struct kvlist *l, const char *field, struct errlist *errs)
{
	names_validate(l, field, "annotation", errs);
	for (size_t i = 0; i < l->n; i++) {
		const char *n = l->v[i].name, *v = l->v[i].value;
		_cleanup_free_ char *q = sch_quote(v);
		if (!strcmp(n, "created") && !rfc3339_valid(v))
			errlist_add(errs, "%s[%zu].value: %s is not an RFC 3339 timestamp", field,
				    i, q);
		if ((!strcmp(n, "homepage") || !strcmp(n, "documentation")) && !http_url_valid(v))
			errlist_add(errs, "%s[%zu].value: %s is not an http or https URL", field, i,
				    q);
	}
}

/* ---- quantities ------------------------------------------------------- */

/* value = mant * 10^e10 * 2^e2, mant < 10^36. scale: multiply by 10^scale,
 * round up. */
static int quantity(const char *s, int scale, int64_t *out)
{
	if (!s || !*s)
		return -1;
	__int128 mant = 0;
	int e10 = 0, e2 = 0, ndig = 0;
	const char *p = s;
	if (*p == '+')
		p++;
	if (!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1])))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (ndig > 0 || *p != '0')
			ndig++;
		if (ndig > 30)
			return -1;
		mant = mant * 10 + (*p - '0');
	}
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p) && p - 1 == s)
			return -1;
		for (; isdigit((unsigned char)*p); p++) {
			if (ndig > 0 || *p != '0')
				ndig++;
			if (ndig > 30)
				return -1;
			mant = mant * 10 + (*p - '0');
			e10--;
		}
	}
	static const struct {
		const char *suf;
		int e10, e2;
	} sufs[] = {
	    {"", 0, 0},	   {"m", -3, 0},  {"k", 3, 0},	 {"K", 3, 0},	{"M", 6, 0},
	    {"G", 9, 0},   {"T", 12, 0},  {"P", 15, 0},	 {"E", 18, 0},	{"Ki", 0, 10},
	    {"Mi", 0, 20}, {"Gi", 0, 30}, {"Ti", 0, 40}, {"Pi", 0, 50}, {"Ei", 0, 60},
	};
	bool found = false;
	for (size_t i = 0; i < sizeof(sufs) / sizeof(sufs[0]); i++)
		if (!strcmp(p, sufs[i].suf)) {
			e10 += sufs[i].e10;
			e2 += sufs[i].e2;
			found = true;
			break;
		}
	if (!found && (*p == 'e' || *p == 'E') && p[1]) {
		const char *q = p + 1;
		bool neg = *q == '-';
		if (*q == '+' || *q == '-')
			q++;
		if (!isdigit((unsigned char)*q) || strspn(q, "0123456789") != strlen(q) ||
		    strlen(q) > 2)
			return -1;
		int x = atoi(q);
		e10 += neg ? -x : x;
		found = true;
	}
	if (!found)
		return -1;
	e10 += scale;
	const __int128 lim = (__int128)INT64_MAX;
	if (mant == 0) {
		*out = 0;
		return 0;
	}
	for (; e2 > 0; e2--) {
		mant *= 2;
		if (mant >
		    lim * 1000000000000000000LL) /* far beyond; dividing later cannot save it */
			return -1;
	}
	for (; e10 > 0; e10--) {
		mant *= 10;
		if (mant > lim * 1000000000000000000LL)
			return -1;
	}
	if (e10 < 0) {
		__int128 div = 1;
		for (; e10 < 0; e10++) {
			div *= 10;
			if (div > lim * 1000000000000000000LL)
				return mant ? (*out = 1, 0) : (*out = 0, 0);
		}
		mant = (mant + div - 1) / div;
	}
	if (mant > lim)
		return -1;
	*out = (int64_t)mant;
	return 0;
}

int quantity_parse(const char *s, int64_t *out)
{
	return quantity(s, 0, out);
}
int quantity_parse_milli(const char *s, int64_t *out)
{
	return quantity(s, 3, out);
}

/* ---- capabilities and errno --------------------------------------------- */

static const char *const caps[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

int capability_from_name(const char *s)
{
	for (size_t i = 0; s && i < sizeof(caps) / sizeof(caps[0]); i++)
		if (!strcmp(s, caps[i]))
			return (int)i;
	return -1;
}

bool errno_name_valid(const char *s)
{
	if (!s || s[0] != 'E' || !s[1])
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* ---- ports ------------------------------------------------------------ */

int port_parse(const struct json_doc *d, int v, const char *path, struct port *out,
	       struct errlist *errs)
{
	size_t before = errs->n;
	memset(out, 0, sizeof(*out));
	if (!sch_want_object(d, v, path, errs))
		return -1;
	out->name = sch_str(d, v, path, "name", true, errs);
	if (out->name && !ac_name_valid(out->name)) {
		_cleanup_free_ char *q = sch_quote(out->name);
		errlist_add(errs, "%s.name: %s is not an AC name", path, q);
	}
	out->protocol = sch_str(d, v, path, "protocol", true, errs);
	if (out->protocol && !*out->protocol)
		errlist_add(errs, "%s.protocol: must not be empty", path);
	int64_t port = 0, count = 1;
	sch_int(d, v, path, "port", 1, 65535, true, &port, errs);
	sch_int(d, v, path, "count", 1, 65535, false, &count, errs);
	out->port = (unsigned)port;
	out->count = (unsigned)count;
	if (port && port + count - 1 > 65535)
		errlist_add(errs, "%s.count: port range %lld-%lld ends above 65535", path,
			    (long long)port, (long long)(port + count - 1));
	sch_bool(d, v, path, "socketActivated", &out->socket_activated, errs);
	return errs->n > before ? -1 : 0;
}

void port_copy(struct port *dst, const struct port *src)
{
	*dst = *src;
	dst->name = src->name ? xstrdup(src->name) : NULL;
	dst->protocol = src->protocol ? xstrdup(src->protocol) : NULL;
}

static bool streq0(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

bool port_eq(const struct port *a, const struct port *b)
{
	return streq0(a->name, b->name) && streq0(a->protocol, b->protocol) && a->port == b->port &&
	       a->count == b->count && a->socket_activated == b->socket_activated;
}

void port_free(struct port *p)
{
	free(p->name);
	free(p->protocol);
	memset(p, 0, sizeof(*p));
}
