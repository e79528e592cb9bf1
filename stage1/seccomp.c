/* Seccomp (ace.md os/linux/seccomp-*, rkt's seccomp guide): a retain set
 * allows only its syscalls (plus the few an app needs to start and end), a
 * remove set blocks its syscalls; blocked calls fail with the given errno or
 * kill the app with SIGSYS. Without either isolator rkt's default blacklist
 * applies, with EPERM. Wildcards: @appc.io/all, @appc.io/empty,
 * @rkt/default-blacklist, @rkt/default-whitelist and the @docker/ twins. */
#include <errno.h>
#include <seccomp.h>
#include <string.h>

#include "stage1.h"

/* Syscalls containers have no business making (the list Docker and rkt
 * shipped as their default blacklist). */
static const char *const default_blacklist[] = {"acct",
						"add_key",
						"adjtimex",
						"bpf",
						"clock_adjtime",
						"clock_settime",
						"create_module",
						"delete_module",
						"finit_module",
						"get_kernel_syms",
						"get_mempolicy",
						"init_module",
						"ioperm",
						"iopl",
						"kcmp",
						"kexec_file_load",
						"kexec_load",
						"keyctl",
						"lookup_dcookie",
						"mbind",
						"mount",
						"move_pages",
						"name_to_handle_at",
						"nfsservctl",
						"open_by_handle_at",
						"perf_event_open",
						"pivot_root",
						"process_vm_readv",
						"process_vm_writev",
						"ptrace",
						"query_module",
						"quotactl",
						"reboot",
						"request_key",
						"set_mempolicy",
						"setns",
						"settimeofday",
						"stime",
						"swapon",
						"swapoff",
						"sysfs",
						"_sysctl",
						"umount",
						"umount2",
						"unshare",
						"uselib",
						"userfaultfd",
						"ustat",
						"vm86",
						"vm86old",
						NULL};

