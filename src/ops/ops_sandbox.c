/*
 * Process hardening: the privilege drop and the seccomp filter of `atip
 * serve`.  The filter is an allow-list: each call below is there because
 * atip, glibc or a library atip links (libmicrohttpd, SQLite, libpq,
 * libcurl and its resolver, GnuTLS and OpenSSL, libsodium, libmagic, ICU,
 * libxlsxwriter) makes it while serving.  Everything else fails with
 * EPERM rather than killing the process, so a call missed here makes one
 * request fail and leaves a seccomp record in the kernel log
 * (SECCOMP_FILTER_FLAG_LOG), instead of taking the service down.
 */
#include "ops/ops_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/netlink.h>
#include <pwd.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <seccomp.h>

bool
ops_user_find(const char *name, struct ops_user *u, char *err, size_t errlen)
{
	struct passwd pw, *found = NULL;
	char buf[16384];
	int rc;

	memset(u, 0, sizeof(*u));
	rc = getpwnam_r(name, &pw, buf, sizeof(buf), &found);
	if (!found) {
		snprintf(err, errlen, "ATIP_USER: no user %s%s%s", name,
			 rc ? ": " : "", rc ? strerror(rc) : "");
		return false;
	}
	if (strlen(pw.pw_name) >= sizeof(u->name) ||
	    strlen(pw.pw_dir) >= sizeof(u->home)) {
		snprintf(err, errlen, "ATIP_USER: %s: name or home too long",
			 name);
		return false;
	}
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	memcpy(u->name, pw.pw_name, strlen(pw.pw_name) + 1);
	memcpy(u->home, pw.pw_dir, strlen(pw.pw_dir) + 1);
	return true;
}

bool
ops_user_enter(const struct ops_user *u, char *err, size_t errlen)
{
	/* glibc applies each of these to every thread of the process. */
	if (setgroups(0, NULL) || setegid(u->gid) || seteuid(u->uid)) {
		snprintf(err, errlen, "cannot act as %s: %s", u->name,
			 strerror(errno));
		return false;
	}
	return true;
}

bool
ops_user_leave(char *err, size_t errlen)
{
	if (seteuid(0) || setegid(0)) {
		snprintf(err, errlen, "cannot act as root again: %s",
			 strerror(errno));
		return false;
	}
	return true;
}

bool
ops_user_drop(const struct ops_user *u, char *err, size_t errlen)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (u->uid == 0 || u->gid == 0) {
		snprintf(err, errlen, "ATIP_USER: %s is root or in group root",
			 u->name);
		return false;
	}
	/* Groups first: once the user id is not 0, they cannot change. */
	if (setgroups(0, NULL) || setresgid(u->gid, u->gid, u->gid) ||
	    setresuid(u->uid, u->uid, u->uid)) {
		snprintf(err, errlen, "cannot become %s: %s", u->name,
			 strerror(errno));
		return false;
	}
	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg) ||
	    ru != u->uid || eu != u->uid || su != u->uid || rg != u->gid ||
	    eg != u->gid || sg != u->gid || getgroups(0, NULL) != 0) {
		snprintf(err, errlen, "the ids of %s did not all take",
			 u->name);
		return false;
	}
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 ||
	    setegid(0) == 0) {
		snprintf(err, errlen, "root could be regained after the drop");
		return false;
	}
	return true;
}

/* ---- The seccomp filter --------------------------------------------- */

/* Allowed whatever their arguments. */
/* clang-format off */
static const char *const allowed[] = {
	/* memory: malloc, thread stacks, SQLite's shared WAL index,
	 * libsodium's guarded and locked pages, dlopen of NSS modules */
	"brk", "mmap", "munmap", "mremap", "mprotect", "madvise", "mlock",
	"mlock2", "munlock", "msync",
	/* threads and their synchronisation (clone: see below) */
	"futex", "set_robust_list", "get_robust_list", "rseq", "gettid",
	"sched_yield", "sched_getaffinity", "exit", "exit_group",
	"restart_syscall",
	/* signals: masks, handlers, sigwait() in the main thread */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait",
	"sigaltstack",
	/* time */
	"clock_gettime", "clock_getres", "clock_nanosleep", "gettimeofday",
	"nanosleep", "time",
	/* files: the database and its WAL, checkpoints, the keyring,
	 * spreadsheet temporaries, static files, CA certificates, the magic
	 * database, ICU and iso-codes data */
	"read", "write", "pread64", "pwrite64", "readv", "writev", "preadv",
	"pwritev", "preadv2", "pwritev2", "lseek", "open", "openat", "close",
	"close_range", "fstat", "stat", "lstat", "newfstatat", "statx",
	"fstatfs", "statfs", "fcntl", "flock", "fsync", "fdatasync",
	"ftruncate", "fallocate", "fadvise64", "fchmod", "unlink", "unlinkat",
	"rename", "renameat", "renameat2", "mkdir", "mkdirat", "getdents64",
	"readlink", "readlinkat", "access", "faccessat", "faccessat2",
	"getcwd", "dup", "dup2", "dup3", "pipe", "pipe2", "sendfile",
	/* event loops: libmicrohttpd (epoll, eventfd), libcurl, libpq */
	"epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
	"epoll_pwait", "epoll_pwait2", "eventfd", "eventfd2", "poll", "ppoll",
	"select", "pselect6",
	/* sockets (socket: see below): serving, PostgreSQL, webhooks, DNS */
	"socketpair", "bind", "connect", "accept", "accept4", "getsockname",
	"getpeername", "setsockopt", "getsockopt", "shutdown", "sendto",
	"recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg",
	/* randomness, identity, limits */
	"getrandom", "getpid", "getppid", "getuid", "geteuid", "getgid",
	"getegid", "getresuid", "getresgid", "getgroups", "uname", "sysinfo",
	"getrlimit", "prlimit64", "getrusage",
};

