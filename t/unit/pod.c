/* common/pod.c: UUIDs, state dirs, transitions, locks, prefixes, listing. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"
#include "pod.h"
#include "tap.h"
#include "xalloc.h"

static void test_uuid(void)
{
	struct err e = {0};
	char a[POD_UUID_LEN + 1], b[POD_UUID_LEN + 1];
	is_int(pod_uuid_new(a, &e), 0, "uuid made");
	pod_uuid_new(b, &e);
	ok(pod_uuid_valid(a), "uuid is valid: %s", a);
	ok(strcmp(a, b) != 0, "two uuids differ");
	ok(a[14] == '4', "version 4");
	ok(strchr("89ab", a[19]) != NULL, "RFC 4122 variant");
	int lower = 1;
	for (char *c = a; *c; c++)
		lower &= !(*c >= 'A' && *c <= 'Z');
	ok(lower, "lowercase");
	ok(!pod_uuid_valid("1234"), "short is invalid");
	ok(!pod_uuid_valid("0123456789ab-cdef-0123-4567-89abcdef0123"), "misplaced dash invalid");
	ok(!pod_uuid_valid("g1234567-89ab-cdef-0123-456789abcdef"), "non-hex invalid");
	ok(pod_uuid_valid("01234567-89AB-cdef-0123-456789abcdef"), "upper hex valid");
}

static void test_names(void)
{
	is_str(pod_state_dir(POD_EXITED_GARBAGE), "exited-garbage", "state dir name");
	ok(pod_state_dir(POD_NSTATES) == NULL, "out of range state");
	is_str(pod_status_name(pod_status_of(POD_RUN, true)), "running", "run+locked = running");
	is_str(pod_status_name(pod_status_of(POD_RUN, false)), "exited", "run+unlocked = exited");
	is_str(pod_status_name(pod_status_of(POD_PREPARE, false)), "aborted prepare",
	       "prepare+unlocked = aborted");
	is_str(pod_status_name(pod_status_of(POD_PREPARED, false)), "prepared", "prepared");
}

static void test_lifecycle(const char *dir)
{
	struct err e = {0};
	struct pod_dir d;
	char *data = path_join(dir, "data");

	is_int(pod_dir_open(&d, data, false, &e), 0, "open a missing data dir read-only");
	struct pod_entry *v;
	size_t n = 99;
	is_int(pod_list(&d, 0, &v, &n, &e), 0, "list of nothing");
	is_int(n, 0, "no pods");
	free(v);
	struct pod q;
	ok(pod_create_embryo(&d, &q, &e) < 0, "no embryo without the dirs");
	pod_dir_close(&d);

	is_int(pod_dir_open(&d, data, true, &e), 0, "create the data dir");
	char *emb = xasprintf("%s/pods/embryo", data);
	struct stat st;
	ok(stat(emb, &st) == 0 && S_ISDIR(st.st_mode), "embryo dir exists");

	struct pod p;
	is_int(pod_create_embryo(&d, &p, &e), 0, "create embryo");
	ok(p.locked && p.state == POD_EMBRYO, "embryo is locked");
	char *path = pod_path(&p);
	char *want = xasprintf("%s/%s", emb, p.uuid);
	is_str(path, want, "pod path");
	free(path);
	free(want);

	is_int(pod_transition(&p, POD_PREPARE, &e), 0, "embryo -> prepare");
	is_int(pod_is_locked(&p, &e), 1, "locked while preparing");
	is_int(pod_list(&d, 1u << POD_PREPARE, &v, &n, &e), 0, "list prepare");
	ok(n == 1 && v[0].locked && v[0].status == POD_S_PREPARING, "listed as preparing");
	free(v);
	is_int(file_write_atomic_at(p.fd, "pod", "{}", 2, 0640, &e), 0, "write a file via fd");
	is_int(pod_transition(&p, POD_PREPARED, &e), 0, "prepare -> prepared");
	is_int(pod_unlock(&p, &e), 0, "unlock");
	is_int(pod_is_locked(&p, &e), 0, "unlocked");

	/* Open by full UUID, by prefix, and in upper case. */
	struct pod o;
	is_int(pod_open(&d, p.uuid, &o, &e), 0, "open by uuid");
	ok(o.state == POD_PREPARED, "found prepared");
	char *data_read;
	is_int(pod_read_manifest(&o, &data_read, NULL, &e), 0, "read manifest");
	is_str(data_read, "{}", "manifest content");
	free(data_read);
	pod_close(&o);
	char pre[9];
	memcpy(pre, p.uuid, 8);
	pre[8] = 0;
	is_int(pod_open(&d, pre, &o, &e), 0, "open by prefix %s", pre);
	is_str(o.uuid, p.uuid, "prefix resolves");
	pod_close(&o);
	ok(pod_open(&d, "zz", &o, &e) < 0 && errno == EINVAL, "non-hex rejected");
	ok(pod_open(&d, "00000000-0000-4000-8000-000000000000", &o, &e) < 0 && errno == ENOENT,
	   "unknown uuid: %s", e.msg);

	/* A second pod; the empty prefix would match both -> refused as invalid,
	 * a one-char common prefix is ambiguous only if they share it. */
	struct pod p2;
	is_int(pod_create_embryo(&d, &p2, &e), 0, "second embryo");
	ok(pod_open(&d, "", &o, &e) < 0, "empty prefix refused");
	is_int(pod_list(&d, 0, &v, &n, &e), 0, "list all");
	is_int(n, 2, "two pods");
	ok(v[0].state == POD_EMBRYO && v[1].state == POD_PREPARED, "listed in state order");
	free(v);

	/* Lock held by another process: a child holds it, we see it. */
	int pfd[2];
	if (pipe(pfd) < 0)
		abort();
	pid_t pid = fork();
	if (pid == 0) {
		struct err ce = {0};
		struct pod c;
		close(pfd[0]);
		if (pod_open(&d, p.uuid, &c, &ce) < 0 || pod_lock(&c, true, &ce) < 0)
			_exit(1);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	char c;
	ok(read(pfd[0], &c, 1) == 1, "child locked the pod");
	is_int(pod_open(&d, p.uuid, &o, &e), 0, "reopen");
	is_int(pod_is_locked(&o, &e), 1, "lock seen from another process");
	ok(pod_lock(&o, true, &e) < 0 && strstr(e.msg, "locked"), "nonblocking lock fails: %s",
	   e.msg);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	is_int(pod_is_locked(&o, &e), 0, "lock died with the process");

	/* prepared -> run, then a stale mover fails cleanly. */
	is_int(pod_lock(&o, true, &e), 0, "lock");
	is_int(pod_transition(&o, POD_RUN, &e), 0, "prepared -> run");
	p.state = POD_PREPARED; /* p's view is stale */
	ok(pod_transition(&p, POD_RUN, &e) < 0 && errno == ENOENT, "stale move refused: %s", e.msg);
	is_int(pod_refresh_state(&p, &e), 0, "refresh");
	ok(p.state == POD_RUN, "refreshed to run");

	/* Status files. */
	int st_;
	is_int(pod_read_app_status(&o, "a", &st_, &e), 0, "no status yet");
	is_int(pod_write_app_status_at(o.fd, "a", 3, &e), 0, "write status");
	is_int(pod_read_app_status(&o, "a", &st_, &e), 1, "status read");
	is_int(st_, 3, "status value");
	file_write_atomic_at(o.fd, "status/b", "x\n", 2, 0644, &e);
	ok(pod_read_app_status(&o, "b", &st_, &e) < 0, "bad status refused: %s", e.msg);
	pid_t ppid;
	is_int(pod_read_pid(&o, &ppid, &e), 0, "no pid");
	is_int(ppid, 0, "pid 0 when absent");
	file_write_atomic_at(o.fd, "pid", "1234\n", 5, 0644, &e);
	pod_read_pid(&o, &ppid, &e);
	is_int(ppid, 1234, "pid read");

	is_int(pod_list(&d, 1u << POD_RUN, &v, &n, &e), 0, "list run");
	ok(n == 1 && v[0].locked && v[0].status == POD_S_RUNNING, "running while locked");
	free(v);
	pod_close(&o);
	pod_close(&p);
	is_int(pod_list(&d, 1u << POD_RUN, &v, &n, &e), 0, "list run again");
	ok(n == 1 && !v[0].locked && v[0].status == POD_S_EXITED, "exited when unlocked");
	free(v);

	/* Destroy removes the tree. */
	char *p2path = pod_path(&p2);
	char *sub = xasprintf("%s/sub", p2path);
	mkdir(sub, 0755);
	free(sub);
	is_int(pod_destroy(&p2, &e), 0, "destroy");
	ok(access(p2path, F_OK) < 0 && errno == ENOENT, "embryo gone");
	free(p2path);
	free(emb);
	free(data);
	pod_dir_close(&d);
}

int main(void)
{
	char tmpl[] = "/tmp/rkt-unit-pod.XXXXXX";
	if (!mkdtemp(tmpl))
		return 1;
	test_uuid();
	test_names();
	test_lifecycle(tmpl);
	struct err e = {0};
	rm_tree(tmpl, &e);
	return done_testing();
}
