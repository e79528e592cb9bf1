/* The app's environment (spec/ace.md "Execution Environment"): the app's own
 * list (the image's merged with overrides by pod-prepare), then what the
 * executor sets. */
#include <stdlib.h>
#include <string.h>

#include "stage1.h"
#include "xalloc.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const char *env_get(char **env, const char *name)
{
	size_t n = strlen(name);
	for (char **p = env; p && *p; p++)
		if (!strncmp(*p, name, n) && (*p)[n] == '=')
			return *p + n + 1;
	return NULL;
}

/* Set NAME=value in a NULL-terminated vector, replacing an existing entry. */
static void env_set(char ***envp, size_t *n, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *kv = xasprintf("%s=%s", name, value);
	for (size_t i = 0; i < *n; i++) {
		if (!strncmp((*envp)[i], name, len) && (*envp)[i][len] == '=') {
			free((*envp)[i]);
			(*envp)[i] = kv;
			return;
		}
	}
	*envp = xreallocarray(*envp, *n + 2, sizeof(char *));
	(*envp)[(*n)++] = kv;
	(*envp)[*n] = NULL;
}

int s1_build_env(struct s1_pod *pod, struct s1_app *app, struct err *e)
{
	(void)e;
	char **env = xcalloc(1, sizeof(char *));
	size_t n = 0;
	/* Later entries of the app's list win over earlier ones. */
	for (char **p = app->env; p && *p; p++) {
		char *eq = strchr(*p, '=');
		_cleanup_free_ char *name = eq ? xstrndup(*p, (size_t)(eq - *p)) : xstrdup(*p);
		env_set(&env, &n, name, eq ? eq + 1 : "");
	}
	env_set(&env, &n, "AC_APP_NAME", app->name);
	env_set(&env, &n, "container", "rkt");
	if (!env_get(env, "PATH"))
		env_set(&env, &n, "PATH", DEFAULT_PATH);
	/* From the passwd entry; without one, rkt's defaults (root's when the
	 * app runs as uid 0, as appc's ACE validator expects). */
	bool root = app->uid == 0;
	const char *login = app->login ? app->login : root ? "root" : NULL;
	if (login && !env_get(env, "USER"))
		env_set(&env, &n, "USER", login);
	if (login && !env_get(env, "LOGNAME"))
		env_set(&env, &n, "LOGNAME", login);
	if (!env_get(env, "HOME"))
		env_set(&env, &n, "HOME", app->home ? app->home : root ? "/root" : "/");
	if (!env_get(env, "SHELL"))
		env_set(&env, &n, "SHELL", app->shell ? app->shell : "/bin/sh");
	if (pod->opt->interactive && !env_get(env, "TERM")) {
		const char *term = getenv("TERM");
		env_set(&env, &n, "TERM", term && *term ? term : "vt102");
	}
	const char *mds = getenv("AC_METADATA_URL");
	if (pod->opt->mds_register && mds)
		env_set(&env, &n, "AC_METADATA_URL", mds);
	app->envp = env;
	return 0;
}
