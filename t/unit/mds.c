/* Unit tests of common/mds (the registration client's helpers). With
 * arguments it is the client the shell tests (t7100) drive:
 *   mds.t register UUID DIR IP[,IP...]     mds.t unregister UUID
 * on the socket $RKT_METADATA_SOCKET. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mds.h"
#include "tap.h"
#include "xalloc.h"

static int driver(int argc, char **argv)
{
	struct err e = {0};
	prog_init("mds.t");
	if (!strcmp(argv[1], "register") && argc == 5) {
		char *ips[16];
		size_t n = 0;
		for (char *s = strtok(argv[4], ","); s && n < 16; s = strtok(NULL, ","))
			ips[n++] = s;
		if (mds_register(mds_socket_default(), argv[2], argv[3], ips, n, &e) < 0)
			die_err(&e);
		return 0;
	}
	if (!strcmp(argv[1], "unregister") && argc == 3) {
		if (mds_unregister(mds_socket_default(), argv[2], &e) < 0)
			die_err(&e);
		return 0;
	}
	die("usage: mds.t register UUID DIR IPS | unregister UUID");
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return driver(argc, argv);
	char *u = mds_url("172.16.28.1");
	is_str(u, "http://172.16.28.1:18112", "URL of an IPv4 host side");
	free(u);
	u = mds_url("fd00::1");
	is_str(u, "http://[fd00::1]:18112", "URL of an IPv6 host side");
	free(u);
	unsetenv("RKT_METADATA_SOCKET");
	is_str(mds_socket_default(), "/run/rkt/metadata-svc.sock", "default socket, as rkt's");
	setenv("RKT_METADATA_SOCKET", "/tmp/x.sock", 1);
	is_str(mds_socket_default(), "/tmp/x.sock", "socket from the environment");
	struct err e = {0};
	char *ips[] = {"10.0.0.2"};
	ok(mds_register("/nonexistent/dir/mds.sock", "u", "/d", ips, 1, &e) < 0,
	   "no service is an error");
	ok(strstr(e.msg, "/nonexistent/dir/mds.sock") != NULL, "naming the socket: %s", e.msg);
	return done_testing();
}
