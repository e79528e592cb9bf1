/* aci-validate: is this ACI, image manifest, pod manifest or image layout
 * valid? Every problem is listed, one a line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "err.h"
#include "opt.h"

#define USAGE "aci-validate [--type=aci|image-manifest|pod-manifest|layout] [-v] FILE...\n"

static const char *HELP =
    "usage: " USAGE "Check ACIs (gzip, bzip2, xz or plain tar), image manifests, pod manifests\n"
    "and image layouts (a directory with manifest and rootfs/) against the App\n"
    "Container spec. Each problem is printed on stderr as `FILE: field: reason`.\n"
    "`-` reads stdin. Exit 0 when every FILE is valid, 1 if not, 2 on misuse.\n"
    "\n"
    "  --type=TYPE    aci, image-manifest, pod-manifest or layout; default: from\n"
    "                 the content (compressed or tar data is an ACI, JSON's acKind\n"
    "                 tells the manifest type, a directory is a layout)\n"
    "  -v, --verbose  say on stdout what was checked\n"
    "  -h, --help     this help\n";

static const struct option longopts[] = {
    {"type", required_argument, NULL, 't'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum vtype t;
	} types[] = {{"aci", VT_ACI},
		     {"image-manifest", VT_IMAGE},
		     {"pod-manifest", VT_POD},
		     {"layout", VT_LAYOUT}};
	enum vtype t = VT_GUESS;
	bool verbose = false;
	int c;
	prog_init(argv[0]);
	while ((c = getopt_long(argc, argv, "hvt:", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			t = (enum vtype) - 1;
			for (size_t i = 0; i < sizeof types / sizeof *types; i++)
				if (!strcmp(optarg, types[i].name))
					t = types[i].t;
			if (t == (enum vtype) - 1) {
				warnx_("--type: unknown: %s", optarg);
				die_usage(USAGE);
			}
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			opt_help(HELP);
		default:
			die_usage(USAGE);
		}
	}
	if (optind == argc)
		die_usage(USAGE);
	int bad = 0;
	for (int i = optind; i < argc; i++) {
		bad |= check_file(argv[i], t, verbose);
		fflush(stdout);
	}
	return bad ? EXIT_FAIL : EXIT_OK;
}
