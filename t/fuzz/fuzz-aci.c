/* libFuzzer: the ACI reader and safe extraction of arbitrary (possibly
 * compressed) archives. The root is extracted inside a jail directory; any
 * file that appears in the jail beside the root escaped it, and aborts. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aci.h"
#include "err.h"
#include "extract.h"
#include "file.h"

static char jail[64];

static void check_jail(void)
{
	DIR *d = opendir(jail);
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, "root")) {
			fprintf(stderr, "escaped the root: %s/%s\n", jail, de->d_name);
			abort();
		}
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err e;
	if (!jail[0]) {
		snprintf(jail, sizeof jail, "/tmp/rkt-fuzz-aci.XXXXXX");
		if (!mkdtemp(jail))
			abort();
	}
	char root[96];
	snprintf(root, sizeof root, "%s/root", jail);
	mkdir(root, 0755);
	int fd = memfd_create("aci", MFD_CLOEXEC);
	if (fd < 0 || writeall(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		abort();
	struct aci_reader *r = NULL;
	if (aci_open_fd(fd, 0, -1, &r, &e) == 0) {
		int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct extract_opts o = {.flags = 0};
		extract_aci(r, rootfd, &o, &e);
		close(rootfd);
		aci_close(r);
	}
	close(fd);
	check_jail();
	rm_tree(root, &e);
	return 0;
}
