/*
 * multi_process: a primary and a secondary process sharing a memzone and talking over
 * rte_mp.
 *
 * The primary reserves a memzone holding a small shared table and registers an rte_mp
 * action, then starts a copy of itself as a secondary process of the same prefix
 * (--proc-type=secondary). The secondary finds the memzone by name, reads what the
 * primary wrote, adds its own entry, and asks the primary a question with
 * rte_mp_request_sync; the primary answers from its action callback. When the secondary
 * has exited, the primary reads the secondary's entry from the same memory.
 *
 * Needs hugepages (a secondary maps the primary's memory; --no-huge memory is private).
 * Build: cc multi_process.c $(pkg-config --cflags --libs libswifteal) -o multi_process
 * Run:   ./multi_process -l 0-1 -m 64 --file-prefix mp
 * Last line on success: "multi_process: OK"
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_debug.h>
#include <rte_memzone.h>

#define ZONE "ex_mp_table"
#define ACTION "ex_mp_question"
#define SECONDARY_FLAG "--secondary"

/* The shared table: plain data at the same address in both processes. */
struct table {
	uint32_t primary_pid_set;
	uint32_t entries;
	char entry[4][48];
};

/* Runs in the primary (on its rte_mp thread) when the secondary asks. */
static int answer(const struct rte_mp_msg *msg, const void *peer)
{
	struct rte_mp_msg reply;
	const struct rte_memzone *mz = rte_memzone_lookup(ZONE);
	const struct table *t = mz ? mz->addr : NULL;

	memset(&reply, 0, sizeof(reply));
	snprintf(reply.name, sizeof(reply.name), "%s", msg->name);
	reply.len_param = snprintf((char *)reply.param, sizeof(reply.param),
				   "the table has %u entries", t ? t->entries : 0) + 1;
	return rte_mp_reply(&reply, peer);
}

static int run_secondary(void)
{
	const struct rte_memzone *mz = rte_memzone_lookup(ZONE);
	if (mz == NULL) {
		printf("secondary: memzone \"%s\" not found\n", ZONE);
		return 1;
	}
	struct table *t = mz->addr;
	printf("secondary: found memzone \"%s\", entry 0 reads \"%s\"\n", ZONE, t->entry[0]);
	snprintf(t->entry[t->entries], sizeof(t->entry[0]), "written by the secondary");
	__atomic_add_fetch(&t->entries, 1, __ATOMIC_RELEASE);

	struct rte_mp_msg req;
	struct rte_mp_reply reply;
	struct timespec ts = { .tv_sec = 5, .tv_nsec = 0 };
	memset(&req, 0, sizeof(req));
	snprintf(req.name, sizeof(req.name), ACTION);
	req.len_param = snprintf((char *)req.param, sizeof(req.param), "how many entries?") + 1;
	if (rte_mp_request_sync(&req, &reply, &ts) != 0 || reply.nb_received != 1) {
		printf("secondary: rte_mp_request_sync failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	printf("secondary: asked the primary \"%s\", it answered \"%s\"\n",
	       (char *)req.param, (char *)reply.msgs[0].param);
	free(reply.msgs);	/* the caller frees the replies */
	return 0;
}

/* Starts this program again as a secondary with the same EAL options. */
static int spawn_secondary(int argc, char **argv)
{
	char **args = calloc(argc + 4, sizeof(char *));
	int n = 0;
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "--proc-type", 11) != 0)
			args[n++] = argv[i];
	args[n++] = "--proc-type=secondary";
	args[n++] = "--";
	args[n++] = SECONDARY_FLAG;
	args[n] = NULL;

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execv("/proc/self/exe", args);
		_exit(127);
	}
	free(args);
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int main(int argc, char **argv)
{
	/* rte_eal_init reorders argv: keep the command line for the secondary. */
	char **saved = calloc(argc + 1, sizeof(char *));
	for (int i = 0; i < argc; i++)
		saved[i] = argv[i];

	int used = rte_eal_init(argc, argv);
	if (used < 0)
		rte_exit(1, "Cannot init EAL: %s\n", rte_strerror(rte_errno));
	int secondary = argc - used > 1 && strcmp(argv[used + 1], SECONDARY_FLAG) == 0;

	if (secondary) {
		int rc = run_secondary();
		rte_eal_cleanup();
		return rc;
	}

	int failures = 0;
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		rte_exit(1, "start multi_process as a primary; it starts its secondary itself\n");
	if (!rte_eal_has_hugepages())
		rte_exit(1, "multi_process needs hugepages: a secondary cannot map --no-huge memory\n");

	const struct rte_memzone *mz =
		rte_memzone_reserve(ZONE, sizeof(struct table), SOCKET_ID_ANY, 0);
	if (mz == NULL)
		rte_exit(1, "rte_memzone_reserve: %s\n", rte_strerror(rte_errno));
	struct table *t = mz->addr;
	memset(t, 0, sizeof(*t));
	snprintf(t->entry[0], sizeof(t->entry[0]), "written by the primary");
	t->entries = 1;
	if (rte_mp_action_register(ACTION, answer) != 0)
		rte_exit(1, "rte_mp_action_register: %s\n", rte_strerror(rte_errno));
	printf("primary: reserved memzone \"%s\", wrote entry 0, registered action \"%s\"\n",
	       ZONE, ACTION);

	int rc = spawn_secondary(argc, saved);
	printf("primary: the secondary exited with %d\n", rc);
	unsigned int n = __atomic_load_n(&t->entries, __ATOMIC_ACQUIRE);
	printf("primary: the table now has %u entries; entry 1 reads \"%s\"\n", n,
	       n > 1 ? t->entry[1] : "");
	if (rc != 0 || n != 2 || strcmp(t->entry[1], "written by the secondary") != 0)
		failures++;

	rte_mp_action_unregister(ACTION);
	rte_memzone_free(mz);
	free(saved);
	rte_eal_cleanup();
	printf("multi_process: %s\n", failures ? "FAILED" : "OK");
	return failures ? 1 : 0;
}
