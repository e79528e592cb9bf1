/* stage1's passwd/group parsing (the image's own files, never NSS). */
#include <stdlib.h>

#include "stage1.h"
#include "tap.h"

static const char passwd[] = "# comment\n"
			     "root:x:0:0:root:/root:/bin/sh\n"
			     "broken line\n"
			     "user:x:1000:1001:A User:/home/user:/bin/sh\n"
			     "nohome:x:1002:1002::::\n"
			     "noshell:x:1003:1003:::\n"
			     "123:x:77:77::/n:/bin/sh\n"
			     "last:x:5:6:gecos:/last:/bin/sh"; /* no final newline */

static const char group[] = "root:x:0:\n"
			    "user:x:1001:\n"
			    "staff:x:50:user,other\n"
			    "wheel:x:10:other,user\n"
			    "nouser:x:11:username,users\n"
			    "bad:x:notanumber:user\n";

int main(void)
{
	struct pw_ent pw = {0};
	gid_t gid = 0, *gids = NULL;
	size_t n = 0;
	unsigned id;

	ok(passwd_lookup_name(passwd, "user", &pw) == 1, "user found by name");
	is_int(pw.uid, 1000, "its uid");
	is_int(pw.gid, 1001, "its gid");
	is_str(pw.home, "/home/user", "its home");
	is_str(pw.shell, "/bin/sh", "its shell");
	pw_ent_free(&pw);
	ok(passwd_lookup_name(passwd, "nobody", &pw) == 0, "an absent user is not found");
	ok(passwd_lookup_name(passwd, "broken line", &pw) == 0, "a malformed line never matches");
	ok(passwd_lookup_name(passwd, "last", &pw) == 1, "the last line without a newline");
	is_int(pw.uid, 5, "its uid");
	pw_ent_free(&pw);
	ok(passwd_lookup_name(passwd, "nohome", &pw) == 1, "an entry with empty fields");
	is_str(pw.home, "/", "an empty home is /");
	pw_ent_free(&pw);
	ok(passwd_lookup_name(passwd, "noshell", &pw) == 1, "an entry with an empty shell");
	is_str(pw.shell, "/bin/sh", "an empty shell is /bin/sh");
	pw_ent_free(&pw);
	ok(passwd_lookup_name(passwd, "123", &pw) == 1, "an all-digit user name is a name");
	is_int(pw.uid, 77, "and resolves to its entry's uid");
	pw_ent_free(&pw);
	ok(passwd_lookup_uid(passwd, 1000, &pw) == 1, "lookup by uid");
	is_str(pw.name, "user", "gives the name");
	pw_ent_free(&pw);
	ok(passwd_lookup_uid(passwd, 4242, &pw) == 0, "an unknown uid");

	ok(group_lookup_name(group, "staff", &gid) == 1 && gid == 50, "group by name");
	ok(group_lookup_name(group, "bad", &gid) == 0, "a group with a bad gid is skipped");
	ok(group_lookup_name(group, "none", &gid) == 0, "an absent group");
	group_member_of(group, "user", &gids, &n);
	is_int(n, 2, "user is a member of two groups (not of 'nouser' or 'bad')");
	ok(n == 2 && gids[0] == 50 && gids[1] == 10, "staff and wheel, in file order");
	free(gids);

	ok(parse_id("0", &id) == 0 && id == 0, "0 is an id");
	ok(parse_id("4294967294", &id) == 0 && id == 4294967294u, "the largest id");
	ok(parse_id("4294967295", &id) < 0, "(uid_t)-1 is not an id");
	ok(parse_id("12a", &id) < 0 && parse_id("", &id) < 0 && parse_id("-1", &id) < 0,
	   "non-digits are not ids");
	return done_testing();
}
