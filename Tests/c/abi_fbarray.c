/* rte_fbarray.h's ABI facts: struct layout and constants, printed for both header sets. */
#include <stddef.h>
#include <stdio.h>
#include <rte_fbarray.h>

#define SIZE(t) printf("sizeof(%s) = %zu, alignof = %zu\n", #t, sizeof(t), _Alignof(t))
#define OFF(t, f) printf("offsetof(%s, %s) = %zu, size = %zu\n", #t, #f, offsetof(t, f), sizeof(((t *)0)->f))
#define VAL(m) printf("%s = %lld\n", #m, (long long)(m))

int main(void)
{
	SIZE(struct rte_fbarray);
	OFF(struct rte_fbarray, name);
	OFF(struct rte_fbarray, count);
	OFF(struct rte_fbarray, len);
	OFF(struct rte_fbarray, elt_sz);
	OFF(struct rte_fbarray, data);
	OFF(struct rte_fbarray, rwlock);
	SIZE(rte_rwlock_t);
	VAL(RTE_FBARRAY_NAME_LEN);
	return 0;
}
