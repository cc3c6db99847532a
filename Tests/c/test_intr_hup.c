/*
 * An RTE_INTR_HANDLE_EXT source whose fd hangs up (a pipe whose writer closed) and has
 * nothing left to read is reported by epoll for ever. DPDK (and SwiftEAL before) then
 * ran its callbacks about a million times a second; now, once the callbacks have run
 * for a hang-up that persists, the fd is no longer polled (logged once) until a
 * callback is registered for it again. A live fd next to it is served as before, and a
 * hung-up fd that still has data is served until it is drained.
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_interrupts.h>
#include <rte_log.h>

#include "eal_test.h"

struct src {
	int fd;
	struct rte_intr_handle *h;
	volatile int calls;
	volatile int bytes;
};

/* Reads at most one byte per call, as a slow consumer would. */
static void on_pipe(void *arg)
{
	struct src *s = arg;
	char c;
	__atomic_add_fetch(&s->calls, 1, __ATOMIC_SEQ_CST);
	if (read(s->fd, &c, 1) == 1)
		__atomic_add_fetch(&s->bytes, 1, __ATOMIC_SEQ_CST);
}

static void on_event(void *arg)
{
	struct src *s = arg;
	uint64_t v;
	if (read(s->fd, &v, 8) == 8)
		__atomic_add_fetch(&s->calls, 1, __ATOMIC_SEQ_CST);
}

static void also(void *arg)
{
	struct src *s = arg;
	__atomic_add_fetch(&s->calls, 1000, __ATOMIC_SEQ_CST);
}

static int load(volatile int *v) { return __atomic_load_n(v, __ATOMIC_SEQ_CST); }

static int wait_for(volatile int *v, int want, int ms)
{
	for (int i = 0; i < ms * 10 && load(v) < want; i++)
		usleep(100);
	return load(v) >= want;
}

static struct rte_intr_handle *ext(int fd, rte_intr_callback_fn cb, void *arg)
{
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	rte_intr_fd_set(h, fd);
	rte_intr_type_set(h, RTE_INTR_HANDLE_EXT);
	CHECK_EQ(rte_intr_callback_register(h, cb, arg), 0);
	return h;
}

/* How many lines of `text` mention "hung up". */
static int hangup_lines(const char *text, size_t size)
{
	int n = 0;
	for (const char *p = text; p && p < text + size && (p = strstr(p, "hung up")) != NULL; p++)
		n++;
	return n;
}

int main(int argc, char **argv)
{
	(void)argc;
	if (test_eal_init(argv[0], "test_intr_hup") < 0)
		return check_report();
	char *text = NULL;
	size_t size = 0;
	FILE *log = open_memstream(&text, &size);
	rte_openlog_stream(log);

	/* a live eventfd, and a pipe with 10 bytes whose writer then closes */
	struct src live = { .fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) };
	struct src pipe_src;
	int p[2];
	CHECK_EQ(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	memset(&pipe_src, 0, sizeof(pipe_src));
	pipe_src.fd = p[0];
	live.h = ext(live.fd, on_event, &live);
	CHECK_EQ(write(p[1], "0123456789", 10), 10);
	close(p[1]);
	pipe_src.h = ext(p[0], on_pipe, &pipe_src);

	/* the data is all read, one byte per call, although the pipe hung up at once */
	CHECK(wait_for(&pipe_src.bytes, 10, 2000));
	usleep(300 * 1000);
	int calls = load(&pipe_src.calls);
	printf("callbacks for the hung-up pipe: %d\n", calls);
	CHECK(calls >= 11 && calls <= 13); /* ten with data, then the hang-up once or twice */
	usleep(200 * 1000);
	CHECK_EQ(load(&pipe_src.calls), calls); /* and no more: it is not polled */

	/* the eventfd next to it is served as before */
	for (int i = 1; i <= 50; i++) {
		uint64_t one = 1;
		CHECK_EQ(write(live.fd, &one, 8), 8);
		if (!wait_for(&live.calls, i, 1000)) {
			CHECK(0);
			break;
		}
	}
	CHECK_EQ(load(&live.calls), 50);

	/* a callback registered again for the fd makes it polled again: its callbacks run
	 * for the hang-up once more, then it rests again */
	CHECK_EQ(rte_intr_callback_register(pipe_src.h, also, &pipe_src), 0);
	CHECK(wait_for(&pipe_src.calls, calls + 1000, 2000));
	usleep(300 * 1000);
	int again = load(&pipe_src.calls);
	CHECK(again - calls >= 1001 && again - calls <= 2002);
	usleep(200 * 1000);
	CHECK_EQ(load(&pipe_src.calls), again);

	fflush(log);
	CHECK_EQ(hangup_lines(text, size), 2); /* once per time it was set aside */

	CHECK_EQ(rte_intr_callback_unregister_sync(pipe_src.h, on_pipe, &pipe_src), 1);
	CHECK_EQ(rte_intr_callback_unregister_sync(pipe_src.h, also, &pipe_src), 1);
	CHECK_EQ(rte_intr_callback_unregister_sync(live.h, on_event, &live), 1);
	rte_intr_instance_free(pipe_src.h);
	rte_intr_instance_free(live.h);
	close(p[0]);
	close(live.fd);
	rte_openlog_stream(NULL);
	fclose(log);
	free(text);
	CHECK_EQ(rte_eal_cleanup(), 0);
	return check_report();
}
