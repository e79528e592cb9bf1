/* Fingerprint review: the person adding a key compares its fingerprint with
 * one obtained out of band. It happens on the controlling terminal, never on
 * stdin, so a key piped in cannot also answer the question. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "trust.h"
#include "xalloc.h"

static void show(int fd, const struct pgp_key *k, const char *prefix, const char *src)
{
	_cleanup_free_ char *pretty = pgp_fpr_pretty(k->fpr);
	if (prefix)
		dprintf(fd, "Prefix: \"%s\"\n", prefix);
	else
		dprintf(fd, "Root key: trusted for every image name\n");
	dprintf(fd, "Key: \"%s\"\n", src);
	dprintf(fd, "GPG key fingerprint is: %s\n", pretty);
	for (size_t i = 0; i < k->nuids; i++)
		dprintf(fd, "\t%s\n", k->uids[i]);
	if (k->revoked)
		dprintf(fd, "WARNING: this key has been revoked\n");
	if (k->expired)
		dprintf(fd, "WARNING: this key has expired\n");
	if (!k->can_sign)
		dprintf(fd, "WARNING: this key cannot make signatures\n");
}

/* One line from fd without its newline; NULL at end of input. */
static char *read_line(int fd)
{
	struct buf b = {0};
	char c;
	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (b.len)
				break;
			buf_free(&b);
			return NULL;
		}
		if (c == '\n')
			break;
		if (b.len < 64)
			buf_addc(&b, c);
	}
	return buf_steal(&b);
}

int trust_review(const struct pgp_key *k, const char *prefix, const char *src, struct err *e)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return err_sys(e, "/dev/tty");
	show(fd, k, prefix, src);
	int answer = 0;
	for (int tries = 0; tries < 3; tries++) {
		dprintf(fd, "Are you sure you want to trust this key (yes/no)? ");
		char *line = read_line(fd);
		if (!line) {
			dprintf(fd, "\n");
			break;
		}
		char *s = line + strspn(line, " \t");
		s[strcspn(s, " \t\r")] = '\0';
		int yes = !strcasecmp(s, "yes") || !strcasecmp(s, "y");
		int no = !strcasecmp(s, "no") || !strcasecmp(s, "n");
		free(line);
		if (yes || no) {
			answer = yes;
			break;
		}
		dprintf(fd, "Please answer yes or no.\n");
	}
	close(fd);
	return answer;
}
