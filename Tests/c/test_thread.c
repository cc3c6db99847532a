/*
 * The rte_thread_* API (experimental in DPDK 22.11): create/join with a 32-bit
 * result, attributes (affinity, priority), self/equal, affinity by id, priorities
 * (real time refused with ENOTSUP on Linux), thread-local keys, and
 * rte_thread_set_affinity / rte_thread_get_affinity for the calling thread.
 * These need no rte_eal_init.
 */
#define ALLOW_EXPERIMENTAL_API
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_thread.h>

#include "check.h"

static uint32_t ret_arg(void *arg)
{
	return (uint32_t)(uintptr_t)arg;
}

static volatile int affinity_ok = -1;
static uint32_t check_affinity(void *arg)
{
	int cpu = (int)(uintptr_t)arg;
	cpu_set_t s;
	pthread_getaffinity_np(pthread_self(), sizeof(s), &s);
	affinity_ok = CPU_COUNT(&s) == 1 && CPU_ISSET(cpu, &s);
	return 0;
}

static rte_thread_t seen_self;
static uint32_t remember_self(void *arg)
{
	(void)arg;
	seen_self = rte_thread_self();
	return 0;
}

static int destructor_calls;
static void destructor(void *v)
{
	(void)v;
	__atomic_fetch_add(&destructor_calls, 1, __ATOMIC_RELAXED);
}

static rte_thread_key shared_key;
static uint32_t key_user(void *arg)
{
	if (rte_thread_value_get(shared_key) != NULL)
		return 1;
	if (rte_thread_value_set(shared_key, arg) != 0)
		return 2;
	return rte_thread_value_get(shared_key) == arg ? 0 : 3;
}

