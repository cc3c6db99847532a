/*
 * SwiftEAL internal: the malloc heaps, in C layout because every process of a
 * --file-prefix allocates from them. The descriptors (heaps, size classes, per-lcore
 * caches) live in the shared config; elements, slabs and blocks live inside the heap
 * memory itself and point at each other with absolute addresses (every process maps
 * EAL memory at the same virtual addresses).
 *
 * Two kinds of allocation, one tag:
 *  - a large element is [pad][header 64 B][data][trailer line 64 B]: 128 bytes of
 *    overhead, as DPDK's element, so that "greatest_free_size - 128" is exactly what
 *    one memzone can get. Free elements sit in TLSF lists (4 per power of two), one set
 *    per arena (memory that stays / memory that can go back to the kernel).
 *  - a small block (<= 16 KiB) lives in a slab, a large element cut into blocks of one
 *    size class: [block header line 64 B][data], the first word of the next line being
 *    the block's trailer cookie. Free blocks are kept by the slab or by an lcore cache.
 * The 16 bytes just before every data pointer are an eal_heap_tag: rte_free reads it to
 * tell a block from an element, and its check word rejects foreign and stale pointers.
 *
 * Locks, always taken in this order: a size class's lock, then its heap's lock, then
 * the memory subsystem's. Lcore caches have no lock: each belongs to one lcore of the
 * primary process (secondaries and non-EAL threads never use them).
 */
#ifndef EAL_MALLOC_H
#define EAL_MALLOC_H

#include <stdint.h>
#include <rte_config.h>
#include <rte_spinlock.h>
#include <rte_rwlock.h>
#include "eal_memzone.h"

#pragma clang assume_nonnull begin


#define EAL_MALLOC_LINE 64u          /* element boundaries, data alignment */
#define EAL_MALLOC_OVERHEAD 128u     /* header + trailer line of a large element */
#define EAL_MALLOC_MIN_ELEM 192u     /* smallest element: header, one line, trailer */
#define EAL_MALLOC_SMALL_MAX 16384u  /* largest size served by the size classes */
#define EAL_MALLOC_NUM_CLASSES 64

#define EAL_HEAP_FL_MIN 7            /* first-level list 0 holds sizes in [2^7, 2^8) */
#define EAL_HEAP_FL_COUNT 41         /* ... up to [2^47, 2^48) */
#define EAL_HEAP_SL_COUNT 4          /* second level: 4 lists per power of two */
#define EAL_HEAP_LISTS (EAL_HEAP_FL_COUNT * EAL_HEAP_SL_COUNT)
#define EAL_HEAP_ARENAS 2            /* 0: memory that stays, 1: memory that can go back */

#define EAL_HEAP_NAME_LEN 32         /* DPDK's RTE_HEAP_NAME_MAX_LEN */
#define EAL_MALLOC_MAX_SLOTS 192     /* memory origins (memseg lists, external regions) */
#define EAL_MALLOC_MAX_REGIONS 128   /* external memory regions added to heaps */
#define EAL_MALLOC_FIRST_EXT_SOCKET 256 /* socket id of the first external heap (DPDK's) */

/* Tag states (low nibble) and flags. */
#define EAL_HEAP_ST_FREE 1u          /* large element, free */
#define EAL_HEAP_ST_BUSY 2u          /* large element handed to rte_malloc's caller */
#define EAL_HEAP_ST_SLAB 3u          /* large element cut into small blocks */
#define EAL_HEAP_ST_MEMZONE 4u       /* large element backing a memzone */
#define EAL_HEAP_ST_SMALL_FREE 5u    /* small block in a slab or an lcore cache */
#define EAL_HEAP_ST_SMALL_BUSY 6u    /* small block handed out */
#define EAL_HEAP_ST_MASK 0x0fu
#define EAL_HEAP_ST_DYNAMIC 0x80u    /* large: in the arena whose pages can go back */
#define EAL_HEAP_ST_NOCACHE 0x40u    /* small: never kept by an lcore cache */

/* The 16 bytes before every data pointer. */
struct eal_heap_tag {
	uint16_t back;    /* in 64-byte lines: small: data - slab; large: the pad before the header */
	uint16_t lines;   /* small: the class size in 64-byte lines (where the trailer is) */
	uint16_t cls;     /* small: size class; large: origin slot (eal_malloc_slot) */
	uint8_t heap;     /* heap index */
	uint8_t state;    /* EAL_HEAP_ST_* */
	uint64_t check;   /* magic ^ data address ^ the word above */
};

