/* SwiftEAL: API stability markers. They only annotate; nothing is enforced. */
#ifndef _RTE_COMPAT_H_
#define _RTE_COMPAT_H_

#ifndef __rte_experimental
#define __rte_experimental
#endif
#ifndef __rte_internal
#define __rte_internal
#endif

#endif