/* The generic syscalls of ordinary programs (the default whitelist). */
static const char *const default_whitelist[] = {"accept",
						"accept4",
						"access",
						"alarm",
						"arch_prctl",
						"bind",
						"brk",
						"capget",
						"capset",
						"chdir",
						"chmod",
						"chown",
						"chroot",
						"clock_getres",
						"clock_gettime",
						"clock_nanosleep",
						"clone",
						"clone3",
						"close",
						"close_range",
						"connect",
						"copy_file_range",
						"creat",
						"dup",
						"dup2",
						"dup3",
						"epoll_create",
						"epoll_create1",
						"epoll_ctl",
						"epoll_pwait",
						"epoll_pwait2",
						"epoll_wait",
						"eventfd",
						"eventfd2",
						"execve",
						"execveat",
						"exit",
						"exit_group",
						"faccessat",
						"faccessat2",
						"fadvise64",
						"fallocate",
						"fanotify_mark",
						"fchdir",
						"fchmod",
						"fchmodat",
						"fchown",
						"fchownat",
						"fcntl",
						"fdatasync",
						"fgetxattr",
						"flistxattr",
						"flock",
						"fork",
						"fremovexattr",
						"fsetxattr",
						"fstat",
						"fstatfs",
						"fsync",
						"ftruncate",
						"futex",
						"futimesat",
						"getcpu",
						"getcwd",
						"getdents",
						"getdents64",
						"getegid",
						"geteuid",
						"getgid",
						"getgroups",
						"getitimer",
						"getpeername",
						"getpgid",
						"getpgrp",
						"getpid",
						"getppid",
						"getpriority",
						"getrandom",
						"getresgid",
						"getresuid",
						"getrlimit",
						"get_robust_list",
						"getrusage",
						"getsid",
						"getsockname",
						"getsockopt",
						"get_thread_area",
						"gettid",
						"gettimeofday",
						"getuid",
						"getxattr",
						"inotify_add_watch",
						"inotify_init",
						"inotify_init1",
						"inotify_rm_watch",
						"io_cancel",
						"ioctl",
						"io_destroy",
						"io_getevents",
						"ioprio_get",
						"ioprio_set",
						"io_setup",
						"io_submit",
						"kill",
						"lchown",
						"lgetxattr",
						"link",
						"linkat",
						"listen",
						"listxattr",
						"llistxattr",
						"lremovexattr",
						"lseek",
						"lsetxattr",
						"lstat",
						"madvise",
						"memfd_create",
						"mincore",
						"mkdir",
						"mkdirat",
						"mknod",
						"mknodat",
						"mlock",
						"mlock2",
						"mlockall",
						"mmap",
						"modify_ldt",
						"mprotect",
						"mq_getsetattr",
						"mq_notify",
						"mq_open",
						"mq_timedreceive",
						"mq_timedsend",
						"mq_unlink",
						"mremap",
						"msgctl",
						"msgget",
						"msgrcv",
						"msgsnd",
						"msync",
						"munlock",
						"munlockall",
						"munmap",
						"nanosleep",
						"newfstatat",
						"open",
						"openat",
						"openat2",
						"pause",
						"personality",
						"pipe",
						"pipe2",
						"poll",
						"ppoll",
						"prctl",
						"pread64",
						"preadv",
						"preadv2",
						"prlimit64",
						"pselect6",
						"pwrite64",
						"pwritev",
						"pwritev2",
						"read",
						"readahead",
						"readlink",
						"readlinkat",
						"readv",
						"recvfrom",
						"recvmmsg",
						"recvmsg",
						"remap_file_pages",
						"removexattr",
						"rename",
						"renameat",
						"renameat2",
						"restart_syscall",
						"rmdir",
						"rseq",
						"rt_sigaction",
						"rt_sigpending",
						"rt_sigprocmask",
						"rt_sigqueueinfo",
						"rt_sigreturn",
						"rt_sigsuspend",
						"rt_sigtimedwait",
						"rt_tgsigqueueinfo",
						"sched_getaffinity",
						"sched_getattr",
						"sched_getparam",
						"sched_get_priority_max",
						"sched_get_priority_min",
						"sched_getscheduler",
						"sched_rr_get_interval",
						"sched_setaffinity",
						"sched_setattr",
						"sched_setparam",
						"sched_setscheduler",
						"sched_yield",
						"seccomp",
						"select",
						"semctl",
						"semget",
						"semop",
						"semtimedop",
						"sendfile",
						"sendmmsg",
						"sendmsg",
						"sendto",
						"setfsgid",
						"setfsuid",
						"setgid",
						"setgroups",
						"setitimer",
						"setpgid",
						"setpriority",
						"setregid",
						"setresgid",
						"setresuid",
						"setreuid",
						"setrlimit",
						"set_robust_list",
						"setsid",
						"setsockopt",
						"set_thread_area",
						"set_tid_address",
						"setuid",
						"setxattr",
						"shmat",
						"shmctl",
						"shmdt",
						"shmget",
						"shutdown",
						"sigaltstack",
						"signalfd",
						"signalfd4",
						"socket",
						"socketpair",
						"splice",
						"stat",
						"statfs",
						"statx",
						"symlink",
						"symlinkat",
						"sync",
						"sync_file_range",
						"syncfs",
						"sysinfo",
						"syslog",
						"tee",
						"tgkill",
						"time",
						"timer_create",
						"timer_delete",
						"timerfd_create",
						"timerfd_gettime",
						"timerfd_settime",
						"timer_getoverrun",
						"timer_gettime",
						"timer_settime",
						"times",
						"tkill",
						"truncate",
						"umask",
						"uname",
						"unlink",
						"unlinkat",
						"utime",
						"utimensat",
						"utimes",
						"vfork",
						"vmsplice",
						"wait4",
						"waitid",
						"write",
						"writev",
						NULL};

/* What stage1 itself calls after the filter is loaded, and what any app
 * needs to start and to end (the spec's "minimum set for app life-cycle"). */
static const char *const lifecycle[] = {"execve",    "exit",	  "exit_group",	 "rt_sigreturn",
					"setresuid", "setresgid", "setgroups",	 "capset",
					"capget",    "prctl",	  "close_range", "close",
					"write",     "umask",	  NULL};

