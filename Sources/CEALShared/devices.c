/* Storage for the bus, class and devargs registries (eal_driver.h): static lists,
 * valid before any constructor runs. */
#include "eal_driver.h"

struct eal_dev_registry eal_dev_registry = {
	.buses = TAILQ_HEAD_INITIALIZER(eal_dev_registry.buses),
	.classes = TAILQ_HEAD_INITIALIZER(eal_dev_registry.classes),
	.devargs = TAILQ_HEAD_INITIALIZER(eal_dev_registry.devargs),
};

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>

/* A non-blocking socket on every kernel uevent group: its fd, -1 when the socket cannot
 * be made, -2 when it cannot be bound (closed again); errno tells why. */
int
eal_uevent_socket(void)
{
	struct sockaddr_nl addr;
	int fd = socket(PF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -1;
	memset(&addr, 0, sizeof(addr));
	addr.nl_family = AF_NETLINK;
	addr.nl_groups = 0xffffffff;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -2;
	}
	return fd;
}

#include <sys/ioctl.h>

/* An ioctl taking an integer argument (VFIO's API version and extension checks). */
int
eal_vfio_ioctl(int fd, unsigned long request, long arg)
{
	return ioctl(fd, request, arg);
}
