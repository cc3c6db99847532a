/* SwiftEAL internal: the Linux event APIs the interrupt code calls from Swift. */
#ifndef SWIFTEAL_INTR_SYS_H
#define SWIFTEAL_INTR_SYS_H

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>

#endif