#define E(x)                                                                                       \
	{                                                                                          \
#x, x                                                                              \
	}
static const struct {
	const char *name;
	int val;
} errnos[] = {
    E(EPERM),	     E(ENOENT),	       E(ESRCH),	   E(EINTR),
    E(EIO),	     E(ENXIO),	       E(E2BIG),	   E(ENOEXEC),
    E(EBADF),	     E(ECHILD),	       E(EAGAIN),	   E(ENOMEM),
    E(EACCES),	     E(EFAULT),	       E(EBUSY),	   E(EEXIST),
    E(EXDEV),	     E(ENODEV),	       E(ENOTDIR),	   E(EISDIR),
    E(EINVAL),	     E(ENFILE),	       E(EMFILE),	   E(ENOTTY),
    E(ETXTBSY),	     E(EFBIG),	       E(ENOSPC),	   E(ESPIPE),
    E(EROFS),	     E(EMLINK),	       E(EPIPE),	   E(EDOM),
    E(ERANGE),	     E(EDEADLK),       E(ENAMETOOLONG),	   E(ENOLCK),
    E(ENOSYS),	     E(ENOTEMPTY),     E(ELOOP),	   E(EWOULDBLOCK),
    E(ENOMSG),	     E(EIDRM),	       E(ENOSTR),	   E(ENODATA),
    E(ETIME),	     E(ENOSR),	       E(ENOLINK),	   E(EPROTO),
    E(EMULTIHOP),    E(EBADMSG),       E(EOVERFLOW),	   E(EILSEQ),
    E(EUSERS),	     E(ENOTSOCK),      E(EDESTADDRREQ),	   E(EMSGSIZE),
    E(EPROTOTYPE),   E(ENOPROTOOPT),   E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT),
    E(EOPNOTSUPP),   E(ENOTSUP),       E(EPFNOSUPPORT),	   E(EAFNOSUPPORT),
    E(EADDRINUSE),   E(EADDRNOTAVAIL), E(ENETDOWN),	   E(ENETUNREACH),
    E(ENETRESET),    E(ECONNABORTED),  E(ECONNRESET),	   E(ENOBUFS),
    E(EISCONN),	     E(ENOTCONN),      E(ESHUTDOWN),	   E(ETOOMANYREFS),
    E(ETIMEDOUT),    E(ECONNREFUSED),  E(EHOSTDOWN),	   E(EHOSTUNREACH),
    E(EALREADY),     E(EINPROGRESS),   E(ESTALE),	   E(EDQUOT),
    E(ECANCELED),    E(EOWNERDEAD),    E(ENOTRECOVERABLE), E(ENOMEDIUM),
    E(EMEDIUMTYPE),  E(ENOKEY),	       E(EKEYEXPIRED),	   E(EKEYREVOKED),
    E(EKEYREJECTED), E(ERFKILL),       E(EHWPOISON),	   E(ECHRNG),
    E(EL2NSYNC),     E(EL3HLT),	       E(EL3RST),	   E(ELNRNG),
    E(EUNATCH),	     E(ENOCSI),	       E(EL2HLT),	   E(EBADE),
    E(EBADR),	     E(EXFULL),	       E(ENOANO),	   E(EBADRQC),
    E(EBADSLT),	     E(EBFONT),	       E(ENONET),	   E(ENOPKG),
    E(EREMOTE),	     E(EADV),	       E(ESRMNT),	   E(ECOMM),
    E(EDOTDOT),	     E(ENOTUNIQ),      E(EBADFD),	   E(EREMCHG),
    E(ELIBACC),	     E(ELIBBAD),       E(ELIBSCN),	   E(ELIBMAX),
    E(ELIBEXEC),     E(ERESTART),      E(ESTRPIPE),	   E(EUCLEAN),
    E(ENOTNAM),	     E(ENAVAIL),       E(EISNAM),	   E(EREMOTEIO),
};
#undef E

int errno_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].val;
	return -1;
}

/* Add each syscall of list with action; names unknown to this architecture
 * are skipped in built-in lists and errors in the app's own set. */
