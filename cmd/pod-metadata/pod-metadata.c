/* pod-metadata: the appc metadata service (spec/ace.md) for running pods. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "file.h"
#include "httpd.h"
#include "mds.h"
#include "opt.h"
#include "service.h"
#include "xalloc.h"

static const char usage[] =
	"usage: pod-metadata [--listen=ADDR:PORT]... [--socket=PATH] [--dir=DIR]\n"
	"  --listen=ADDR:PORT  serve the metadata API here (default 0.0.0.0:18112; repeatable)\n"
	"  --socket=PATH       pods register on this unix socket\n"
	"                      (default " MDS_DEFAULT_SOCKET ")\n"
	"  --dir=DIR           rkt data dir; registered pods live under DIR/pods/\n"
	"  -h, --help          this text\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	prog_init(argv[0]);
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'},
		{"socket", required_argument, NULL, 's'},
		{"dir", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	struct rkt_paths paths;
	rkt_paths_default(&paths);
	const char *listen[HTTPD_MAX_LISTENERS];
	size_t nlisten = 0;
	const char *sock = mds_socket_default();
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (nlisten == HTTPD_MAX_LISTENERS)
				die_usage(usage);
			listen[nlisten++] = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'd':
			paths.dir = optarg;
			break;
		case 'h':
			opt_help(usage);
		default:
			die_usage(usage);
		}
	}
	if (optind != argc)
		die_usage(usage);
	if (!nlisten)
		listen[nlisten++] = "0.0.0.0:18112";

	struct err e = {0};
	struct service *svc = service_new(paths.dir, &e);
	if (!svc)
		die_err(&e);
	struct httpd *h = httpd_new();
	for (size_t i = 0; i < nlisten; i++)
		if (httpd_listen_tcp(h, listen[i], &e) < 0)
			die_err(&e);
	_cleanup_free_ char *sockdir = xstrdup(sock);
	char *slash = strrchr(sockdir, '/');
	if (slash && slash != sockdir) {
		*slash = '\0';
		if (mkdir_p(sockdir, 0755, &e) < 0)
			die_err(&e);
	}
	if (httpd_listen_unix(h, sock, 0600, &e) < 0)
		die_err(&e);

	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	int rc = httpd_run(h, service_handle, svc, service_tick, &stop, &e);
	unlink(sock);
	httpd_free(h);
	service_free(svc);
	if (rc < 0)
		die_err(&e);
	return EXIT_OK;
}