/*
 * Never allowed, whatever is added above: running programs, making
 * processes, debugging others, changing ids or owners, mounts and
 * namespaces, the kernel's own state.  ops_sandbox_enter() refuses a
 * table that names any of them.
 */
static const char *const forbidden[] = {
	"execve", "execveat", "fork", "vfork", "ptrace", "process_vm_readv",
	"process_vm_writev", "kcmp", "pidfd_open", "pidfd_getfd",
	"setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid",
	"setgroups", "setfsuid", "setfsgid", "capset", "chown", "fchown",
	"lchown", "fchownat",
	"mount", "umount2", "pivot_root", "chroot", "move_mount", "fsopen",
	"fsmount", "open_tree", "unshare", "setns",
	"kexec_load", "kexec_file_load", "init_module", "finit_module",
	"delete_module", "bpf", "perf_event_open", "userfaultfd", "keyctl",
	"add_key", "request_key", "reboot", "swapon", "swapoff", "syslog",
	"acct", "settimeofday", "clock_settime", "adjtimex", "clock_adjtime",
	"iopl", "ioperm", "personality", "seccomp", "listen",
	"io_uring_setup", "io_uring_enter", "memfd_create",
	"name_to_handle_at", "open_by_handle_at", "quotactl", "vhangup",
	"lookup_dcookie",
};
/* clang-format on */

static bool
is_forbidden(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
		if (!strcmp(forbidden[i], name))
			return true;
	return false;
}

/* Adds one rule; a call this kernel's architecture lacks is skipped. */
static int
rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned ncmp,
     const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR || nr < 0)
		return 0;
	return seccomp_rule_add_array(ctx, action, nr, ncmp, cmp);
}

/*
 * The calls allowed only with some arguments: threads but no processes,
 * the socket families atip uses, a few ioctls and prctls, signals to its
 * own threads.
 */
static int
argument_rules(scmp_filter_ctx ctx)
{
	static const int families[] = { AF_UNIX, AF_INET, AF_INET6 };
	/* isatty() from stdio; non-blocking and close-on-exec by ioctl;
	 * bytes waiting on a socket */
	static const unsigned long ioctls[] = { TCGETS,	 TIOCGWINSZ, FIONREAD,
						FIONBIO, FIOCLEX,    FIONCLEX };
	static const int prctls[] = { PR_SET_NAME, PR_GET_NAME };
	struct scmp_arg_cmp c[1];
	int rc = 0;
	size_t i;

	/* clone() only with CLONE_THREAD: pthread_create, never fork. */
	c[0] = SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	rc = rc ? rc : rule(ctx, SCMP_ACT_ALLOW, "clone", 1, c);
	/* clone3's flags sit in memory the filter cannot read: ENOSYS
	 * makes glibc use clone() instead. */
	rc = rc ? rc : rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		c[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)families[i]);
		rc = rc ? rc : rule(ctx, SCMP_ACT_ALLOW, "socket", 1, c);
	}
	/* getaddrinfo() asks the kernel for the host's addresses over
	 * NETLINK_ROUTE (AI_ADDRCONFIG); no other netlink. */
	{
		struct scmp_arg_cmp nl[2] = {
			SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
			SCMP_A2(SCMP_CMP_EQ, NETLINK_ROUTE),
		};

		rc = rc ? rc : rule(ctx, SCMP_ACT_ALLOW, "socket", 2, nl);
	}
	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
		c[0] = SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t)ioctls[i]);
		rc = rc ? rc : rule(ctx, SCMP_ACT_ALLOW, "ioctl", 1, c);
	}
	for (i = 0; i < sizeof(prctls) / sizeof(prctls[0]); i++) {
		c[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)prctls[i]);
		rc = rc ? rc : rule(ctx, SCMP_ACT_ALLOW, "prctl", 1, c);
	}
	/* abort() and pthread_kill(): signals to atip's own threads. */
	c[0] = SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid());
	rc = rc ? rc : rule(ctx, SCMP_ACT_ALLOW, "tgkill", 1, c);
	return rc;
}

bool
ops_sandbox_enter(char *err, size_t errlen)
{
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (is_forbidden(allowed[i])) {
			snprintf(err, errlen,
				 "seccomp: %s is both allowed and forbidden",
				 allowed[i]);
			return false;
		}
	}
	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx) {
		snprintf(err, errlen, "seccomp: libseccomp cannot start");
		return false;
	}
	/* A system call of another architecture (int 0x80 on x86-64) is an
	 * attack, never a missed entry. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
			      SCMP_ACT_KILL_PROCESS);
	rc = rc ? rc : seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	rc = rc ? rc : seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	/* Refused calls reach the kernel log; older kernels lack the flag,
	 * and the filter works without it. */
	if (!rc && seccomp_api_get() >= 3)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	for (i = 0; !rc && i < sizeof(allowed) / sizeof(allowed[0]); i++)
		rc = rule(ctx, SCMP_ACT_ALLOW, allowed[i], 0, NULL);
	rc = rc ? rc : argument_rules(ctx);
	rc = rc ? rc : seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc) {
		snprintf(err, errlen, "seccomp: cannot install the filter: %s",
			 strerror(-rc));
		return false;
	}
	return true;
}
