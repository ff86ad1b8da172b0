/*
 * Process hardening for `atip serve`: giving up root for an unprivileged
 * user once the listen socket and the files are open, then a seccomp
 * allow-list of the system calls serving needs (docs/deploy.md "Process
 * hardening").
 */
#ifndef ATIP_OPS_OPS_SANDBOX_H
#define ATIP_OPS_OPS_SANDBOX_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * OPS_SANITIZED is 1 in AddressSanitizer builds: LeakSanitizer stops the
 * threads at exit with ptrace from a process it clones, both of which the
 * filter forbids, so `atip serve` leaves the filter off there.
 */
#if defined(__SANITIZE_ADDRESS__)
#define OPS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || \
	__has_feature(thread_sanitizer)
#define OPS_SANITIZED 1
#endif
#endif
#ifndef OPS_SANITIZED
#define OPS_SANITIZED 0
#endif

/* The user atip serves as (ATIP_USER), as the user database gave it. */
struct ops_user {
	uid_t uid;
	gid_t gid; /* its primary group */
	char name[64];
	char home[PATH_MAX];
};

/*
 * Looks name up in the user database (before any drop or filter: NSS may
 * need files and sockets).  On failure writes why into err.
 */
bool ops_user_find(const char *name, struct ops_user *u, char *err,
		   size_t errlen);

/*
 * Root only: leaves no supplementary group and takes u's ids as the
 * effective ones, so that every file opened or created until
 * ops_user_leave() is opened with u's rights and belongs to u, and a
 * database connection made now is made as u (peer authentication).  The
 * real and saved ids stay root.
 */
bool ops_user_enter(const struct ops_user *u, char *err, size_t errlen);

/* Takes the effective ids back to root after ops_user_enter(). */
bool ops_user_leave(char *err, size_t errlen);

/*
 * Root only: gives up root for good, on every thread: no supplementary
 * groups, then u's group, then u's user, as real, effective and saved
 * ids.  Checks that the ids are u's and that neither setuid(0) nor
 * setgid(0) gets root back; false (err says why) otherwise, and the caller
 * must then exit.
 */
bool ops_user_drop(const struct ops_user *u, char *err, size_t errlen);

/*
 * Installs atip's seccomp filter on every thread of the process, and on
 * every thread started later: the system calls serving needs are
 * allowed, any other fails with EPERM (and the kernel logs it as a
 * seccomp audit record), clone3 fails with ENOSYS so that glibc falls back
 * to clone, whose flags the filter can read: only threads may be created.
 * Sets no_new_privs.  It cannot be undone.  On failure writes why into err
 * and leaves the process as it was.
 */
bool ops_sandbox_enter(char *err, size_t errlen);

#endif