static int add_list(scmp_filter_ctx ctx, uint32_t action, const char *const *list, bool strict,
		    struct err *e)
{
	for (; *list; list++) {
		int nr = seccomp_syscall_resolve_name(*list);
		if (nr == __NR_SCMP_ERROR) {
			if (strict)
				return err_set(e, "seccomp: unknown syscall \"%s\"", *list);
			continue;
		}
		int r = seccomp_rule_add(ctx, action, nr, 0);
		if (r < 0 && r != -EEXIST)
			return err_set(e, "seccomp: rule for %s: %s", *list, strerror(-r));
	}
	return 0;
}

static int add_set(scmp_filter_ctx ctx, uint32_t action, char **set, struct err *e)
{
	for (char **s = set; s && *s; s++) {
		const char *const one[] = {*s, NULL};
		const char *const *list = one;
		if (!strcmp(*s, "@rkt/default-blacklist") ||
		    !strcmp(*s, "@docker/default-blacklist"))
			list = default_blacklist;
		else if (!strcmp(*s, "@rkt/default-whitelist") ||
			 !strcmp(*s, "@docker/default-whitelist"))
			list = default_whitelist;
		else if ((*s)[0] == '@')
			return err_set(e, "seccomp: unknown wildcard \"%s\"", *s);
		if (add_list(ctx, action, list, list == one, e) < 0)
			return -1;
	}
	return 0;
}

static bool set_has(char **set, const char *v)
{
	for (char **s = set; s && *s; s++)
		if (!strcmp(*s, v))
			return true;
	return false;
}

int seccomp_build(const struct s1_isolators *iso, void **out, struct err *e)
{
	uint32_t blocked = SCMP_ACT_KILL_PROCESS;
	*out = NULL;
	if (iso->seccomp_errno && *iso->seccomp_errno) {
		int v = errno_from_name(iso->seccomp_errno);
		if (v < 0)
			return err_set(e, "seccomp: unknown errno \"%s\"", iso->seccomp_errno);
		blocked = SCMP_ACT_ERRNO((uint16_t)v);
	}
	if (iso->seccomp_mode == S1_SECCOMP_RETAIN && set_has(iso->seccomp_set, "@appc.io/all"))
		return 0;
	if (iso->seccomp_mode != S1_SECCOMP_DEFAULT && !strv_len(iso->seccomp_set))
		return err_set(e, "seccomp: the set must not be empty");

	scmp_filter_ctx ctx;
	int r = 0;
	if (iso->seccomp_mode == S1_SECCOMP_RETAIN) {
		ctx = seccomp_init(blocked);
		if (ctx)
			r = add_set(ctx, SCMP_ACT_ALLOW, iso->seccomp_set, e) < 0 ||
				    add_list(ctx, SCMP_ACT_ALLOW, lifecycle, false, e) < 0
				? -1
				: 0;
	} else {
		ctx = seccomp_init(SCMP_ACT_ALLOW);
		if (ctx && iso->seccomp_mode == S1_SECCOMP_DEFAULT)
			r = add_list(ctx, SCMP_ACT_ERRNO(EPERM), default_blacklist, false, e);
		else if (ctx && set_has(iso->seccomp_set, "@appc.io/empty"))
			r = add_list(ctx, blocked, default_blacklist, false, e);
		else if (ctx)
			r = add_set(ctx, blocked, iso->seccomp_set, e);
	}
	if (!ctx)
		return err_set(e, "seccomp: cannot make a filter");
	/* stage1 decides about no_new_privs itself (os/linux/no-new-privileges). */
	if (r == 0 && seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0)
		r = err_set(e, "seccomp: cannot clear the no_new_privs attribute");
	if (r < 0) {
		seccomp_release(ctx);
		return -1;
	}
	*out = ctx;
	return 0;
}

int seccomp_load_ctx(void *ctx, struct err *e)
{
	if (!ctx)
		return 0;
	int r = seccomp_load(ctx);
	if (r < 0) {
		errno = -r;
		return err_sys(e, "load the seccomp filter");
	}
	return 0;
}