/* A large element's header: 64 bytes just before its data. */
struct eal_heap_elem {
	uint64_t cookie;                /* magic ^ header address */
	struct eal_heap_elem *_Nullable prev;     /* neighbour below in address order, or NULL */
	struct eal_heap_elem *_Nullable next;     /* neighbour above, or NULL */
	struct eal_heap_elem *_Nullable free_next; /* TLSF list links while free */
	struct eal_heap_elem *_Nullable free_prev;
	uint64_t size;                  /* from the element's start (header - pad) to its end */
	struct eal_heap_tag tag;
};

/* At the data start of a SLAB element; blocks follow. */
struct eal_heap_slab {
	uint64_t cookie;                /* magic ^ slab address */
	struct eal_heap_slab *_Nullable next;     /* the class's partial list */
	struct eal_heap_slab *_Nullable prev;
	void *_Nullable free;                     /* free blocks, linked through their first word */
	uint32_t nfree;                 /* blocks on `free` */
	uint32_t carved;                /* blocks cut so far (the rest were never touched) */
	uint32_t capacity;
	uint32_t out;                   /* blocks in use or in lcore caches */
	uint16_t cls;
	uint8_t heap;
	uint8_t flags;                  /* EAL_SLAB_* */
	uint32_t stride;                /* 64 + class size */
};

#define EAL_SLAB_PARTIAL 1u   /* on its class's partial list */
#define EAL_SLAB_NOCACHE 2u   /* its blocks bypass lcore caches (dynamic memory beside fixed) */
#define EAL_SLAB_DYNAMIC 4u   /* in the dynamic arena */

/* One size class of one heap. */
struct eal_heap_class {
	rte_spinlock_t lock;
	uint32_t nslabs;
	struct eal_heap_slab *_Nullable partial;  /* slabs in fixed memory with a free or uncut block */
	struct eal_heap_slab *_Nullable partial_dyn; /* the same in dynamic memory, used after those */
	struct eal_heap_slab *_Nullable spare;    /* an empty slab kept against churn (fixed memory only) */
	uint64_t capacity;              /* blocks in all slabs */
	uint64_t out;                   /* blocks out of the slabs (in use or cached) */
	uint64_t reserved[2];
};

/* TLSF lists of one arena. */
struct eal_heap_arena {
	uint64_t fl_bitmap;
	uint8_t sl_bitmap[EAL_HEAP_FL_COUNT];
	struct eal_heap_elem *_Nullable list[EAL_HEAP_LISTS];
};

struct eal_heap {
	rte_spinlock_t lock;
	int32_t socket_id;
	uint32_t in_use;                /* the heap exists */
	uint32_t external;              /* made by rte_malloc_heap_create */
	char name[EAL_HEAP_NAME_LEN];
	struct eal_heap_elem *_Nullable first;    /* every element, in address order */
	struct eal_heap_elem *_Nullable last;
	uint64_t total_size;            /* bytes of memory the heap holds */
	uint64_t fixed_size;            /* of which in the fixed arena */
	uint64_t free_size;             /* bytes in free large elements */
	uint32_t free_count;            /* free large elements */
	uint32_t busy_count;            /* busy large elements and memzones (not slabs) */
	uint64_t slab_bytes;            /* bytes in slab elements */
	uint32_t resizable;             /* grows and shrinks through the memory subsystem */
	uint32_t reserved32;
	uint64_t reserved[4];           /* (the classes start on a cache line) */
	struct eal_heap_arena arena[EAL_HEAP_ARENAS];
	struct eal_heap_class cls[EAL_MALLOC_NUM_CLASSES];
};

/* One lcore's cache of free small blocks; owned by that lcore of the primary. */
struct eal_cache_bin {
	void *_Nullable head;                     /* blocks, linked through their first word */
	uint32_t count;
	uint32_t limit;                 /* flush down to limit/2 beyond this */
};

struct eal_lcore_cache {
	int32_t heap;                   /* heap its blocks belong to; -1 until first use */
	int32_t socket;                 /* that heap's socket */
	uint32_t reserved[14];
	struct eal_cache_bin bin[EAL_MALLOC_NUM_CLASSES];
};

/* Where a run of heap memory came from: a memseg list or an external region. */
struct eal_malloc_slot {
	int32_t list;                   /* memseg list index (-1 unknown) */
	uint8_t pgshift;                /* log2 of its page size */
	uint8_t external;
	uint8_t in_use;
	uint8_t reserved;
};

/* Memory added to an external heap with rte_malloc_heap_memory_add. */
struct eal_malloc_region {
	uint64_t base;
	uint64_t len;
	uint64_t page_sz;
	int32_t heap;                   /* heap index, -1 when the entry is unused */
	int32_t list;                   /* its external memseg list */
	uint32_t slot;
	uint32_t reserved;
};

