#include "opt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int opt_bool(const char *arg, bool *out)
{
	static const char *yes[] = {"true", "1", "t", "yes", "y", "TRUE", "True"};
	static const char *no[] = {"false", "0", "f", "no", "n", "FALSE", "False"};
	if (!arg) {
		*out = true;
		return 0;
	}
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (!strcmp(arg, yes[i])) {
			*out = true;
			return 0;
		}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (!strcmp(arg, no[i])) {
			*out = false;
			return 0;
		}
	return -1;
}

long long opt_duration_ms(const char *s)
{
	long long total = 0;
	if (!s || !*s)
		return -1;
	if (!strcmp(s, "0"))
		return 0;
	while (*s) {
		char *end;
		double v = strtod(s, &end);
		if (end == s || v < 0)
			return -1;
		double mult;
		if (!strncmp(end, "ms", 2)) {
			mult = 1;
			end += 2;
		} else if (*end == 's') {
			mult = 1000;
			end++;
		} else if (*end == 'm') {
			mult = 60000;
			end++;
		} else if (*end == 'h') {
			mult = 3600000;
			end++;
		} else {
			return -1;
		}
		total += (long long)(v * mult);
		s = end;
	}
	return total;
}

void rkt_paths_default(struct rkt_paths *p)
{
	const char *v;
	p->dir = (v = getenv("RKT_DIR")) && *v ? v : "/var/lib/rkt";
	p->system_config = (v = getenv("RKT_SYSTEM_CONFIG")) && *v ? v : RKT_SYSTEM_CONFIG;
	p->local_config = (v = getenv("RKT_LOCAL_CONFIG")) && *v ? v : RKT_LOCAL_CONFIG;
}

void opt_help(const char *text)
{
	fputs(text, stdout);
	exit(0);
}
