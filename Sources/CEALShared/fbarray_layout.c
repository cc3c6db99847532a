/* The fbarray mask header is a plain C layout; this file only anchors it in the target. */
#include "fbarray_layout.h"

_Static_assert(sizeof(struct fbarray_mask_header) == 8, "mask words start 8 bytes in");