int main(void)
{
	rte_thread_t t;
	uint32_t value = 0;
	cpu_set_t all;
	pthread_getaffinity_np(pthread_self(), sizeof(all), &all);
	int first_cpu = 0;
	while (!CPU_ISSET(first_cpu, &all))
		first_cpu++;

	/* create / join */
	CHECK_EQ(rte_thread_create(&t, NULL, ret_arg, (void *)0xdeadbeefUL), 0);
	CHECK_EQ(rte_thread_join(t, &value), 0);
	CHECK_EQ(value, 0xdeadbeefU);
	CHECK_EQ(rte_thread_create(&t, NULL, ret_arg, (void *)1), 0);
	CHECK_EQ(rte_thread_join(t, NULL), 0);
	CHECK_EQ(rte_thread_create(NULL, NULL, ret_arg, NULL), EINVAL);
	CHECK_EQ(rte_thread_create(&t, NULL, NULL, NULL), EINVAL);

	/* attributes */
	rte_thread_attr_t attr;
	memset(&attr, 0xff, sizeof(attr));
	CHECK_EQ(rte_thread_attr_init(&attr), 0);
	CHECK_EQ(attr.priority, RTE_THREAD_PRIORITY_NORMAL);
	CHECK_EQ(CPU_COUNT(&attr.cpuset), 0);
	CHECK_EQ(rte_thread_attr_init(NULL), EINVAL);
	rte_cpuset_t one, back;
	CPU_ZERO(&one);
	CPU_SET(first_cpu, &one);
	CHECK_EQ(rte_thread_attr_set_affinity(&attr, &one), 0);
	CHECK_EQ(rte_thread_attr_get_affinity(&attr, &back), 0);
	CHECK(CPU_EQUAL(&one, &back));
	CHECK_EQ(rte_thread_attr_set_affinity(NULL, &one), EINVAL);
	CHECK_EQ(rte_thread_attr_get_affinity(&attr, NULL), EINVAL);
	CHECK_EQ(rte_thread_attr_set_priority(&attr, RTE_THREAD_PRIORITY_NORMAL), 0);
	CHECK_EQ(rte_thread_attr_set_priority(NULL, RTE_THREAD_PRIORITY_NORMAL), EINVAL);
	CHECK_EQ(rte_thread_create(&t, &attr, check_affinity, (void *)(uintptr_t)first_cpu), 0);
	CHECK_EQ(rte_thread_join(t, NULL), 0);
	CHECK_EQ(affinity_ok, 1);
	CHECK_EQ(rte_thread_attr_set_priority(&attr, RTE_THREAD_PRIORITY_REALTIME_CRITICAL), 0);
	CHECK_EQ(rte_thread_create(&t, &attr, ret_arg, NULL), ENOTSUP);

	/* self / equal / detach */
	rte_thread_t me = rte_thread_self();
	CHECK(me.opaque_id == (uintptr_t)pthread_self());
	CHECK(rte_thread_equal(me, rte_thread_self()) != 0);
	CHECK_EQ(rte_thread_create(&t, NULL, remember_self, NULL), 0);
	CHECK_EQ(rte_thread_join(t, NULL), 0);
	CHECK(rte_thread_equal(t, seen_self) != 0);
	CHECK(rte_thread_equal(t, me) == 0);
	CHECK_EQ(rte_thread_create(&t, NULL, ret_arg, NULL), 0);
	CHECK_EQ(rte_thread_detach(t), 0);

	/* affinity by id */
	rte_cpuset_t got;
	CHECK_EQ(rte_thread_get_affinity_by_id(me, &got), 0);
	CHECK(CPU_EQUAL(&got, &all));
	CHECK_EQ(rte_thread_set_affinity_by_id(me, &one), 0);
	CHECK_EQ(rte_thread_get_affinity_by_id(me, &got), 0);
	CHECK(CPU_EQUAL(&got, &one));
	rte_cpuset_t empty;
	CPU_ZERO(&empty);
	CHECK_EQ(rte_thread_set_affinity_by_id(me, &empty), EINVAL);
	CHECK_EQ(rte_thread_set_affinity_by_id(me, &all), 0);
	CHECK_EQ(rte_thread_set_affinity_by_id(me, NULL), EINVAL);
	CHECK_EQ(rte_thread_get_affinity_by_id(me, NULL), EINVAL);

	/* priorities */
	enum rte_thread_priority prio = RTE_THREAD_PRIORITY_REALTIME_CRITICAL;
	CHECK_EQ(rte_thread_get_priority(me, &prio), 0);
	CHECK_EQ(prio, RTE_THREAD_PRIORITY_NORMAL);
	CHECK_EQ(rte_thread_set_priority(me, RTE_THREAD_PRIORITY_NORMAL), 0);
	CHECK_EQ(rte_thread_set_priority(me, RTE_THREAD_PRIORITY_REALTIME_CRITICAL), ENOTSUP);
	CHECK_EQ(rte_thread_get_priority(me, NULL), EINVAL);
	/* a priority outside the enum: EINVAL, as DPDK answers */
	CHECK_EQ(rte_thread_set_priority(me, (enum rte_thread_priority)99), EINVAL);
	CHECK_EQ(rte_thread_attr_set_priority(&attr, (enum rte_thread_priority)99), 0);
	CHECK_EQ(rte_thread_create(&t, &attr, ret_arg, NULL), EINVAL);

	/* the calling thread's affinity as the EAL records it */
	rte_cpuset_t rec;
	rte_thread_get_affinity(&rec);
	CHECK_EQ(CPU_COUNT(&rec), 0);           /* nothing recorded yet */
	CHECK_EQ(rte_socket_id(), (unsigned)-1);
	CHECK_EQ(rte_thread_set_affinity(&one), 0);
	rte_thread_get_affinity(&rec);
	CHECK(CPU_EQUAL(&rec, &one));
	CHECK(rte_socket_id() != (unsigned)-1);  /* one CPU: one socket */
	pthread_getaffinity_np(pthread_self(), sizeof(got), &got);
	CHECK(CPU_EQUAL(&got, &one));
	CHECK_EQ(rte_thread_set_affinity(&empty), -1);
	rte_thread_get_affinity(&rec);
	CHECK(CPU_EQUAL(&rec, &one));           /* unchanged by the failure */
	CHECK_EQ(rte_thread_set_affinity(&all), 0);

	/* keys */
	rte_thread_key key = NULL;
	CHECK_EQ(rte_thread_key_create(&key, destructor), 0);
	CHECK(key != NULL);
	CHECK(rte_thread_value_get(key) == NULL);
	CHECK_EQ(rte_thread_value_set(key, (void *)0x1234), 0);
	CHECK(rte_thread_value_get(key) == (void *)0x1234);
	shared_key = key;
	CHECK_EQ(rte_thread_create(&t, NULL, key_user, (void *)0x99), 0);
	CHECK_EQ(rte_thread_join(t, &value), 0);
	CHECK_EQ(value, 0);
	CHECK_EQ(destructor_calls, 1);          /* the thread's value was destroyed */
	CHECK(rte_thread_value_get(key) == (void *)0x1234);
	CHECK_EQ(rte_thread_key_delete(key), 0);
	rte_errno = 0;
	CHECK_EQ(rte_thread_key_create(NULL, NULL), -1);
	CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	CHECK_EQ(rte_thread_key_delete(NULL), -1);
	CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	CHECK_EQ(rte_thread_value_set(NULL, NULL), -1);
	CHECK_EQ(rte_errno, EINVAL);
	rte_errno = 0;
	CHECK(rte_thread_value_get(NULL) == NULL);
	CHECK_EQ(rte_errno, EINVAL);

	/* thread ids */
	CHECK_EQ(rte_sys_gettid(), getpid());
	CHECK_EQ(rte_gettid(), getpid());

	return check_report();
}
