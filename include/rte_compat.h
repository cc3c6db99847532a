/*
 * SwiftEAL: API stability markers, enforced as DPDK does. Experimental symbols warn
 * unless ALLOW_EXPERIMENTAL_API is defined; internal ones are a compile error unless
 * ALLOW_INTERNAL_API is defined.
 */
#ifndef _RTE_COMPAT_H_
#define _RTE_COMPAT_H_

#ifdef ALLOW_EXPERIMENTAL_API
#define __rte_experimental __attribute__((section(".text.experimental")))
#else
#define __rte_experimental \
	__attribute__((deprecated("Symbol is not yet part of stable ABI"), \
		section(".text.experimental")))
#endif

#ifndef __has_attribute
#define __has_attribute(x) 0
#endif

#if defined(ALLOW_INTERNAL_API)
#define __rte_internal __attribute__((section(".text.internal")))
#elif defined(__clang__) && __has_attribute(diagnose_if)
#define __rte_internal \
	_Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Wgcc-compat\"") \
	__attribute__((diagnose_if(1, "Symbol is not public ABI", "error"), \
		section(".text.internal"))) \
	_Pragma("GCC diagnostic pop")
#elif __has_attribute(error)
#define __rte_internal \
	__attribute__((error("Symbol is not public ABI"), section(".text.internal")))
#else
#define __rte_internal __attribute__((section(".text.internal")))
#endif

#endif
