/* Option helpers shared by the tools: rkt's long options, Go-style booleans
 * (--flag, --flag=true|false), and the common --dir / config flags. */
#ifndef RKT_OPT_H
#define RKT_OPT_H

#include <stdbool.h>

/* NULL (bare --flag) is true; true/false/1/0/yes/no/t/f accepted.
 * Returns -1 on anything else. */
int opt_bool(const char *arg, bool *out);

/* Parse a Go-style duration ("30m", "1h30m", "10s", "500ms", "24h") into
 * milliseconds; -1 if invalid. */
long long opt_duration_ms(const char *s);

/* Paths every tool shares; defaults from the build, overridden by options
 * and by the environment of the same upper-case name (RKT_DIR ...) for tests. */
struct rkt_paths {
	const char *dir;           /* --dir, default /var/lib/rkt */
	const char *system_config; /* --system-config, default $(PREFIX)/lib/rkt */
	const char *local_config;  /* --local-config, default /etc/rkt */
};
void rkt_paths_default(struct rkt_paths *p);

/* The help text convention: a tool's usage line(s); print and exit. */
void opt_help(const char *text) __attribute__((noreturn)); /* stdout, exit 0 */

#endif
