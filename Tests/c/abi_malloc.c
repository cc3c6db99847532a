/* rte_malloc.h's and rte_memzone.h's ABI facts: struct layouts and constants, printed
 * for both header sets. */
#include <stddef.h>
#include <stdio.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

#define SIZE(t) printf("sizeof(%s) = %zu, alignof = %zu\n", #t, sizeof(t), _Alignof(t))
#define OFF(t, f) printf("offsetof(%s, %s) = %zu, size = %zu\n", #t, #f, offsetof(t, f), sizeof(((t *)0)->f))
#define VAL(m) printf("%s = %lld\n", #m, (long long)(m))

int main(void)
{
	SIZE(struct rte_malloc_socket_stats);
	OFF(struct rte_malloc_socket_stats, heap_totalsz_bytes);
	OFF(struct rte_malloc_socket_stats, heap_freesz_bytes);
	OFF(struct rte_malloc_socket_stats, greatest_free_size);
	OFF(struct rte_malloc_socket_stats, free_count);
	OFF(struct rte_malloc_socket_stats, alloc_count);
	OFF(struct rte_malloc_socket_stats, heap_allocsz_bytes);
	SIZE(struct rte_memzone);
	OFF(struct rte_memzone, name);
	OFF(struct rte_memzone, iova);
	OFF(struct rte_memzone, addr);
	OFF(struct rte_memzone, addr_64);
	OFF(struct rte_memzone, len);
	OFF(struct rte_memzone, hugepage_sz);
	OFF(struct rte_memzone, socket_id);
	OFF(struct rte_memzone, flags);
	VAL(RTE_MEMZONE_NAMESIZE);
	VAL(RTE_MEMZONE_2MB);
	VAL(RTE_MEMZONE_1GB);
	VAL(RTE_MEMZONE_16MB);
	VAL(RTE_MEMZONE_16GB);
	VAL(RTE_MEMZONE_256KB);
	VAL(RTE_MEMZONE_256MB);
	VAL(RTE_MEMZONE_512MB);
	VAL(RTE_MEMZONE_4GB);
	VAL(RTE_MEMZONE_SIZE_HINT_ONLY);
	VAL(RTE_MEMZONE_IOVA_CONTIG);
	VAL(SOCKET_ID_ANY);
	VAL(RTE_MAX_MEMZONE);
	VAL(RTE_MAX_HEAPS);
	return 0;
}
