/*
 * Unit tests of src/ops/ops_sandbox.c: the seccomp filter and the
 * privilege drop, each in a child process (both cannot be undone).  The
 * filter is tested in the sanitizer build too: the child leaves with
 * _exit(), so LeakSanitizer's exit-time check, which needs ptrace, never
 * runs under the filter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ops/ops_sandbox.h"

enum { CHILD_OK = 42 }; /* not 0: /bin/true run by mistake exits 0 */

static char bin_true[] = "/bin/true";
static char *const true_argv[] = { bin_true, NULL };
static char *const no_env[] = { NULL };

/* The first check that failed in the child, for the parent to report. */
static int report_fd = -1;

static int
child_fail(const char *what)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%s (errno %d: %s)", what, errno,
			 strerror(errno));

	if (write(report_fd, line, (size_t)n) < 0)
		return 1;
	return 1;
}

#define CHECK(cond, what)                        \
	do {                                     \
		if (!(cond))                     \
			_exit(child_fail(what)); \
	} while (0)

/* Runs body in a child and asserts that it reached CHILD_OK. */
static void
in_child(void (*body)(void *), void *arg)
{
	char msg[256] = "";
	int p[2], status = 0;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		report_fd = p[1];
		body(arg);
		_exit(CHILD_OK);
	}
	close(p[1]);
	n = read(p[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("child: killed by signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) != CHILD_OK)
		fail_msg("child: %s", *msg ? msg
				      : WEXITSTATUS(status) == 0
					      ? "exited 0: a program ran"
					      : "exited early");
}

static void *
thread_body(void *arg)
{
	return arg;
}

/* A listening TCP socket on 127.0.0.1; its port in *port. */
static int
listener(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void
filtered_child(void *arg)
{
	uint16_t port = *(uint16_t *)arg;
	char path[] = "/tmp/atip-sandbox-XXXXXX", err[256], back[6] = "";
	struct sockaddr_in a = { .sin_family = AF_INET };
	unsigned char rnd[16];
	struct timespec ts;
	pthread_t t;
	void *ret = NULL;
	int fd, s;
	pid_t pid;

	CHECK(ops_sandbox_enter(err, sizeof(err)), err);
	/* What atip must never do. */
	errno = 0;
	CHECK(execve(bin_true, true_argv, no_env) == -1 && errno == EPERM,
	      "execve(/bin/true) is refused with EPERM");
	errno = 0;
	CHECK(syscall(SYS_execveat, AT_FDCWD, bin_true, true_argv, no_env, 0) ==
			      -1 &&
		      errno == EPERM,
	      "execveat is refused with EPERM");
	errno = 0;
	CHECK(ptrace(PTRACE_TRACEME, 0, NULL, NULL) == -1 && errno == EPERM,
	      "ptrace is refused with EPERM");
	errno = 0;
	pid = fork();
	if (pid == 0)
		_exit(0); /* the filter let a process be made */
	CHECK(pid == -1 && errno == EPERM, "fork is refused with EPERM");
	errno = 0;
	CHECK(unshare(0) == -1 && errno == EPERM,
	      "unshare is refused with EPERM");
	errno = 0;
	CHECK(setuid(getuid()) == -1 && errno == EPERM,
	      "setuid is refused with EPERM");
	errno = 0;
	CHECK(socket(AF_PACKET, SOCK_RAW, 0) == -1 && errno == EPERM,
	      "a packet socket is refused with EPERM");
	errno = 0;
	CHECK(ioctl(0, TIOCSTI, "x") == -1 && errno == EPERM,
	      "ioctl TIOCSTI is refused with EPERM");

	/* What serving needs. */
	fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp in /tmp");
	CHECK(write(fd, "atip\n", 5) == 5, "write to the temporary file");
	CHECK(fsync(fd) == 0, "fsync");
	CHECK(pread(fd, back, 5, 0) == 5 && !memcmp(back, "atip\n", 5),
	      "pread the bytes back");
	CHECK(close(fd) == 0 && unlink(path) == 0, "close and unlink");
	CHECK(open("/etc/hostname", O_RDONLY | O_CLOEXEC) >= 0 ||
		      errno == ENOENT,
	      "open a file read-only");
	CHECK(getrandom(rnd, sizeof(rnd), 0) == (ssize_t)sizeof(rnd),
	      "getrandom");
	CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0 &&
		      clock_gettime(CLOCK_MONOTONIC, &ts) == 0,
	      "clock_gettime");
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(s >= 0, "an IPv4 TCP socket");
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	CHECK(connect(s, (struct sockaddr *)&a, sizeof(a)) == 0,
	      "connect to 127.0.0.1");
	CHECK(write(s, "ping", 4) == 4, "send on the socket");
	close(s);
	CHECK(socket(AF_UNIX, SOCK_STREAM, 0) >= 0, "a Unix socket");
	CHECK(socket(AF_INET6, SOCK_DGRAM, 0) >= 0, "an IPv6 UDP socket");
	CHECK(malloc(64 << 20) != NULL, "a large allocation (mmap)");
	CHECK(pthread_create(&t, NULL, thread_body, rnd) == 0 &&
		      pthread_join(t, &ret) == 0 && ret == rnd,
	      "a thread starts and is joined (clone3 falls back to clone)");
	CHECK(sched_yield() == 0, "sched_yield");
}

static void
filter_refuses_exec_ptrace_fork_and_allows_serving_calls(void **state)
{
	char got[5] = "";
	uint16_t port;
	int l = listener(&port), c;

	(void)state;
	in_child(filtered_child, &port);
	c = accept(l, NULL, NULL);
	assert_true(c >= 0);
	assert_int_equal(read(c, got, 4), 4);
	assert_string_equal(got, "ping");
	close(c);
	close(l);
}

/* A thread that, once told, tries to run a program; returns errno. */
static void *
early_thread(void *arg)
{
	int *go = arg;
	char c;

	if (read(go[0], &c, 1) != 1)
		return (void *)(intptr_t)-1;
	errno = 0;
	execve(bin_true, true_argv, no_env);
	return (void *)(intptr_t)errno;
}

static void
early_child(void *arg)
{
	char err[256];
	void *ret = NULL;
	pthread_t t;
	int go[2];

	(void)arg;
	CHECK(pipe(go) == 0, "pipe");
	CHECK(pthread_create(&t, NULL, early_thread, go) == 0,
	      "start a thread before the filter");
	CHECK(ops_sandbox_enter(err, sizeof(err)), err);
	CHECK(write(go[1], "x", 1) == 1, "wake the thread");
	CHECK(pthread_join(t, &ret) == 0, "join the thread");
	errno = (int)(intptr_t)ret;
	CHECK(ret == (void *)(intptr_t)EPERM,
	      "the filter covers a thread started before it (execve there "
	      "is refused with EPERM)");
}

static void
filter_covers_threads_started_before_it(void **state)
{
	(void)state;
	in_child(early_child, NULL);
}

static void
drop_child(void *arg)
{
	const char *dir = arg;
	char err[256], path[512];
	struct ops_user u;
	struct stat st;
	int fd;

	CHECK(ops_user_find("nobody", &u, err, sizeof(err)), err);
	if (geteuid() != 0) {
		/* Only root can drop: anyone else is refused. */
		CHECK(!ops_user_drop(&u, err, sizeof(err)),
		      "ops_user_drop refuses a non-root caller");
		return;
	}
	/* Effective ids only: files made now belong to nobody... */
	CHECK(ops_user_enter(&u, err, sizeof(err)), err);
	CHECK(geteuid() == u.uid && getegid() == u.gid && getuid() == 0,
	      "effective ids are nobody's, the real ones root's");
	snprintf(path, sizeof(path), "%s/made-as-nobody", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	CHECK(fd >= 0, "nobody creates a file in its directory");
	CHECK(fstat(fd, &st) == 0 && st.st_uid == u.uid && st.st_gid == u.gid,
	      "the file belongs to nobody");
	close(fd);
	/* ...until root takes them back. */
	CHECK(ops_user_leave(err, sizeof(err)), err);
	CHECK(geteuid() == 0 && getegid() == 0, "root again");
	CHECK(ops_user_drop(&u, err, sizeof(err)), err);
	CHECK(getuid() == u.uid && geteuid() == u.uid && getgid() == u.gid &&
		      getegid() == u.gid && getgroups(0, NULL) == 0,
	      "real and effective ids are nobody's, no other group");
	errno = 0;
	CHECK(setuid(0) == -1 && errno == EPERM, "setuid(0) is refused");
	CHECK(seteuid(0) == -1, "seteuid(0) is refused");
	CHECK(setgid(0) == -1, "setgid(0) is refused");
	CHECK(open("/etc/shadow", O_RDONLY | O_CLOEXEC) == -1 &&
		      errno == EACCES,
	      "root's files are out of reach");
	/* The filter goes on after the drop (no_new_privs, no root). */
	CHECK(ops_sandbox_enter(err, sizeof(err)), err);
	errno = 0;
	CHECK(execve(bin_true, true_argv, no_env) == -1 && errno == EPERM,
	      "execve after the drop is refused with EPERM");
}

static void
drop_gives_up_root_for_good(void **state)
{
	char dir[] = "/tmp/atip-drop-XXXXXX", path[512];
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* nobody may write there; the directory is left for it to use. */
	assert_int_equal(chmod(dir, 0777), 0);
	in_child(drop_child, dir);
	snprintf(path, sizeof(path), "%s/made-as-nobody", dir);
	if (geteuid() == 0) {
		assert_int_equal(stat(path, &st), 0);
		assert_int_not_equal(st.st_uid, 0);
		assert_int_equal(unlink(path), 0);
	}
	assert_int_equal(rmdir(dir), 0);
}

static void
unknown_user_is_refused(void **state)
{
	struct ops_user u;
	char err[256];

	(void)state;
	assert_false(
		ops_user_find("atip-no-such-user-x9", &u, err, sizeof(err)));
	assert_non_null(strstr(err, "atip-no-such-user-x9"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			filter_refuses_exec_ptrace_fork_and_allows_serving_calls),
		cmocka_unit_test(filter_covers_threads_started_before_it),
		cmocka_unit_test(drop_gives_up_root_for_good),
		cmocka_unit_test(unknown_user_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