/*
 * A secondary process can be killed holding a heap or size-class lock, half way through
 * a change. Each of its threads that takes one keeps a journal here first: the locks it
 * is about to hold, the heap's head and arenas and the class as they were, and every
 * 64-byte line of heap memory (element headers, slab headers, blocks) before its first
 * change. A process waiting on a lock whose owner is dead puts the lines back, which
 * undoes the unfinished change, and frees the locks. A commit (releasing a lock) empties
 * the journal. The primary keeps none: without it the heaps are gone anyway.
 */
#define EAL_MALLOC_JOURNALS 32
#define EAL_MALLOC_JOURNAL_LINES 64
#define EAL_MALLOC_JOURNAL_HELD 4
#define EAL_LOCK_PRIMARY 1           /* lock word of an owner without a journal */
#define EAL_LOCK_JOURNAL_BASE 2      /* lock word of journal i's owner: i + this */

struct eal_journal_line {
	uint64_t addr;
	uint64_t bytes[8];
};

struct eal_malloc_journal {
	int32_t pid;                    /* owner process; 0 free; -1 being recovered */
	int32_t heap;                   /* heap whose head is saved, -1 none */
	int32_t cls_heap;               /* heap and class of the saved class, -1 none */
	int32_t cls;
	uint32_t nlines;
	uint32_t nheld;
	uint32_t overflow;              /* more lines than fit: recovery cannot undo */
	uint32_t reserved;
	uint64_t held[EAL_MALLOC_JOURNAL_HELD];   /* lock words, recorded before taking them */
	uint64_t head[24];              /* the heap's bytes before its arenas */
	struct eal_heap_arena arena[EAL_HEAP_ARENAS];
	struct eal_heap_class cls_saved;
	struct eal_journal_line line[EAL_MALLOC_JOURNAL_LINES];
};
_Static_assert(__builtin_offsetof(struct eal_heap, arena) <= 24 * 8, "eal_malloc_journal.head too small");

struct eal_malloc_shared {
	rte_rwlock_t heaps_lock;        /* creating/destroying heaps and regions */
	rte_spinlock_t slots_lock;      /* the slot table (taken under a heap's lock) */
	int32_t next_socket_id;         /* for the next external heap */
	uint32_t nb_sockets;            /* heaps[0..nb_sockets) are the socket heaps */
	struct eal_malloc_slot slot[EAL_MALLOC_MAX_SLOTS];
	struct eal_malloc_region region[EAL_MALLOC_MAX_REGIONS];
	struct eal_memzone_shared memzone;
	struct eal_lcore_cache cache[RTE_MAX_LCORE];
	struct eal_heap heaps[RTE_MAX_HEAPS];
	struct eal_malloc_journal journal[EAL_MALLOC_JOURNALS];
};

/* This process's view: what the fast path reads, in C storage (no Swift globals). */
struct eal_malloc_local {
	struct eal_malloc_shared *_Nullable shared;  /* NULL before init and after cleanup */
	struct eal_lcore_cache *_Nullable caches;    /* NULL: every call takes the locked path */
	uint32_t any_socket;               /* no hugepages: internal socket ids mean "any" */
	uint32_t primary;
	/* The biggest run of memory mapped at init (primary only): mapped until cleanup, so
	 * rte_free need not ask the memory subsystem about a pointer inside it. */
	uintptr_t fixed_lo;
	uintptr_t fixed_len;
	uint32_t journaling;               /* a secondary: lock owners keep journals */
};

extern struct eal_malloc_local eal_malloc_local;

static inline struct eal_malloc_local *eal_malloc_local_ptr(void) { return &eal_malloc_local; }

/* The lcore id, read with the initial-exec model (the variable is in static TLS: programs
 * read it that way too), so the fast path makes no __tls_get_addr call. */
extern __thread unsigned int per_lcore__lcore_id __attribute__((tls_model("initial-exec")));
static inline unsigned int eal_malloc_lcore_id(void) { return per_lcore__lcore_id; }

