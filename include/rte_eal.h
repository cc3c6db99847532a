/* SwiftEAL: EAL initialisation, process model and multi-process messaging. */
#ifndef _RTE_EAL_H_
#define _RTE_EAL_H_

#ifdef __cplusplus
extern "C" {
#endif

#include <stdint.h>
#include <stdbool.h>
#include <time.h>

#include <rte_config.h>
#include <rte_compat.h>
#include <rte_per_lcore.h>
#include <rte_uuid.h>
#include <rte_pci_dev_feature_defs.h>

#define RTE_MAX_THREAD_NAME_LEN 16 /* pthread names, the terminating NUL included */
#define RTE_MAGIC 19820526 /* written last into the shared config: it is ready */

enum rte_proc_type_t {
	RTE_PROC_AUTO = -1,
	RTE_PROC_PRIMARY = 0,
	RTE_PROC_SECONDARY,
	RTE_PROC_INVALID
};

enum rte_proc_type_t rte_eal_process_type(void);

/* I/O privilege for the calling thread (x86 iopl); 0 on success. */
int rte_eal_iopl_init(void);

/*
 * Initialise the EAL from the command line. Returns the number of arguments
 * consumed (the caller's own options start at argv[ret], where the program name
 * is stored), or -1 with rte_errno set: EACCES, EAGAIN, EALREADY, EFAULT, EINVAL,
 * ENOTSUP, EPROTO, ENODEV, ENOMEM, ENOEXEC.
 */
int rte_eal_init(int argc, char **argv);

/* Release everything rte_eal_init acquired; 0 on success. */
int rte_eal_cleanup(void);

/* 1 when a primary process holds the config file (NULL: this prefix's). */
int rte_eal_primary_proc_alive(const char *config_file_path);

/* Turn multi-process support off; false when secondaries are already attached. */
bool rte_mp_disable(void);

#define RTE_MP_MAX_FD_NUM 8
#define RTE_MP_MAX_NAME_LEN 64
#define RTE_MP_MAX_PARAM_LEN 256

struct rte_mp_msg {
	char name[RTE_MP_MAX_NAME_LEN];
	int len_param;
	int num_fds;
	uint8_t param[RTE_MP_MAX_PARAM_LEN];
	int fds[RTE_MP_MAX_FD_NUM];
};

struct rte_mp_reply {
	int nb_sent;
	int nb_received;
	struct rte_mp_msg *msgs; /* freed by the caller */
};

typedef int (*rte_mp_t)(const struct rte_mp_msg *msg, const void *peer);
typedef int (*rte_mp_async_reply_t)(const struct rte_mp_msg *request,
		const struct rte_mp_reply *reply);

int rte_mp_action_register(const char *name, rte_mp_t action);
void rte_mp_action_unregister(const char *name);
int rte_mp_sendmsg(struct rte_mp_msg *msg);
int rte_mp_request_sync(struct rte_mp_msg *req, struct rte_mp_reply *reply,
		const struct timespec *ts);
int rte_mp_request_async(struct rte_mp_msg *req, const struct timespec *ts,
		rte_mp_async_reply_t clb);
int rte_mp_reply(struct rte_mp_msg *msg, const char *peer);

typedef void (*rte_usage_hook_t)(const char *prgname);

/* Install a function printed by --help after the EAL's usage; returns the old one. */
rte_usage_hook_t rte_set_application_usage_hook(rte_usage_hook_t usage_func);

int rte_eal_has_hugepages(void);
int rte_eal_has_pci(void);
int rte_eal_create_uio_dev(void);
enum rte_intr_mode rte_eal_vfio_intr_mode(void);
__rte_experimental
void rte_eal_vfio_get_vf_token(rte_uuid_t vf_token);

/* The kernel thread id of the caller. */
int rte_sys_gettid(void);

RTE_DECLARE_PER_LCORE(int, _thread_id);

/* rte_sys_gettid, cached per thread. */
static inline int
rte_gettid(void)
{
	if (RTE_PER_LCORE(_thread_id) == -1)
		RTE_PER_LCORE(_thread_id) = rte_sys_gettid();
	return RTE_PER_LCORE(_thread_id);
}

__rte_internal
uint64_t rte_eal_get_baseaddr(void);

enum rte_iova_mode {
	RTE_IOVA_DC = 0,          /* don't care */
	RTE_IOVA_PA = (1 << 0),   /* physical addresses */
	RTE_IOVA_VA = (1 << 1)    /* virtual addresses */
};

enum rte_iova_mode rte_eal_iova_mode(void);
const char *rte_eal_mbuf_user_pool_ops(void);
const char *rte_eal_get_runtime_dir(void);

__rte_internal
int rte_eal_parse_coremask(const char *coremask, int *cores);

#ifdef __cplusplus
}
#endif

#endif
