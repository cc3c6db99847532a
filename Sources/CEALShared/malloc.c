/* Storage for the malloc heaps' process-local view, and checks of the shared layouts. */
#include <stddef.h>
#include "eal_malloc.h"

struct eal_malloc_local eal_malloc_local;
__attribute__((visibility("hidden"))) __thread int32_t eal_malloc_journal_tls = -1;

_Static_assert(sizeof(struct eal_heap_tag) == 16, "the tag is the 16 bytes before data");
_Static_assert(sizeof(struct eal_heap_elem) == 64, "a large element's header is one line");
_Static_assert(offsetof(struct eal_heap_elem, tag) == 48, "the tag ends the header");
_Static_assert(sizeof(struct eal_heap_slab) <= 64, "a slab header is one line");
_Static_assert(sizeof(struct eal_heap_class) == 64, "one class per cache line");
_Static_assert(offsetof(struct eal_lcore_cache, bin) == 64, "bins start on the second line");
_Static_assert(RTE_MAX_HEAPS <= 256, "the tag's heap index is 8 bits");
/* Swift does not import over-aligned C structs, so line alignment is kept by sizes. */
_Static_assert(sizeof(struct eal_lcore_cache) % 64 == 0, "lcore caches do not share lines");
_Static_assert(offsetof(struct eal_malloc_shared, cache) % 64 == 0, "lcore caches start on a line");
_Static_assert(sizeof(struct eal_heap) % 64 == 0, "heaps do not share lines");
_Static_assert(offsetof(struct eal_malloc_shared, heaps) % 64 == 0, "heaps start on a line");
_Static_assert(offsetof(struct eal_heap, cls) % 64 == 0, "one class per line");