static inline struct eal_heap *eal_malloc_heap_at(struct eal_malloc_shared *s, unsigned int i) { return &s->heaps[i]; }
static inline struct eal_lcore_cache *eal_malloc_cache_at(struct eal_malloc_shared *s, unsigned int i) { return &s->cache[i]; }
static inline struct eal_malloc_slot *eal_malloc_slot_at(struct eal_malloc_shared *s, unsigned int i) { return &s->slot[i]; }
static inline struct eal_malloc_region *eal_malloc_region_at(struct eal_malloc_shared *s, unsigned int i) { return &s->region[i]; }
static inline struct eal_cache_bin *eal_cache_bin_at(struct eal_lcore_cache *c, unsigned int i) { return &c->bin[i]; }
static inline struct eal_heap_class *eal_heap_class_at(struct eal_heap *h, unsigned int i) { return &h->cls[i]; }
static inline struct eal_heap_slab *_Nullable *_Nonnull eal_heap_class_partial(struct eal_heap_class *c, int dynamic) { return dynamic ? &c->partial_dyn : &c->partial; }
static inline struct eal_heap_arena *eal_heap_arena_at(struct eal_heap *h, unsigned int i) { return &h->arena[i]; }
static inline struct eal_heap_elem *_Nullable *_Nonnull eal_heap_list_at(struct eal_heap_arena *a, unsigned int i) { return &a->list[i]; }
static inline uint8_t *eal_heap_sl_at(struct eal_heap_arena *a, unsigned int i) { return &a->sl_bitmap[i]; }
static inline struct eal_malloc_journal *eal_malloc_journal_at(struct eal_malloc_shared *s, unsigned int i) { return &s->journal[i]; }
static inline struct eal_journal_line *eal_journal_line_at(struct eal_malloc_journal *j, unsigned int i) { return &j->line[i]; }
static inline struct eal_heap_arena *eal_journal_arena_at(struct eal_malloc_journal *j, unsigned int i) { return &j->arena[i]; }

/* This thread's journal (index), -1 before it needs one. */
extern __attribute__((visibility("hidden"))) __thread int32_t eal_malloc_journal_tls;
static inline int32_t *eal_malloc_journal_slot(void) { return &eal_malloc_journal_tls; }

/* Owner-tagged spinlocks on the heaps' rte_spinlock_t words. */
static inline int eal_lock_try(rte_spinlock_t *l, int32_t token)
{
	int32_t expected = 0;
	return __atomic_compare_exchange_n((int32_t *)&l->locked, &expected, token, 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
static inline int eal_lock_swap(rte_spinlock_t *l, int32_t from, int32_t to)
{
	return __atomic_compare_exchange_n((int32_t *)&l->locked, &from, to, 0,
					   __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}
static inline int32_t eal_lock_word(rte_spinlock_t *l) { return __atomic_load_n((int32_t *)&l->locked, __ATOMIC_RELAXED); }
/* The low half of a lock word is its owner's token; the high half, the token of a waiter
 * that has waited long and is next (only it may take the lock once the owner lets go):
 * without that, a process whose own thread retakes the lock within microseconds of each
 * release starves another process's waiter for as long as it keeps at it. */
#define EAL_LOCK_OWNER_MASK 0xffff
#define EAL_LOCK_CLAIM_SHIFT 16
static inline int32_t eal_lock_owner(int32_t w) { return w & EAL_LOCK_OWNER_MASK; }
static inline int32_t eal_lock_claimant(int32_t w) { return (w >> EAL_LOCK_CLAIM_SHIFT) & 0x7fff; }
/* Release keeps a claim. Not a read-modify-write (the unlock stays a store): a claim made
 * between the load and the store is lost and made again by its waiter. */
static inline void eal_lock_release(rte_spinlock_t *l)
{
	int32_t w = __atomic_load_n((int32_t *)&l->locked, __ATOMIC_RELAXED);
	__atomic_store_n((int32_t *)&l->locked, w & ~EAL_LOCK_OWNER_MASK, __ATOMIC_RELEASE);
}
/* Frees a lock whose owner is `owner` (dead), keeping a claim: 1 when it did. */
static inline int eal_lock_free_owner(rte_spinlock_t *l, int32_t owner)
{
	int32_t w = __atomic_load_n((int32_t *)&l->locked, __ATOMIC_RELAXED);
	while ((w & EAL_LOCK_OWNER_MASK) == owner)
		if (__atomic_compare_exchange_n((int32_t *)&l->locked, &w, w & ~EAL_LOCK_OWNER_MASK, 0,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return 1;
	return 0;
}
/* Drops the claim of `claimant` (dead) on a lock, whoever owns it. */
static inline void eal_lock_drop_claim(rte_spinlock_t *l, int32_t claimant)
{
	int32_t w = __atomic_load_n((int32_t *)&l->locked, __ATOMIC_RELAXED);
	while (((w >> EAL_LOCK_CLAIM_SHIFT) & 0x7fff) == claimant)
		if (__atomic_compare_exchange_n((int32_t *)&l->locked, &w, w & EAL_LOCK_OWNER_MASK, 0,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return;
}
static inline void eal_store_release_u32(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline int32_t eal_cas_i32(int32_t *p, int32_t from, int32_t to)
{
	return __atomic_compare_exchange_n(p, &from, to, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}



#pragma clang assume_nonnull end

#endif
