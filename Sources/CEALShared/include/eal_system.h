/* System headers the Glibc Swift module leaves out. */
#ifndef EAL_SYSTEM_H
#define EAL_SYSTEM_H

#include <getopt.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/io.h>

#endif
