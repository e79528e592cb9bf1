/* common/podprep-opts.c: rkt prepare/run command lines. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "podprep.h"
#include "tap.h"

static int parse(struct prep_opts *o, bool run, struct err *e, ...)
{
	char *argv[64];
	int argc = 0;
	va_list ap;
	va_start(ap, e);
	argv[argc++] = "pod-prepare";
	for (char *s; (s = va_arg(ap, char *));)
		argv[argc++] = s;
	va_end(ap);
	argv[argc] = NULL;
	memset(o, 0, sizeof *o);
	o->run_flags = run;
	bool help;
	return prep_parse(o, argc, argv, 1, &help, e);
}

static void test_apps(void)
{
	struct prep_opts o;
	struct err e = {0};
	is_int(parse(&o, false, &e, "--volume=data,kind=host,source=/srv,readOnly=true",
		     "--set-env", "A=1", "img1", "--exec=/bin/echo", "--user=user", "--set-env=B=2",
		     "--", "x", "--", "-y", "---", "img2", "--name", "two", "--readonly-rootfs",
		     "img3", NULL),
	       0, "parse three apps: %s", e.msg);
	is_int(o.napps, 3, "three apps");
	is_int(o.nvolumes, 1, "one volume");
	is_str(o.volumes[0].source, "/srv", "volume source");
	is_int(o.volumes[0].readonly, 1, "readOnly");
	is_int(o.nenv, 1, "pod-level env");
	is_str(o.apps[0].exec, "/bin/echo", "exec");
	is_str(o.apps[0].user, "user", "user");
	is_int(o.apps[0].nenv, 1, "app env");
	is_int(o.apps[0].nargs, 3, "args after --, -- itself kept");
	is_str(o.apps[0].args[1], "--", "second -- is an argument");
	is_str(o.apps[0].args[2], "-y", "dash argument");
	is_str(o.apps[1].name, "two", "name of the second app");
	ok(o.apps[1].readonly_rootfs && o.apps[1].has_readonly_rootfs, "readonly-rootfs");
	is_str(o.apps[2].image, "img3", "a bare image starts an app");
	ok(!o.apps[2].has_args, "no args for the third");
	prep_opts_free(&o);

	is_int(parse(&o, false, &e, "img", "--", NULL), 0, "empty args");
	ok(o.apps[0].has_args && o.apps[0].nargs == 0, "has empty args");
	prep_opts_free(&o);
}

static void test_errors(void)
{
	struct prep_opts o;
	struct err e = {0};
	static const char *bad[][4] = {
	    {"--exec=/bin/sh", "img", NULL, "must follow an image"},
	    {"img", "--volume=a,kind=empty", NULL, "pod flag"},
	    {"--nope", "img", NULL, "unknown flag --nope"},
	    {"--net=host", "img", NULL, "unknown flag --net"},
	    {"img", "--exec", NULL, "needs a value"},
	    {"--volume=a,kind=host", "img", NULL, "absolute source"},
	    {"--volume=a,kind=nfs", "img", NULL, "want host or empty"},
	    {"--volume=kind=empty", "img", NULL, "no volume name"},
	    {"--volume=a,kind=empty,readOnly=maybe", "img", NULL, "not a boolean"},
	    {"--volume=a,kind=empty,mode=999", "img", NULL, "octal"},
	    {"--volume=a,kind=empty,color=red", "img", NULL, "unknown field color"},
	    {"--port=http", "img", NULL, "NAME:HOSTPORT"},
	    {"--port=http:99999", "img", NULL, "not a port number"},
	    {"--mount=volume=a", "img", NULL, "volume=NAME,target=PATH"},
	    {"--set-env=NOVALUE", "img", NULL, "NAME=VALUE"},
	    {"--pod-manifest=f", "img", NULL, "exclusive"},
	    {"---", "img", NULL, "must follow an image"},
	    {"--quiet", NULL, NULL, "no image"},
	    {"img", "--readonly-rootfs=perhaps", NULL, "not a boolean"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err_clear(&e);
		int r = parse(&o, false, &e, bad[i][0], bad[i][1], bad[i][2], NULL);
		ok(r < 0 && strstr(e.msg, bad[i][3]), "%s %s: %s", bad[i][0],
		   bad[i][1] ? bad[i][1] : "", e.msg);
		prep_opts_free(&o);
	}
}

static void test_run_flags(void)
{
	struct prep_opts o;
	struct err e = {0};
	is_int(parse(&o, true, &e, "--net=none", "--interactive", "--mds-register=false", "0123",
		     NULL),
	       0, "run flags accepted by pod-run");
	is_str(o.net, "none", "net");
	ok(o.interactive && !o.mds_register, "booleans");
	prep_opts_free(&o);

	struct prep_volume v;
	is_int(prep_parse_volume("v,kind=empty,mode=0700,uid=5,gid=6", &v, &e), 0, "empty volume");
	ok(v.uid == 5 && v.gid == 6 && !strcmp(v.mode, "0700"), "mode uid gid");
	free(v.name), free(v.kind), free(v.mode);
	is_int(prep_parse_volume("name=w,kind=host,source=/x,recursive=false", &v, &e), 0,
	       "name= form");
	ok(!strcmp(v.name, "w") && v.recursive == 0, "recursive=false");
	free(v.name), free(v.kind), free(v.source);
	struct prep_port p;
	is_int(prep_parse_port("http:127.0.0.1:8080", &p, &e), 0, "port with host ip");
	ok(p.host_port == 8080 && !strcmp(p.host_ip, "127.0.0.1") && !strcmp(p.name, "http"),
	   "port fields");
	free(p.name), free(p.host_ip);
}

static void test_strip(void)
{
	char *argv[] = {"pod-run",	 "--net",    "none",	     "--dir=/d",
			"--interactive", "--volume", "v,kind=empty", "--mds-register=true",
			"img",		 "--",	     "--net=x",	     NULL};
	char **out = prep_strip_run_flags(11, argv, 1);
	const char *want[] = {"--dir=/d", "--volume", "v,kind=empty", "img", "--", "--net=x", NULL};
	int same = 1;
	for (int i = 0; want[i] || out[i]; i++)
		same &= want[i] && out[i] && !strcmp(want[i], out[i]);
	ok(same, "run flags stripped, values and app args kept");
	free(out);
}

int main(void)
{
	test_strip();
	test_apps();
	test_errors();
	test_run_flags();
	return done_testing();
}
