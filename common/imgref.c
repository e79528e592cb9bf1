/* Resolving image references against the store's list. */
#include "imgref.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

const char *imgref_host_os(void)
{
	return "linux";
}

const char *imgref_host_arch(void)
{
	static const char *arch; /* uname once: resolve matches thousands */
	const char *os;
	if (!arch && host_os_arch(&os, &arch) < 0)
		arch = "amd64";
	return arch;
}

static const char *label_get(const struct kv *labels, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(labels[i].name, name))
			return labels[i].value;
	return NULL;
}

bool imgref_match(const struct cas_image *img, const char *name, const struct kv *labels,
		  size_t nlabels)
{
	if (strcmp(img->name, name) != 0)
		return false;
	for (size_t i = 0; i < nlabels; i++) {
		const char *v = cas_image_label(img, labels[i].name);
		if (!v || strcmp(v, labels[i].value) != 0)
			return false;
	}
	/* implicit defaults: an image for another os/arch is not ours */
	const char *dflt[][2] = {{"os", imgref_host_os()}, {"arch", imgref_host_arch()}};
	for (size_t i = 0; i < 2; i++) {
		if (label_get(labels, nlabels, dflt[i][0]))
			continue;
		const char *v = cas_image_label(img, dflt[i][0]);
		if (v && strcmp(v, dflt[i][1]) != 0)
			return false;
	}
	return true;
}

int imgref_split(const char *ref, char **name, char **version, struct err *e)
{
	const char *slash = strrchr(ref, '/');
	const char *colon = strrchr(slash ? slash : ref, ':');
	*version = NULL;
	if (colon) {
		*name = xstrndup(ref, (size_t)(colon - ref));
		if (colon[1] && strcmp(colon + 1, "latest") != 0)
			*version = xstrdup(colon + 1);
	} else {
		*name = xstrdup(ref);
	}
	if (!**name) {
		free(*name);
		free(*version);
		*name = *version = NULL;
		return err_set(e, "%s: no image name", ref);
	}
	return 0;
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec != b->tv_sec ? a->tv_sec > b->tv_sec : a->tv_nsec > b->tv_nsec;
}

static long pick_prefix(const struct cas_image *imgs, size_t n, const char *ref, struct err *e)
{
	size_t len = strlen(ref);
	for (const char *p = ref + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return err_set(e, "%s: not an image ID (sha512- and lowercase hex)", ref);
	if (len == 7 || len > CAS_ID_LEN)
		return err_set(e, "%s: not an image ID (sha512- and up to 128 hex)", ref);
	long found = -1;
	size_t nfound = 0;
	struct buf cands = {0};
	for (size_t i = 0; i < n; i++) {
		if (strncmp(imgs[i].id, ref, len) != 0)
			continue;
		if (nfound++ < 10)
			buf_printf(&cands, "\n  %.*s %s", 7 + 32, imgs[i].id, imgs[i].name);
		found = (long)i;
	}
	if (nfound == 1) {
		buf_free(&cands);
		return found;
	}
	if (nfound == 0)
		err_set(e, "%s: image not found", ref);
	else
		err_set(e, "%s: ambiguous image ID prefix, %zu candidates:%s%s", ref, nfound,
			cands.data, nfound > 10 ? "\n  ..." : "");
	buf_free(&cands);
	return -1;
}

long imgref_pick(const struct cas_image *imgs, size_t n, const char *ref, const struct kv *labels,
		 size_t nlabels, struct err *e)
{
	if (!strncmp(ref, "sha512-", 7))
		return pick_prefix(imgs, n, ref, e);
	char *name, *version;
	if (imgref_split(ref, &name, &version, e) < 0)
		return -1;
	struct kv *all = xcalloc(nlabels + 1, sizeof *all);
	if (nlabels)
		memcpy(all, labels, nlabels * sizeof *labels);
	size_t nall = nlabels;
	if (version && !label_get(labels, nlabels, "version"))
		all[nall++] = (struct kv){.name = "version", .value = version};
	long best = -1;
	for (size_t i = 0; i < n; i++)
		if (imgref_match(&imgs[i], name, all, nall) &&
		    (best < 0 || newer(&imgs[i].imported, &imgs[best].imported)))
			best = (long)i;
	if (best < 0) {
		struct buf want = {0};
		for (size_t i = 0; i < nall; i++)
			buf_printf(&want, "%s%s=%s", i ? "," : "", all[i].name, all[i].value);
		err_set(e, "%s: image not found%s%s%s", name, nall ? " (labels " : "",
			nall ? want.data : "", nall ? ")" : "");
		buf_free(&want);
	}
	free(all);
	free(name);
	free(version);
	return best;
}

int cas_resolve(struct cas *c, const char *ref, const struct kv *labels, size_t nlabels,
		char id[CAS_ID_LEN + 1], struct err *e)
{
	struct cas_image img;
	if (cas_id_valid(ref)) { /* a full ID: one file, no listing */
		if (cas_image_get(c, ref, &img, e) < 0)
			return -1;
		memcpy(id, img.id, CAS_ID_LEN + 1);
		cas_image_clear(&img);
		return 0;
	}
	struct cas_image *imgs;
	size_t n;
	if (cas_list(c, &imgs, &n, e) < 0)
		return -1;
	long i = imgref_pick(imgs, n, ref, labels, nlabels, e);
	if (i >= 0)
		memcpy(id, imgs[i].id, CAS_ID_LEN + 1);
	cas_images_free(imgs, n);
	return i < 0 ? -1 : 0;
}
