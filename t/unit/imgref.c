/* imgref: name[:version] splitting, label matching with os/arch defaults,
 * newest-import-wins, ID prefixes and ambiguity. */
#include <stdlib.h>
#include <string.h>

#include "imgref.h"
#include "tap.h"
#include "xalloc.h"

static struct cas_image mk(const char *hexchar, const char *name, const char *version,
			   const char *arch, long imported)
{
	struct cas_image img = {0};
	strcpy(img.id, "sha512-");
	for (int i = 0; i < CAS_HEX_LEN; i++)
		img.id[7 + i] = hexchar[i % strlen(hexchar)];
	img.id[CAS_ID_LEN] = '\0';
	img.name = xstrdup(name);
	img.labels = xcalloc(3, sizeof *img.labels);
	if (version) {
		img.labels[img.nlabels].name = xstrdup("version");
		img.labels[img.nlabels++].value = xstrdup(version);
	}
	img.labels[img.nlabels].name = xstrdup("os");
	img.labels[img.nlabels++].value = xstrdup("linux");
	if (arch) {
		img.labels[img.nlabels].name = xstrdup("arch");
		img.labels[img.nlabels++].value = xstrdup(arch);
	}
	img.imported.tv_sec = imported;
	return img;
}

int main(void)
{
	char *name, *version;
	struct err e = {0};

	ok(imgref_split("example.com/app:1.0", &name, &version, &e) == 0, "split name:version");
	is_str(name, "example.com/app", "name part");
	is_str(version, "1.0", "version part");
	free(name), free(version);
	ok(imgref_split("example.com:8080/app", &name, &version, &e) == 0, "colon before a slash");
	is_str(name, "example.com:8080/app", "host port stays in the name");
	ok(version == NULL, "no version");
	free(name);
	ok(imgref_split("app:latest", &name, &version, &e) == 0 && version == NULL,
	   "latest means any version");
	free(name);
	ok(imgref_split(":1.0", &name, &version, &e) < 0, "empty name refused");

	const char *host = imgref_host_arch();
	const char *other = strcmp(host, "amd64") ? "amd64" : "aarch64";
	struct cas_image imgs[] = {
	    mk("a1", "example.com/app", "1.0", host, 100),
	    mk("a2", "example.com/app", "2.0", host, 200),
	    mk("b3", "example.com/app", "3.0", other, 300),
	    mk("c4", "example.com/base", NULL, NULL, 50),
	};
	size_t n = sizeof imgs / sizeof *imgs;

	is_int(imgref_pick(imgs, n, "example.com/app", NULL, 0, &e), 1,
	       "newest import for the host arch wins");
	is_int(imgref_pick(imgs, n, "example.com/app:1.0", NULL, 0, &e), 0, ":version picks");
	struct kv want_other = {"arch", (char *)other};
	is_int(imgref_pick(imgs, n, "example.com/app", &want_other, 1, &e), 2,
	       "an explicit arch label overrides the default");
	is_int(imgref_pick(imgs, n, "example.com/app:3.0", NULL, 0, &e), -1,
	       "other arch not picked by default");
	ok(strstr(e.msg, "not found") != NULL, "not found message: %s", e.msg);
	is_int(imgref_pick(imgs, n, "example.com/base", NULL, 0, &e), 3,
	       "an image without os/arch labels matches any host");
	struct kv env = {"env", "canary"};
	is_int(imgref_pick(imgs, n, "example.com/base", &env, 1, &e), -1,
	       "a missing label does not match");

	is_int(imgref_pick(imgs, n, "sha512-c4", NULL, 0, &e), 3, "unique prefix");
	is_int(imgref_pick(imgs, n, imgs[1].id, NULL, 0, &e), 1, "full ID");
	is_int(imgref_pick(imgs, n, "sha512-a", NULL, 0, &e), -1, "ambiguous prefix refused");
	ok(strstr(e.msg, "ambiguous") && strstr(e.msg, "sha512-a1a1") &&
	       strstr(e.msg, "sha512-a2a2"),
	   "ambiguity lists the candidates");
	is_int(imgref_pick(imgs, n, "sha512-ff", NULL, 0, &e), -1, "unknown prefix");
	is_int(imgref_pick(imgs, n, "sha512-", NULL, 0, &e), -1, "empty prefix refused");
	is_int(imgref_pick(imgs, n, "sha512-XY", NULL, 0, &e), -1, "non-hex prefix refused");

	for (size_t i = 0; i < n; i++)
		cas_image_clear(&imgs[i]);
	return done_testing();
}
