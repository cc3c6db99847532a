/*
 * SwiftEAL internal: the rte_mp datagram between processes, and the socket and
 * futex calls Swift cannot spell (CMSG_* are macros). The logic is in
 * Sources/SwiftEAL/MultiProcess.
 */
#ifndef EAL_MP_H
#define EAL_MP_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <linux/futex.h>
#include <rte_eal.h>

/* What a datagram is (eal_mp_wire.type). */
#define EAL_MP_MSG 0   /* one-way message (rte_mp_sendmsg) */
#define EAL_MP_REQ 1   /* request: the peer answers with EAL_MP_REP or EAL_MP_IGN */
#define EAL_MP_REP 2   /* reply (rte_mp_reply) */
#define EAL_MP_IGN 3   /* "not ready, do not count me": a request came before init ended */

/*
 * One datagram: a header, then struct rte_mp_msg up to (not including) its fds,
 * which travel as SCM_RIGHTS. `seq` numbers requests; a reply carries the number of
 * the request it answers (0: unknown), so a reply that comes after its request timed
 * out is not taken for the answer to the next request of the same name.
 */
struct eal_mp_wire {
	int32_t type;
	uint32_t seq;
	struct rte_mp_msg msg;
};

/* Bytes on the wire: everything but msg.fds. */
#define EAL_MP_WIRE_LEN (offsetof(struct eal_mp_wire, msg) + offsetof(struct rte_mp_msg, fds))

/* Room for the largest SCM_RIGHTS control message. */
#define EAL_MP_CONTROL_LEN CMSG_SPACE(sizeof(int) * RTE_MP_MAX_FD_NUM)

static inline size_t
eal_mp_wire_len(void)
{
	return EAL_MP_WIRE_LEN;
}

static inline size_t
eal_mp_control_len(void)
{
	return EAL_MP_CONTROL_LEN;
}

static inline int
eal_mp_bind(int fd, const struct sockaddr_un *addr, socklen_t len)
{
	return bind(fd, (const struct sockaddr *)addr, len);
}

static inline int
eal_mp_connect(int fd, const struct sockaddr_un *addr, socklen_t len)
{
	return connect(fd, (const struct sockaddr *)addr, len);
}

/* Attaches n fds (1..RTE_MP_MAX_FD_NUM) to mh, in `control` (EAL_MP_CONTROL_LEN bytes). */
static inline void
eal_mp_put_fds(struct msghdr *mh, void *control, const int *fds, int n)
{
	struct cmsghdr *c;

	memset(control, 0, EAL_MP_CONTROL_LEN);
	mh->msg_control = control;
	mh->msg_controllen = CMSG_SPACE(sizeof(int) * n);
	c = CMSG_FIRSTHDR(mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
}

/*
 * The fds a received message carried: up to `max` go to `fds`, any more are closed.
 * Returns how many were stored.
 */
static inline int
eal_mp_take_fds(struct msghdr *mh, int *fds, int max)
{
	struct cmsghdr *c;
	int got = 0;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		int n, i;
		const unsigned char *data;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		data = CMSG_DATA(c);
		for (i = 0; i < n; i++) {
			int fd;
			memcpy(&fd, data + i * sizeof(int), sizeof(int));
			if (got < max)
				fds[got++] = fd;
			else
				close(fd);
		}
	}
	return got;
}

/*
 * Sleeps while *word == expected, until woken or CLOCK_MONOTONIC reaches `deadline`.
 * Returns 0 when woken (or the word changed), or the errno (ETIMEDOUT, EINTR).
 */
static inline int
eal_mp_futex_wait_until(uint32_t *word, uint32_t expected, const struct timespec *deadline)
{
	long r = syscall(SYS_futex, word, FUTEX_WAIT_BITSET_PRIVATE, expected, deadline,
			 NULL, FUTEX_BITSET_MATCH_ANY);
	if (r == 0)
		return 0;
	return *__errno_location() == EAGAIN ? 0 : *__errno_location();
}

static inline void
eal_mp_futex_wake_all(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 0x7fffffff, NULL, NULL, 0);
}

#endif
