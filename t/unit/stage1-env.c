/* stage1's app environment: the app's list, then what the executor sets. */
#include <stdlib.h>

#include "stage1.h"
#include "tap.h"

int main(void)
{
	struct s1_opts opt = {0};
	struct s1_pod pod = {.opt = &opt};
	struct err e = {0};
	char *env1[] = {"FOO=1", "AC_APP_NAME=spoof", "EMPTY=", NULL};
	struct s1_app app = {.name = "web", .env = env1, .uid = 1000, .login = "w", .home = "/home/w",
			     .shell = "/bin/ash"};

	unsetenv("TERM");
	ok(s1_build_env(&pod, &app, &e) == 0, "build");
	is_str(env_get(app.envp, "FOO"), "1", "the app's own variable");
	is_str(env_get(app.envp, "EMPTY"), "", "an empty value stays");
	is_str(env_get(app.envp, "AC_APP_NAME"), "web", "AC_APP_NAME is the app's name");
	is_str(env_get(app.envp, "PATH"),
	       "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "the default PATH");
	is_str(env_get(app.envp, "HOME"), "/home/w", "HOME from passwd");
	is_str(env_get(app.envp, "USER"), "w", "USER from passwd");
	is_str(env_get(app.envp, "LOGNAME"), "w", "LOGNAME from passwd");
	is_str(env_get(app.envp, "SHELL"), "/bin/ash", "SHELL from passwd");
	is_str(env_get(app.envp, "container"), "rkt", "container names the executor");
	ok(env_get(app.envp, "TERM") == NULL, "no TERM without --interactive");
	ok(env_get(app.envp, "FO") == NULL && env_get(app.envp, "FOOO") == NULL,
	   "names match whole");
	strv_free(app.envp);

	char *env2[] = {"PATH=/opt/bin", "HOME=/h", NULL};
	app.env = env2;
	opt.interactive = true;
	setenv("TERM", "xterm-256color", 1);
	ok(s1_build_env(&pod, &app, &e) == 0, "build again");
	is_str(env_get(app.envp, "PATH"), "/opt/bin", "the app's PATH is kept");
	is_str(env_get(app.envp, "HOME"), "/h", "the app's HOME is kept");
	is_str(env_get(app.envp, "TERM"), "xterm-256color", "--interactive passes TERM");
	strv_free(app.envp);

	/* No passwd entry: rkt's defaults, root's for uid 0 (the ACE validator's). */
	char *env3[] = {NULL};
	struct s1_app bare = {.name = "bare", .env = env3, .uid = 0};
	opt.interactive = false;
	ok(s1_build_env(&pod, &bare, &e) == 0, "build without passwd");
	is_str(env_get(bare.envp, "USER"), "root", "uid 0: USER=root");
	is_str(env_get(bare.envp, "LOGNAME"), "root", "uid 0: LOGNAME=root");
	is_str(env_get(bare.envp, "HOME"), "/root", "uid 0: HOME=/root");
	is_str(env_get(bare.envp, "SHELL"), "/bin/sh", "SHELL=/bin/sh");
	strv_free(bare.envp);
	bare.uid = 4321;
	ok(s1_build_env(&pod, &bare, &e) == 0, "build for an unnamed uid");
	ok(env_get(bare.envp, "USER") == NULL && env_get(bare.envp, "LOGNAME") == NULL,
	   "no name is made up for another uid");
	is_str(env_get(bare.envp, "HOME"), "/", "its HOME is /");
	strv_free(bare.envp);
	return done_testing();
}
