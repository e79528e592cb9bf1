/* common/podprep-app.c: default app names, the effective app, mounts. */
#include <stdlib.h>
#include <string.h>

#include "podprep-int.h"
#include "tap.h"

static void test_names(void)
{
	static const char *cases[][2] = {
	    {"example.com/hello", "hello"}, {"example.com/Hello_World", "hello-world"},
	    {"busybox", "busybox"},	    {"example.com/a..b--c.", "a-b-c"},
	    {"example.com/__", "app"},	    {"coreos.com/etcd", "etcd"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *n = prep_default_app_name(cases[i][0]);
		is_str(n, cases[i][1], "default name of %s", cases[i][0]);
		ok(ac_name_valid(n), "%s is an AC name", n);
		free(n);
	}
}

static const char image[] =
    "{\"acKind\": \"ImageManifest\", \"acVersion\": \"0.8.11\", \"name\": \"example.com/x\","
    " \"app\": {\"exec\": [\"/bin/a\", \"b\"], \"user\": \"0\", \"group\": \"0\","
    " \"environment\": [{\"name\": \"E\", \"value\": \"img\"}],"
    " \"mountPoints\": [{\"name\": \"data\", \"path\": \"/data\", \"readOnly\": true}]}}";

static void test_effective(void)
{
	struct image_manifest *im;
	struct errlist errs = {0};
	struct err e = {0};
	is_int(image_manifest_parse(image, strlen(image), &im, &errs), 0, "image parses");
	struct prep_opts o = {0};
	struct prep_kv penv[] = {{"E", "pod"}, {"P", "1"}};
	o.env = penv;
	o.nenv = 2;
	char *args[] = {"x", "y", NULL};
	struct prep_kv aenv[] = {{"E", "app"}};
	struct prep_app pa = {.exec = "/bin/sh",
			      .args = args,
			      .nargs = 2,
			      .has_args = true,
			      .user = "user",
			      .env = aenv,
			      .nenv = 1,
			      .supp_gids = "5,6",
			      .memory = "10M"};
	struct app *a = prep_effective_app(im, &o, &pa, &e);
	ok(a != NULL, "effective app: %s", e.msg);
	is_int(a->exec.n, 3, "exec replaced, args appended");
	is_str(a->exec.v[0], "/bin/sh", "exec[0]");
	is_str(a->exec.v[2], "y", "exec[2]");
	is_str(a->user, "user", "user override");
	is_str(a->group, "0", "group kept");
	is_str(kvlist_get(&a->environment, "E"), "app", "app env over pod env over image");
	is_str(kvlist_get(&a->environment, "P"), "1", "pod env");
	is_int(a->n_supplementary_gids, 2, "gids");
	ok(a->n_isolators == 1 && !strcmp(a->isolators[0].name, "resource/memory"), "memory");
	app_free(a);

	/* no --exec: args append to the image exec */
	struct prep_app pb = {.args = args, .nargs = 2, .has_args = true};
	a = prep_effective_app(im, &o, &pb, &e);
	ok(a && a->exec.n == 4 && !strcmp(a->exec.v[0], "/bin/a"), "args appended to image exec");
	app_free(a);

	struct prep_app bad = {.supp_gids = "5,x"};
	ok(!prep_effective_app(im, &o, &bad, &e) && strstr(e.msg, "not a group ID"), "bad gid: %s",
	   e.msg);
	struct prep_app badseccomp = {.seccomp = "read,write"};
	ok(!prep_effective_app(im, &o, &badseccomp, &e) && strstr(e.msg, "mode="),
	   "seccomp needs a mode: %s", e.msg);
	struct prep_app badcap = {.cap_remove = "CAP_NOPE"};
	ok(!prep_effective_app(im, &o, &badcap, &e), "unknown capability refused: %s", e.msg);

	/* mounts and implicit volumes */
	struct pod_manifest *pm = pod_manifest_new();
	struct app *eff = prep_effective_app(im, &o, NULL, &e);
	struct pod_app *papp = pod_manifest_add_app(pm, "x", "sha512-0", eff);
	app_free(eff);
	struct prep_mount m = {"nov", "/x"};
	ok(prep_add_mount(pm, papp, &m, &e) < 0 && strstr(e.msg, "no such volume"), "%s", e.msg);
	pod_manifest_add_volume(pm, "v", VOLUME_EMPTY, NULL);
	struct prep_mount m2 = {"v", "nomp"};
	ok(prep_add_mount(pm, papp, &m2, &e) < 0 && strstr(e.msg, "declares no mount point"), "%s",
	   e.msg);
	struct prep_mount m3 = {"v", "/else"};
	is_int(prep_add_mount(pm, papp, &m3, &e), 0, "mount at an absolute path");
	ok(prep_add_mount(pm, papp, &m3, &e) < 0 && strstr(e.msg, "two mounts"), "%s", e.msg);
	is_int(prep_satisfy_mount_points(pm, &e), 0, "satisfy");
	struct volume *iv = pod_manifest_volume(pm, "data");
	ok(iv && iv->kind == VOLUME_EMPTY && iv->read_only, "implicit empty volume, read-only");
	is_int(papp->n_mounts, 2, "mount added for the mount point");
	pod_manifest_free(pm);
	image_manifest_free(im);
}

int main(void)
{
	test_names();
	test_effective();
	return done_testing();
}
